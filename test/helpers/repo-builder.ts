/**
 * Builds real git repositories for tests, with the git CLI, in fresh directories under os.tmpdir().
 *
 * Everything a test reads back is deterministic: identities come from the repository's own config,
 * dates from a clock that starts at 2024-01-01T00:00:00Z and advances one hour per commit (or tag),
 * and the user's git configuration is shut out (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1,
 * inherited GIT_* variables dropped). Automatic gc and maintenance are off, so the object directory
 * only changes when a test changes it.
 *
 * This is the one builder of the tests: scenario files (test/select/builder.ts, test/analysis/builder.ts,
 * test/apply/scenario.ts, test/helpers/fixtures.ts) tell their story with it. Test helpers may spawn git
 * directly; production code (src/) goes through src/git/. The state stablepick must leave alone is
 * hashed by ./repo-state.ts.
 *
 *   const r = makeRepo();                       // or makeRepo({ identity: 'Ann Dev <ann@example.org>' })
 *   const c = labelledShas('foo', 'fix', 'pick');
 *   c.foo = r.commit('subsys: add foo', { 'src/foo.c': 'int foo;\n' }, { body: 'Why.\n\nSigned-off-by: A <a@x.org>' });
 *   r.tag('v1.0');
 *   r.branch('linux-1.0.y');
 *   c.fix = r.commit('subsys: fix foo', { 'src/foo.c': 'int foo = 1;\n' });
 *   r.checkout('linux-1.0.y');
 *   c.pick = r.cherryPick(c.fix, { marker: 'commit-upstream' });
 *   const picker = r.clone();                   // real cherry-picks there: picker.cherryPickOnto(onto, sha)
 *   picker.cleanup();
 *   r.cleanup();
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A file's new content; `null` deletes the file. */
export type FileContent = string | Buffer | null;
/** Paths (relative to the work tree, '/'-separated) to new contents. */
export type FileMap = Readonly<Record<string, FileContent>>;
/** A moment: a Date, an ISO 8601 string, or seconds since the epoch. */
export type DateLike = Date | string | number;

/** 2024-01-01T00:00:00Z, the first date of every builder's clock. */
export const CLOCK_START = Date.UTC(2024, 0, 1) / 1000;
/** One hour: the clock's step per commit. */
export const CLOCK_STEP = 3600;
/** Identity written to each repository's config (user.name / user.email). */
export const DEFAULT_IDENTITY = 'Stable Tester <tester@example.org>';

/**
 * How a picked commit names its upstream original.
 * - `commit-upstream`: Linux stable, first body line `commit <sha> upstream.`
 * - `upstream-commit`: Linux stable, first body line `[ Upstream commit <sha> ]`
 * - `upstream-commit-lc`: DPDK stable, first body line `[ upstream commit <sha> ]`
 * - `cherry-picked`: `git cherry-pick -x`, `(cherry picked from commit <sha>)` at the end
 * - `xen`: Xen, `master commit: <sha>` and `master date: <committer date>` at the end
 * - `none`: the same message and change, no marker (only patch-id can match it)
 */
export type MarkerForm = 'commit-upstream' | 'upstream-commit' | 'upstream-commit-lc' | 'cherry-picked' | 'xen' | 'none';

export interface CommitOptions {
  /** Message body after the subject (paragraphs, trailers); a blank line is put between them. */
  body?: string;
  /** 'Name <email>'; default the repository's user. */
  author?: string;
  /** 'Name <email>'; default the repository's user. */
  committer?: string;
  /** Author and committer date; default the clock's next tick. */
  date?: DateLike;
  /** Author date only (the committer date still follows `date` or the clock). */
  authorDate?: DateLike;
  /** Commit even if nothing changed; default: only when neither files nor staged changes were given. */
  allowEmpty?: boolean;
  /**
   * Commit as `git -c i18n.commitEncoding=<encoding> commit`: git adds an `encoding` header. For
   * ISO-8859-1 the message string is stored as latin1 bytes (characters up to U+00FF).
   */
  encoding?: string;
}

export interface TagOptions {
  /** An annotated tag object (`git tag -a`); default lightweight. */
  annotated?: boolean;
  /** Annotated tag message; implies `annotated`. Default: the tag name. */
  message?: string;
  /** What to tag; default HEAD. */
  at?: string;
}

