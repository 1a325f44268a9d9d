/**
 * Spawning git. Every git process of stablepick starts here, with an environment that keeps git from
 * writing anything it may write on its own (optional locks, the index refresh of `status`), from
 * asking questions (no terminal prompts, no pager) and from translating its messages (we read them).
 */
import { processEnvironment } from '../env.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StablepickError } from '../errors.js';

export interface GitTarget {
  /** Absolute path of the git directory (the `.git` folder, or the bare repository). */
  readonly gitDir: string;
  /** Absolute path of the work tree, absent for a bare repository. */
  readonly workTree?: string | undefined;
  /** Extra environment for every git call against this target (e.g. GIT_OBJECT_DIRECTORY). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

export interface RunOptions {
  /** Bytes written to git's standard input, which is then closed. */
  input?: string | Buffer;
  /** Exit codes that are not failures (0 always is). */
  okCodes?: readonly number[];
  /** Extra environment for this call only. */
  env?: Readonly<Record<string, string>>;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** The environment every git process gets. */
export function gitEnv(target: GitTarget | null, extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(processEnvironment())) {
    // Inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE, ...) would silently redirect us.
    if (k.startsWith('GIT_') && k !== 'GIT_EXEC_PATH' && k !== 'GIT_CONFIG_NOSYSTEM') continue;
    env[k] = v;
  }
  env.LC_ALL = 'C';
  env.LANG = 'C';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_PAGER = 'cat';
  env.PAGER = 'cat';
  env.GIT_NO_REPLACE_OBJECTS = '1';
  env.GIT_CONFIG_PARAMETERS = "'core.quotepath'='false' 'log.showsignature'='false' 'diff.noprefix'='false' 'diff.mnemonicprefix'='false' 'core.commitgraph'='true' 'color.ui'='false'";
  if (target?.env) Object.assign(env, target.env);
  if (extra) Object.assign(env, extra);
  return env;
}

export function gitArgs(target: GitTarget | null, args: readonly string[]): string[] {
  if (!target) return [...args];
  const pre = [`--git-dir=${target.gitDir}`];
  if (target.workTree) pre.push(`--work-tree=${target.workTree}`);
  return [...pre, ...args];
}

/** Starts a git process; the caller owns its streams. Spawn failures become typed errors. */
export function spawnGit(
  target: GitTarget | null,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
  cwd?: string,
): ChildProcessWithoutNullStreams {
  const child = spawn('git', gitArgs(target, args), {
    env: gitEnv(target, env),
    cwd: cwd ?? target?.workTree ?? target?.gitDir ?? process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return child;
}

/** Turns git's complaint into a typed error with advice. */
export function classifyGitFailure(args: readonly string[], stderr: string, code: number | null): StablepickError {
  const line = firstFatalLine(stderr) || `git ${args[0] ?? ''} exited with code ${code}`;
  if (/not a git repository/i.test(stderr)) {
    return new StablepickError('NOT_A_REPOSITORY', line, 'give --repo a path inside a git repository');
  }
  if (/unknown revision|bad revision|ambiguous argument|invalid object name|Needed a single revision|bad object/i.test(stderr)) {
    return new StablepickError('UNKNOWN_REVISION', line, 'check the commit, branch or range name (git rev-parse <rev> must know it)');
  }
  if (/unable to read|missing blob|missing tree|could not read|is a promisor|did not receive expected object/i.test(stderr)) {
    return new StablepickError('MISSING_OBJECT', line, 'the repository lacks an object (partial clone?); fetch it or run without that commit');
  }
  if (/shallow/i.test(stderr)) {
    return new StablepickError('SHALLOW_REPOSITORY', line, 'this needs full history: run `git fetch --unshallow`');
  }
  return new StablepickError('GIT_FAILED', `git ${args.filter((a) => !a.startsWith('--git-dir') && !a.startsWith('--work-tree')).slice(0, 3).join(' ')}: ${line}`, 'see the git message above');
}

function firstFatalLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'));
  return (fatal ?? lines[0] ?? '').replace(/^(fatal|error):\s*/, '');
}

export function spawnFailure(err: NodeJS.ErrnoException): StablepickError {
  if (err.code === 'ENOENT') {
    return new StablepickError('GIT_MISSING', 'git was not found on PATH', 'install git (2.39 or newer) and try again');
  }
  return new StablepickError('GIT_FAILED', `could not start git: ${err.message}`, 'check that git runs from this shell');
}

/** Runs git to completion and returns its output; a non-zero exit (not in okCodes) throws. */
export function runGit(target: GitTarget | null, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(target, args, opts.env);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let failed = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      failed = true;
      reject(spawnFailure(e));
    });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined); // git may exit before reading all of its input
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    child.on('close', (code) => {
      if (failed) return;
      const stderr = Buffer.concat(err).toString('utf8');
      const c = code ?? -1;
      if (c !== 0 && !(opts.okCodes ?? []).includes(c)) {
        reject(classifyGitFailure(args, stderr, code));
        return;
      }
      resolve({ stdout: Buffer.concat(out), stderr, code: c });
    });
  });
}

/** Runs git and returns its standard output as text, trailing newline removed. */
export async function gitText(target: GitTarget | null, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await runGit(target, args, opts);
  return r.stdout.toString('utf8').replace(/\n$/, '');
}
