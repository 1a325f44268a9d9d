/**
 * Spawning git. Every git process of stablepick starts here, with an environment that keeps git from
 * writing anything it may write on its own (optional locks, the index refresh of `status`), from
 * asking questions (no terminal prompts, no pager) and from translating its messages (we read them).
 */
import { processEnvironment } from '../env.js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StablepickError } from '../errors.js';
import { spawnThroughSpawner } from './spawner.js';

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

/**
 * Configuration every git process runs with, whatever the user's, the system's or the repository's
 * configuration says: settings that would change output stablepick parses, or make git run programs or
 * write files. Documented in docs/reliability.md ("Git settings stablepick pins"); a test runs the
 * commands under a hostile global configuration (test/git/pinned-config.test.ts).
 */
const PINNED_CONFIG: readonly (readonly [string, string])[] = [
  // Paths and messages as bytes, never quoted or translated differently.
  ['core.quotePath', 'false'],
  ['i18n.logOutputEncoding', 'UTF-8'],
  ['log.showSignature', 'false'],
  ['log.showRoot', 'true'],
  ['log.follow', 'false'],
  ['log.decorate', 'false'],
  ['core.commitGraph', 'true'],
  // Colour off for every kind of output (color.diff=always would beat color.ui=false).
  ['color.ui', 'false'],
  ['color.diff', 'false'],
  ['color.grep', 'false'],
  ['color.branch', 'false'],
  ['color.showBranch', 'false'],
  ['color.status', 'false'],
  // Diff text: prefixes, context, hunk merging, algorithm, blank lines, relative paths, submodules.
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
  ['diff.srcPrefix', 'a/'],
  ['diff.dstPrefix', 'b/'],
  ['diff.relative', 'false'],
  ['diff.context', '3'],
  ['diff.interHunkContext', '0'],
  ['diff.algorithm', 'myers'],
  ['diff.indentHeuristic', 'true'],
  ['diff.suppressBlankEmpty', 'false'],
  ['diff.submodule', 'short'],
  ['diff.renames', 'true'],
  // Blame: boundaries as git's default marks them. (blame.ignoreRevsFile cannot be reset from here: git
  // sorts its values, so an empty one does not clear the others; blame-range.ts passes
  // --no-ignore-revs-file and then the commits stablepick itself chose to ignore.)
  ['blame.markIgnoredLines', 'false'],
  ['blame.markUnblamableLines', 'false'],
  ['blame.showRoot', 'false'],
  // grep: our own flags decide the pattern syntax and what a line holds.
  ['grep.patternType', 'basic'],
  ['grep.column', 'false'],
  ['grep.lineNumber', 'false'],
  ['grep.fallbackToNoIndex', 'false'],
  // Trial merges and `git am` in private clones: same merge, no hooks, no whitespace refusal, no gc.
  ['merge.renames', 'true'],
  ['merge.directoryRenames', 'conflict'],
  ['merge.renormalize', 'false'],
  ['am.threeWay', 'false'],
  ['am.keepCR', 'false'],
  ['am.messageId', 'false'],
  ['mailinfo.scissors', 'false'],
  ['apply.whitespace', 'warn'],
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['commit.gpgSign', 'false'],
  ['patchid.verbatim', 'false'],
];