export interface BranchOptions {
  /** Where the branch starts; default HEAD. */
  at?: string;
  /** Check the new branch out. */
  checkout?: boolean;
}

export interface CherryPickOptions {
  /** Default `none`. */
  marker?: MarkerForm;
  /** Commit these files instead of applying the original change (a backport that had to be adapted). */
  files?: FileMap;
  /** Replace the original body (the marker is still added). */
  body?: string;
  /** Replace the original subject. */
  subject?: string;
  /** Lines appended to the message's last paragraph (e.g. 'Stable-dep-of: ...', 'Signed-off-by: ...'). */
  appendTrailers?: readonly string[];
  /** Committer date; default the clock. The author and author date stay the original's. */
  date?: DateLike;
  /** 'Name <email>'; default the repository's user. */
  committer?: string;
}

export interface MergeOptions {
  /** Merge commit message; default `Merge branch '<name>'` (git's own). */
  message?: string;
  date?: DateLike;
  author?: string;
  /** Files to write before committing the merge: resolves conflicts, or makes an "evil" merge. */
  files?: FileMap;
}

export interface RevertOptions {
  /** Extra text appended after git's `This reverts commit <sha>.` paragraph. */
  body?: string;
  date?: DateLike;
  author?: string;
}

export interface RawCommitOptions {
  /** The complete message, bytes as they will be stored (subject, blank line, body). */
  message: string | Buffer;
  /** 'Name <email>' as bytes or text; default the repository's user. */
  author?: string | Buffer;
  committer?: string | Buffer;
  /** Adds an `encoding <name>` header. */
  encoding?: string;
  date?: DateLike;
  authorDate?: DateLike;
  /** Files staged before the tree is written; default nothing (the current index). */
  files?: FileMap;
  /** Default: HEAD, if it exists. */
  parents?: readonly string[];
  /** Move HEAD (the checked-out branch) to the new commit; default true. */
  updateHead?: boolean;
}

export interface GitCallOptions {
  input?: string | Buffer;
  env?: Readonly<Record<string, string>>;
  /** Working directory; default the repository. */
  cwd?: string;
}

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface MakeRepoOptions {
  /** Initial branch; default 'main'. */
  branch?: string;
  /** First clock date; default 2024-01-01T00:00:00Z. */
  clockStart?: DateLike;
  /** Name prefix of the temp directory. */
  prefix?: string;
  /** `git init --bare` (no work tree: only raw commits and fast-import are useful then). */
  bare?: boolean;
  /** 'Name <email>' written to the config and used for every commit that names no other; default DEFAULT_IDENTITY. */
  identity?: string;
}

export interface OpenRepoOptions {
  clockStart?: DateLike;
  /** As in MakeRepoOptions. */
  identity?: string;
}

export interface CloneOptions {
  /** The clone's own identity (e.g. the stable maintainer who picks); default the source's. */
  identity?: string;
  /** Name prefix of the temp directory. */
  prefix?: string;
}

/** What a real `git cherry-pick` made: the tree and commit, both null when it stopped on a conflict. */
export interface PickResult {
  tree: string | null;
  commit: string | null;
}

const MAX_BUFFER = 1 << 30;

/** The environment every helper git process gets: the user's git setup shut out, no prompts, C locale. */
export function isolatedGitEnv(extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GIT_') && k !== 'GIT_EXEC_PATH') continue;
    env[k] = v;
  }
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_EDITOR = 'true';
  env.GIT_SEQUENCE_EDITOR = 'true';
  env.GIT_MERGE_AUTOEDIT = 'no';
  env.GIT_PAGER = 'cat';
  env.LC_ALL = 'C';
  env.LANG = 'C';
  env.TZ = 'UTC';
  if (extra) Object.assign(env, extra);
  return env;
}

/** Runs git in `cwd` and returns stdout; throws with git's stderr on failure. */
export function runGitSync(cwd: string, args: readonly string[], opts: Omit<GitCallOptions, 'cwd'> = {}): string {
  const r = tryGitSync(cwd, args, opts);
  if (r.status !== 0) {
    throw new Error(`git ${args.join(' ')} (in ${cwd}) exited ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

/** Runs git in `cwd`; never throws for a non-zero exit. */
export function tryGitSync(cwd: string, args: readonly string[], opts: Omit<GitCallOptions, 'cwd'> = {}): GitResult {
  const r = spawnSync('git', [...args], {
    cwd,
    env: isolatedGitEnv(opts.env),
    input: opts.input,
    maxBuffer: MAX_BUFFER,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Seconds since the epoch. */
export function toEpoch(d: DateLike): number {
  if (typeof d === 'number') return Math.floor(d);
  const ms = d instanceof Date ? d.getTime() : Date.parse(d);
  if (Number.isNaN(ms)) throw new Error(`not a date: ${String(d)}`);
  return Math.floor(ms / 1000);
}

/** Splits 'Name <email>'. */
export function parseIdentity(ident: string): { name: string; email: string } {
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(ident);
  if (!m) throw new Error(`identity must look like 'Name <email>': ${ident}`);
  return { name: m[1] ?? '', email: m[2] ?? '' };
}

/** Subject and body joined the way `git commit -F` stores them. */
export function composeMessage(subject: string, body?: string): string {
  const b = body?.replace(/^\n+/, '').replace(/\s+$/, '') ?? '';
  return b ? `${subject}\n\n${b}\n` : `${subject}\n`;
}

const TRAILER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*(?: [a-z]+)?: .*|\(cherry picked from commit [0-9a-f]+\)|master (commit|date): .*)$/;

/** Appends lines to the last paragraph if it is a trailer block (as `git cherry-pick -x` does), else as a new paragraph. */
export function appendToTrailerBlock(message: string, lines: readonly string[]): string {
  if (lines.length === 0) return message;
  const trimmed = message.replace(/\s+$/, '');
  const paragraphs = trimmed.split(/\n\n+/);
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? '') : '';
  const isTrailers = last !== '' && last.split('\n').every((l) => TRAILER_LINE.test(l));
  return `${trimmed}${isTrailers ? '\n' : '\n\n'}${lines.join('\n')}\n`;
}

/** A real git repository being built; every method runs git and returns what it made. */
export class RepoBuilder {
  /** Absolute path of the work tree (or of the bare repository). */
  readonly dir: string;
  /** No work tree (and no index): only bulkCommit, tag, branch and git() are useful. */
  readonly bare: boolean;
  private clock: number;
  private staged = false;
  private readonly ident: string;

  constructor(dir: string, clockStart: DateLike = CLOCK_START, identity: string = DEFAULT_IDENTITY) {
    this.dir = dir;
    this.bare = !existsSync(path.join(dir, '.git'));
    this.clock = toEpoch(clockStart);
    this.ident = identity;
  }

  /** The epoch seconds the next commit gets (unless it says otherwise). */
  get nextClock(): number {
    return this.clock;
  }

  /** Runs any git command in the repository; returns stdout (text); throws on failure. */
  git(args: readonly string[], opts: GitCallOptions = {}): string {
    const { cwd, ...rest } = opts;
    return runGitSync(cwd ?? this.dir, args, rest);
  }

  /** Runs any git command; returns stdout as bytes (for output that is not UTF-8); throws on failure. */
  gitBytes(args: readonly string[], opts: GitCallOptions = {}): Buffer {
    const { cwd, ...rest } = opts;
    const r = spawnSync('git', [...args], { cwd: cwd ?? this.dir, env: isolatedGitEnv(rest.env), input: rest.input, maxBuffer: MAX_BUFFER });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd ?? this.dir}) exited ${r.status}: ${r.stderr.toString('utf8').trim()}`);
    return r.stdout;
  }

  /** Runs any git command; returns status, stdout and stderr without throwing. */
  tryGit(args: readonly string[], opts: GitCallOptions = {}): GitResult {
    const { cwd, ...rest } = opts;
    return tryGitSync(cwd ?? this.dir, args, rest);
  }

  /** Full object id of a revision. */
  revParse(rev: string): string {
    return this.git(['rev-parse', '--verify', '--end-of-options', rev]).trim();
  }

  /** Full object id, or null if the revision does not resolve. */
  tryRevParse(rev: string): string | null {
    const r = this.tryGit(['rev-parse', '--verify', '--quiet', '--end-of-options', rev]);
    return r.status === 0 ? r.stdout.trim() : null;
  }

  /** The checked-out branch name, or null when HEAD is detached. */
  currentBranch(): string | null {
    const r = this.tryGit(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return r.status === 0 ? r.stdout.trim() : null;
  }

  /** Takes the next clock tick (or the given date) and moves the clock past it. */
  tick(override?: DateLike): number {
    if (override !== undefined) {
      const t = toEpoch(override);
      if (t >= this.clock) this.clock = t + CLOCK_STEP;
      return t;
    }
    const t = this.clock;
    this.clock += CLOCK_STEP;
    return t;
  }

  /** Writes files into the work tree and stages them (null deletes). They go into the next commit. */
  write(files: FileMap): void {
    const add: string[] = [];
    const del: string[] = [];
    for (const [rel, content] of Object.entries(files)) {
      const abs = this.abs(rel);
      if (content === null) {
        rmSync(abs, { force: true, recursive: true });
        del.push(rel);
      } else {
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, content);
        add.push(rel);
      }
    }
    if (del.length > 0) this.git(['rm', '-q', '-r', '--cached', '--ignore-unmatch', '--', ...del]);
    if (add.length > 0) this.git(['add', '-f', '--', ...add]);
    if (add.length + del.length > 0) this.staged = true;
  }

  /** Writes a binary file and stages it for the next commit. */
  writeBinary(rel: string, content: Buffer | Uint8Array): void {
    this.write({ [rel]: Buffer.from(content) });
  }

  /** Removes a path (file or directory) and stages the removal for the next commit. */
  rm(rel: string): void {
    this.git(['rm', '-q', '-r', '--', rel]);
    this.staged = true;
  }

  /** `git mv from to` (parents of `to` are created); staged for the next commit. */
  rename(from: string, to: string): void {
    mkdirSync(path.dirname(this.abs(to)), { recursive: true });
    this.git(['mv', '--', from, to]);
    this.staged = true;
  }

  /**
   * Commits the staged changes plus `files` with `git commit` and returns the new commit's id.
   * Empty commits are made only when nothing was staged and no files were given (or allowEmpty).
   */
  commit(subject: string, files: FileMap = {}, opts: CommitOptions = {}): string {
    const hadFiles = Object.keys(files).length > 0 || this.staged;
    this.write(files);
    const allowEmpty = opts.allowEmpty ?? !hadFiles;
    const args = opts.encoding ? ['-c', `i18n.commitEncoding=${opts.encoding}`] : [];
    args.push('commit', '-q', '--no-verify', '--cleanup=verbatim', '-F', '-');
    if (allowEmpty) args.push('--allow-empty');
    const msg = composeMessage(subject, opts.body);
    const input = opts.encoding && /^(iso-8859-1|latin-?1)$/i.test(opts.encoding) ? Buffer.from(msg, 'latin1') : msg;
    const t = this.tick(opts.date);
    const at = opts.authorDate !== undefined ? toEpoch(opts.authorDate) : t;
    this.git(args, { input, env: this.identityEnv(opts, t, at) });
    this.staged = false;
    return this.revParse('HEAD');
  }

  /**
   * Like commit(), but searches the author and committer seconds within the clock's hour until the new
   * commit's id starts with `prefix` (hex, at most 5 digits; ~16^n sha1 computations in-process), then
   * makes that very commit with `git commit` and checks git agrees.
   */
  commitWithShaPrefix(prefix: string, subject: string, files: FileMap = {}, opts: Omit<CommitOptions, 'date' | 'authorDate' | 'encoding'> = {}): string {
    if (!/^[0-9a-f]{1,5}$/.test(prefix)) throw new Error(`prefix must be 1-5 lowercase hex digits: ${prefix}`);
    const hadFiles = Object.keys(files).length > 0 || this.staged;
    this.write(files);
    const tree = this.git(['write-tree']).trim();
    const parent = this.tryRevParse('HEAD');
    const author = opts.author ?? this.identity();
    const committer = opts.committer ?? this.identity();
    const msg = composeMessage(subject, opts.body);
    const base = this.tick();
    const head = `tree ${tree}\n${parent ? `parent ${parent}\n` : ''}`;
    let found: { a: number; c: number; sha: string } | null = null;
    search: for (let c = 0; c < CLOCK_STEP; c++) {
      for (let a = 0; a <= c; a++) {
        const body = `${head}author ${author} ${base + a} +0000\ncommitter ${committer} ${base + c} +0000\n\n${msg}`;
        const bytes = Buffer.from(body, 'utf8');
        const sha = createHash('sha1').update(`commit ${bytes.length}\0`).update(bytes).digest('hex');
        if (sha.startsWith(prefix)) {
          found = { a, c, sha };
          break search;
        }
      }
    }
    if (!found) throw new Error(`no commit id starting with ${prefix} within one clock hour`);
    const got = this.commit(
      subject,
      {},
      {
        ...opts,
        allowEmpty: opts.allowEmpty ?? !hadFiles,
        authorDate: base + found.a,
        date: base + found.c,
      },
    );
    if (got !== found.sha) throw new Error(`git made ${got}, expected ${found.sha} (commit format drift?)`);
    return got;
  }

  /**
   * Writes a commit object from exact bytes (`git hash-object -t commit -w`): for messages and names in
   * legacy encodings that no environment variable can carry. Returns its id.
   */
  rawCommit(opts: RawCommitOptions): string {
    if (opts.files) this.write(opts.files);
    const tree = this.git(['write-tree']).trim();
    const parents = opts.parents ?? [this.tryRevParse('HEAD')].filter((p): p is string => p !== null);
    const t = this.tick(opts.date);
    const at = opts.authorDate !== undefined ? toEpoch(opts.authorDate) : t;
    const ident = (v: string | Buffer | undefined): Buffer => (v === undefined ? Buffer.from(this.identity()) : Buffer.from(v));
    const parts: Buffer[] = [Buffer.from(`tree ${tree}\n`)];
    for (const p of parents) parts.push(Buffer.from(`parent ${p}\n`));
    parts.push(Buffer.from('author '), ident(opts.author), Buffer.from(` ${at} +0000\n`));
    parts.push(Buffer.from('committer '), ident(opts.committer), Buffer.from(` ${t} +0000\n`));
    if (opts.encoding) parts.push(Buffer.from(`encoding ${opts.encoding}\n`));
    parts.push(Buffer.from('\n'), Buffer.from(opts.message));
    const sha = this.git(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: Buffer.concat(parts) }).trim();
    if (opts.updateHead ?? true) {
      this.git(['update-ref', '-m', 'rawCommit', 'HEAD', sha]);
      this.staged = false;
    }
    return sha;
  }

  /**
   * One commit with `git fast-import` on the checked-out branch: fast for thousands of files. The index
   * and work tree are brought to the new commit afterwards (`git read-tree -m -u`), unless `syncWorktree`
   * is false, in which case only the index is (the files stay absent from the work tree). Writing the
   * work tree costs far more than the import (~1 ms per file on slow file systems); in a bare
   * repository there is nothing to sync.
   */
  bulkCommit(subject: string, files: FileMap, opts: Omit<CommitOptions, 'encoding' | 'allowEmpty'> & { syncWorktree?: boolean } = {}): string {
    const branch = this.currentBranch();
    if (!branch) throw new Error('bulkCommit needs a checked-out branch');
    if (this.staged) throw new Error('bulkCommit: commit the staged changes first');
    const parent = this.tryRevParse('HEAD');
    const t = this.tick(opts.date);
    const at = opts.authorDate !== undefined ? toEpoch(opts.authorDate) : t;
    const author = opts.author ?? this.identity();
    const committer = opts.committer ?? this.identity();
    const msg = Buffer.from(composeMessage(subject, opts.body));
    const chunks: Buffer[] = [
      Buffer.from(`commit refs/heads/${branch}\nauthor ${author} ${at} +0000\ncommitter ${committer} ${t} +0000\ndata ${msg.length}\n`),
      msg,
      Buffer.from(parent ? `from ${parent}\n` : ''),
    ];
    for (const [rel, content] of Object.entries(files)) {
      if (content === null) {
        chunks.push(Buffer.from(`D ${rel}\n`));
      } else {
        const b = Buffer.from(content);
        chunks.push(Buffer.from(`M 100644 inline ${rel}\ndata ${b.length}\n`), b, Buffer.from('\n'));
      }
    }
    chunks.push(Buffer.from('\ndone\n'));
    this.git(['fast-import', '--quiet', '--done'], { input: Buffer.concat(chunks) });
    const sha = this.revParse('HEAD');
    if (this.bare) return sha;
    if (opts.syncWorktree === false) this.git(['read-tree', sha]);
    else if (parent) this.git(['read-tree', '-m', '-u', parent, sha]);
    else this.git(['read-tree', '-u', '--reset', sha]);
    return sha;
  }

  /** Creates a tag; returns the id of the commit it names. Annotated tags get the clock's date. */
  tag(name: string, opts: TagOptions = {}): string {
    const at = opts.at ?? 'HEAD';
    if (opts.annotated || opts.message !== undefined) {
      const t = this.tick();
      this.git(['tag', '-a', '-m', opts.message ?? name, name, at], { env: this.dateEnv(t, t) });
    } else {
      this.git(['tag', name, at]);
    }
    return this.revParse(`${name}^{commit}`);
  }

  /** Creates a branch (at HEAD or `at`), optionally checks it out; returns the commit it points to. */
  branch(name: string, opts: BranchOptions = {}): string {
    if (opts.checkout) this.git(['checkout', '-q', '-b', name, ...(opts.at ? [opts.at] : [])]);
    else this.git(['branch', name, ...(opts.at ? [opts.at] : [])]);
    return this.revParse(name);
  }

  /** Checks out a branch or (detached) any revision. */
  checkout(rev: string): void {
    this.git(['checkout', '-q', rev, '--']);
  }

  /**
   * Puts commit `sha` onto the current branch the way a stable team would, with the marker `opts.marker`.
   * The author and author date stay the original's; the committer date is the clock's.
   */
  cherryPick(sha: string, opts: CherryPickOptions = {}): string {
    const marker = opts.marker ?? 'none';
    const full = this.revParse(`${sha}^{commit}`);
    const t = this.tick(opts.date);
    const committer = parseIdentity(opts.committer ?? this.identity());
    const env: Record<string, string> = {
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: `${t} +0000`,
    };
    const plain = !opts.files && opts.body === undefined && opts.subject === undefined && !opts.appendTrailers?.length;
    if (plain && (marker === 'none' || marker === 'cherry-picked')) {
      this.git(['cherry-pick', '--allow-empty', ...(marker === 'cherry-picked' ? ['-x'] : []), full], { env });
      return this.revParse('HEAD');
    }
    const [an, ae, ad] = this.git(['log', '-1', '--date=raw', '--format=%an%x00%ae%x00%ad', full]).replace(/\n$/, '').split('\0');
    const original = this.git(['log', '-1', '--format=%B', full]).replace(/\s+$/, '');
    const cut = original.indexOf('\n\n');
    const subject = opts.subject ?? (cut < 0 ? original : original.slice(0, cut));
    const body = opts.body ?? (cut < 0 ? '' : original.slice(cut + 2));
    let msg: string;
    switch (marker) {
      case 'commit-upstream':
        msg = composeMessage(subject, `commit ${full} upstream.\n\n${body}`);
        break;
      case 'upstream-commit':
        msg = composeMessage(subject, `[ Upstream commit ${full} ]\n\n${body}`);
        break;
      case 'upstream-commit-lc':
        msg = composeMessage(subject, `[ upstream commit ${full} ]\n\n${body}`);
        break;
      case 'cherry-picked':
      case 'none':
      case 'xen':
        msg = composeMessage(subject, body);
        break;
    }
    if (opts.appendTrailers?.length) msg = appendToTrailerBlock(msg, opts.appendTrailers);
    if (marker === 'cherry-picked') msg = appendToTrailerBlock(msg, [`(cherry picked from commit ${full})`]);
    if (marker === 'xen') {
      const date = this.git(['log', '-1', '--format=%ci', full]).trim();
      msg = `${msg.replace(/\s+$/, '')}\nmaster commit: ${full}\nmaster date: ${date}\n`;
    }
    if (opts.files) {
      this.write(opts.files);
    } else {
      this.git(['cherry-pick', '--no-commit', full], { env });
    }
    this.git(['commit', '-q', '--no-verify', '--allow-empty', '--cleanup=verbatim', '-F', '-'], {
      input: msg,
      env: { ...env, GIT_AUTHOR_NAME: an ?? '', GIT_AUTHOR_EMAIL: ae ?? '', GIT_AUTHOR_DATE: ad ?? '' },
    });
    this.staged = false;
    return this.revParse('HEAD');
  }

  /** `git revert --no-edit` of a commit on the current branch ("This reverts commit <sha>."). */
  revert(sha: string, opts: RevertOptions = {}): string {
    const env = this.identityEnv({ author: opts.author }, this.tick(opts.date));
    if (opts.body === undefined) {
      this.git(['revert', '--no-edit', sha], { env });
    } else {
      this.git(['revert', '--no-commit', sha], { env });
      const full = this.revParse(`${sha}^{commit}`);
      const subj = this.git(['log', '-1', '--format=%s', full]).trim();
      const msg = composeMessage(`Revert "${subj}"`, `This reverts commit ${full}.\n\n${opts.body}`);
      this.git(['commit', '-q', '--no-verify', '--cleanup=verbatim', '-F', '-'], { input: msg, env });
    }
    return this.revParse('HEAD');
  }

  /** A two-parent merge (`--no-ff`) of `branch` into the current branch. */
  merge(branch: string, opts: MergeOptions = {}): string {
    return this.mergeMany([branch], opts);
  }

  /** An octopus merge of several branches into the current one (1 + branches.length parents). */
  octopus(branches: readonly string[], opts: MergeOptions = {}): string {
    if (branches.length < 2) throw new Error('an octopus merge needs at least two branches');
    return this.mergeMany(branches, opts);
  }

  /** Removes the repository directory. */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The repository's default identity, 'Name <email>'. */
  identity(): string {
    return this.ident;
  }

  /**
   * A full clone with objects of its own (`git clone --no-local`) in a fresh temp directory, configured
   * like makeRepo()'s; its clock goes on from this one's. Real cherry-picks there leave this repository alone.
   */
  clone(opts: CloneOptions = {}): RepoBuilder {
    const dir = makeTempDir(opts.prefix ?? 'stablepick-clone-');
    runGitSync(dir, ['clone', '-q', '--no-local', this.dir, '.']);
    return openRepo(dir, { clockStart: this.clock, identity: opts.identity ?? this.ident });
  }

  /**
   * A real `git cherry-pick` of `sha` on a detached HEAD at `onto`: the new tree and commit, or nulls when
   * git stops on a conflict (the pick is aborted and HEAD reset to `onto`). Moves HEAD: use it in a clone().
   */
  cherryPickOnto(onto: string, sha: string): PickResult {
    this.git(['checkout', '-q', '--detach', onto]);
    const env = this.identityEnv({}, this.tick());
    if (this.tryGit(['cherry-pick', '--allow-empty', sha], { env }).status !== 0) {
      this.tryGit(['cherry-pick', '--abort']);
      this.git(['reset', '-q', '--hard', onto]);
      return { tree: null, commit: null };
    }
    return { tree: this.revParse('HEAD^{tree}'), commit: this.revParse('HEAD') };
  }

  private mergeMany(branches: readonly string[], opts: MergeOptions): string {
    const env = this.identityEnv({ author: opts.author }, this.tick(opts.date));
    const msgArgs = opts.message !== undefined ? ['-m', opts.message] : [];
    if (opts.files) {
      const r = this.tryGit(['merge', '--no-ff', '--no-commit', '-q', ...msgArgs, ...branches], { env });
      if (r.status !== 0 && branches.length > 1) throw new Error(`octopus merge failed: ${r.stderr || r.stdout}`);
      this.write(opts.files);
      const commitArgs = ['commit', '-q', '--no-verify'];
      if (opts.message !== undefined) commitArgs.push('--cleanup=verbatim', '-F', '-');
      else commitArgs.push('--no-edit');
      this.git(commitArgs, { env, input: opts.message !== undefined ? composeMessage(opts.message) : '' });
      this.staged = false;
    } else {
      this.git(['merge', '--no-ff', '-q', ...(opts.message !== undefined ? msgArgs : ['--no-edit']), ...branches], { env });
    }
    return this.revParse('HEAD');
  }

  private abs(rel: string): string {
    if (path.isAbsolute(rel) || rel.split('/').includes('..')) throw new Error(`path must stay inside the work tree: ${rel}`);
    return path.join(this.dir, rel);
  }

  private dateEnv(authorT: number, committerT: number): Record<string, string> {
    return { GIT_AUTHOR_DATE: `${authorT} +0000`, GIT_COMMITTER_DATE: `${committerT} +0000` };
  }

  private identityEnv(opts: { author?: string | undefined; committer?: string | undefined }, t: number, at = t): Record<string, string> {
    const env = this.dateEnv(at, t);
    const a = parseIdentity(opts.author ?? this.identity());
    const c = parseIdentity(opts.committer ?? this.identity());
    env.GIT_AUTHOR_NAME = a.name;
    env.GIT_AUTHOR_EMAIL = a.email;
    env.GIT_COMMITTER_NAME = c.name;
    env.GIT_COMMITTER_EMAIL = c.email;
    return env;
  }
}