function quoteParameter(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** PINNED_CONFIG as git reads it from GIT_CONFIG_PARAMETERS (the form `git -c` itself uses). */
const PINNED_CONFIG_PARAMETERS = PINNED_CONFIG.map(([k, v]) => `${quoteParameter(k.toLowerCase())}=${quoteParameter(v)}`).join(' ');

/** Inherited variables that locate the user's configuration rather than redirect the repository. */
const USER_CONFIG_VARS = new Set(['GIT_EXEC_PATH', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM']);

/** The environment every git process gets. */
function gitEnv(target: GitTarget | null, extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(processEnvironment())) {
    // Inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE, ...) would silently redirect us.
    // The variables that say where the user's own configuration is are kept: git must read the same
    // settings it reads for the user (safe.directory, blame.ignoreRevsFile, identity).
    if (k.startsWith('GIT_') && !USER_CONFIG_VARS.has(k)) continue;
    env[k] = v;
  }
  env.LC_ALL = 'C';
  env.LANG = 'C';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_PAGER = 'cat';
  env.PAGER = 'cat';
  env.GIT_NO_REPLACE_OBJECTS = '1';
  env.GIT_CONFIG_PARAMETERS = PINNED_CONFIG_PARAMETERS;
  if (target?.env) Object.assign(env, target.env);
  if (extra) Object.assign(env, extra);
  return env;
}

function gitArgs(target: GitTarget | null, args: readonly string[]): string[] {
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
  if (/dubious ownership/i.test(stderr)) {
    return new StablepickError('NOT_A_REPOSITORY', { why: 'unsafe-owner' });
  }
  if (/not a git repository/i.test(stderr)) {
    return new StablepickError('NOT_A_REPOSITORY', { why: 'git', gitSays: line });
  }
  if (/unknown revision|bad revision|ambiguous argument|invalid object name|Needed a single revision|bad object/i.test(stderr)) {
    return new StablepickError('UNKNOWN_REVISION', { why: 'git', gitSays: line });
  }
  if (/unable to read|missing blob|missing tree|could not read|is a promisor|did not receive expected object/i.test(stderr)) {
    return new StablepickError('MISSING_OBJECT', { gitSays: line });
  }
  if (/shallow/i.test(stderr)) {
    return new StablepickError('SHALLOW_REPOSITORY', { gitSays: line });
  }
  const command = args
    .filter((a) => !a.startsWith('--git-dir') && !a.startsWith('--work-tree'))
    .slice(0, 3)
    .join(' ');
  return new StablepickError('GIT_FAILED', { command, gitSays: line, when: 'ran', status: code });
}

function firstFatalLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.find((l) => l.startsWith('fatal:') || l.startsWith('error:'));
  return (fatal ?? lines[0] ?? '').replace(/^(fatal|error):\s*/, '');
}

export function spawnFailure(err: NodeJS.ErrnoException): StablepickError {
  if (err.code === 'ENOENT') {
    return new StablepickError('GIT_MISSING', {});
  }
  return new StablepickError('GIT_FAILED', { command: '', gitSays: err.message, when: 'start' });
}

/** A git process started by `startGit`: its output goes to the handlers given. */
export interface GitProcess {
  /** Git's exit code (null when a signal ended it), after all of its output; a typed error when git could not start. */
  readonly exit: Promise<number | null>;
  kill(): void;
  /** Stop and restart reading git's output (git blocks on a full pipe meanwhile). */
  pause(): void;
  resume(): void;
}

export interface StartOptions {
  env?: Readonly<Record<string, string>> | undefined;
  input?: string | Buffer | undefined;
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
}

/**
 * Starts git with its standard input written (or closed) and its output handed over in chunks: through
 * the spawner when it runs (spawner.ts; the same arguments and environment), directly otherwise.
 */
export function startGit(target: GitTarget | null, args: readonly string[], opts: StartOptions): GitProcess {
  let settle!: { resolve: (code: number | null) => void; reject: (e: StablepickError) => void };
  const exit = new Promise<number | null>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let failed = false;
  const onError = (e: NodeJS.ErrnoException): void => {
    failed = true;
    settle.reject(spawnFailure(e));
  };
  const via = spawnThroughSpawner(
    { file: 'git', args: gitArgs(target, args), env: gitEnv(target, opts.env), cwd: target?.workTree ?? target?.gitDir ?? process.cwd(), input: opts.input },
    { stdout: opts.onStdout, stderr: opts.onStderr, error: onError, close: (code) => !failed && settle.resolve(code) },
  );
  if (via) return { exit, kill: () => via.kill(), pause: () => via.pause(), resume: () => via.resume() };
  const child = spawnGit(target, args, opts.env);
  child.on('error', onError);
  child.stdout.on('data', opts.onStdout);
  child.stderr.on('data', opts.onStderr);
  child.stdin.on('error', () => undefined); // git may exit before reading all of its input
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else child.stdin.end();
  child.on('close', (code) => !failed && settle.resolve(code));
  return { exit, kill: () => child.kill('SIGTERM'), pause: () => child.stdout.pause(), resume: () => child.stdout.resume() };
}

/** Runs git to completion and returns its output; a non-zero exit (not in okCodes) throws. */
export async function runGit(target: GitTarget | null, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const code = await startGit(target, args, { env: opts.env, input: opts.input, onStdout: (b) => out.push(b), onStderr: (b) => err.push(b) }).exit;
  const stderr = Buffer.concat(err).toString('utf8');
  const c = code ?? -1;
  if (c !== 0 && !(opts.okCodes ?? []).includes(c)) throw classifyGitFailure(args, stderr, code);
  return { stdout: Buffer.concat(out), stderr, code: c };
}

/** Runs git and returns its standard output as text, trailing newline removed. */
export async function gitText(target: GitTarget | null, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await runGit(target, args, opts);
  return r.stdout.toString('utf8').replace(/\n$/, '');
}