/** `git init` in a fresh directory under os.tmpdir(), isolated config, deterministic identity. */
export function makeRepo(opts: MakeRepoOptions = {}): RepoBuilder {
  const dir = mkdtempSync(path.join(tmpdir(), opts.prefix ?? 'stablepick-repo-'));
  const branch = opts.branch ?? 'main';
  runGitSync(dir, ['init', '-q', ...(opts.bare ? ['--bare'] : []), '-b', branch, '.']);
  const identity = opts.identity ?? DEFAULT_IDENTITY;
  configureRepo(dir, identity);
  return new RepoBuilder(dir, opts.clockStart ?? CLOCK_START, identity);
}

/** A builder over an existing repository (e.g. a clone), configured like makeRepo()'s. */
export function openRepo(dir: string, opts: OpenRepoOptions = {}): RepoBuilder {
  const identity = opts.identity ?? DEFAULT_IDENTITY;
  configureRepo(dir, identity);
  return new RepoBuilder(path.resolve(dir), opts.clockStart ?? CLOCK_START, identity);
}

/** A fresh, empty temp directory under os.tmpdir() (for clones). */
export function makeTempDir(prefix = 'stablepick-tmp-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function configureRepo(dir: string, identity: string): void {
  const { name, email } = parseIdentity(identity);
  const common = runGitSync(dir, ['rev-parse', '--path-format=absolute', '--git-common-dir']).trim();
  // Appended in one write: eleven `git config` calls would make every makeRepo() noticeably slower.
  appendFileSync(
    path.join(common, 'config'),
    [
      '[user]',
      `\tname = ${name}`,
      `\temail = ${email}`,
      '[commit]',
      '\tgpgsign = false',
      '[tag]',
      '\tgpgsign = false',
      '[gc]',
      '\tauto = 0',
      '[maintenance]',
      '\tauto = false',
      '[core]',
      '\tautocrlf = false',
      '[advice]',
      '\tdetachedHead = false',
      '[uploadpack]',
      '\tallowFilter = true',
      '\tallowAnySHA1InWant = true',
      '',
    ].join('\n'),
  );
}

/**
 * A record for a fixture's commit ids under the labels given, so that tests read `c.fix` as a `string`
 * (no `!`): a label not in the list does not compile, and reading a listed label before an id was stored
 * under it throws an error naming the label, instead of passing `undefined` on to the code under test.
 *
 *   const c = labelledShas('base', 'fix');
 *   c.base = r.commit('base', { 'a.c': 'one\n' });
 *   r.cherryPick(c.fix);   // throws: fixture commit "fix" was read before one was stored (stored: base)
 */
export function labelledShas<const L extends string>(...labels: readonly L[]): Record<L, string> {
  const known = new Set<string>(labels);
  return new Proxy({} as Record<string, string>, {
    get(stored, key) {
      if (typeof key === 'string' && known.has(key) && !Object.hasOwn(stored, key)) {
        const have = Object.keys(stored).join(', ') || 'none';
        throw new Error(`fixture commit "${key}" was read before one was stored (stored: ${have})`);
      }
      return Reflect.get(stored, key) as unknown;
    },
    set(stored, key, value) {
      if (typeof key !== 'string' || !known.has(key)) throw new Error(`"${String(key)}" is not one of the fixture's labels: ${labels.join(', ')}`);
      if (typeof value !== 'string') throw new Error(`fixture commit "${key}": a commit id must be a string, got ${typeof value}`);
      return Reflect.set(stored, key, value);
    },
  }) as Record<L, string>;
}

/** `list[i]` of a fixture's list of commit ids; throws (naming `what`) when there is no such element. */
export function nth(list: readonly string[], i: number, what = 'commit ids'): string {
  const v = list[i];
  if (v === undefined) throw new Error(`no element ${i} in the list of ${list.length} ${what}`);
  return v;
}
