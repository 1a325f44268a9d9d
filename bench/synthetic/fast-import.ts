/**
 * A `git fast-import` process fed through its standard input with backpressure. After each commit the
 * generator asks `get-mark :N`; fast-import answers with the commit's sha on file descriptor 3
 * (`--cat-blob-fd=3`) as soon as it has stored the commit, so later commits can name earlier ones
 * (Fixes:, reverts, stable markers) without splitting the import into chunks. Asking for a sha that has
 * not come back yet first pushes out everything buffered here, so a wait can never deadlock.
 *
 * Bench code, not stablepick: it may spawn git itself (src/ goes through src/git/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

const FLUSH_AT = 1 << 18;

/** Environment for git without the user's configuration, so the result depends only on the input. */
export function cleanGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  env.GIT_CONFIG_NOSYSTEM = '1';
  env.GIT_CONFIG_GLOBAL = '/dev/null';
  env.LC_ALL = 'C';
  return env;
}

export class FastImport {
  private readonly child: ChildProcess;
  private readonly stdin: Writable;
  private chunks: string[] = [];
  private chunkBytes = 0;
  /** sha by mark; filled in the order the get-mark requests were written. */
  private readonly shas: string[] = [];
  private readonly asked: number[] = [];
  private answered = 0;
  private pendingText = '';
  private waiting: { mark: number; resolve: () => void } | null = null;
  private failure: Error | null = null;
  private readonly exited: Promise<number>;

  /** `config` goes before the command (`-c pack.compression=1`), `options` after it. */
  constructor(gitDir: string, options: readonly string[], config: readonly string[] = []) {
    this.child = spawn('git', [`--git-dir=${gitDir}`, ...config, 'fast-import', '--cat-blob-fd=3', ...options], {
      env: cleanGitEnv(),
      stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
    });
    const stdin = this.child.stdin;
    const answers = this.child.stdio[3] as Readable | null | undefined;
    if (!stdin || !answers) throw new Error('git fast-import: no pipes');
    this.stdin = stdin;
    stdin.on('error', (e: Error) => this.fail(new Error(`git fast-import: ${e.message}`)));
    answers.setEncoding('utf8');
    answers.on('data', (s: string) => this.onAnswers(s));
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.fail(new Error(`could not start git: ${e.message}`));
        resolve(-1);
      });
      this.child.on('close', (code) => {
        if (code !== 0) this.fail(new Error(`git fast-import exited with code ${code ?? 'null'} (see its message above)`));
        resolve(code ?? -1);
      });
    });
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    const w = this.waiting;
    this.waiting = null;
    w?.resolve();
  }

  private onAnswers(s: string): void {
    const text = this.pendingText + s;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const mark = this.asked[this.answered++];
      if (mark !== undefined) this.shas[mark] = text.slice(start, nl);
      start = nl + 1;
    }
    this.pendingText = text.slice(start);
    const w = this.waiting;
    if (w && this.shas[w.mark] !== undefined) {
      this.waiting = null;
      w.resolve();
    }
  }

  /** Queues stream text; call `pump()` regularly to hand it to git. */
  write(s: string): void {
    this.chunks.push(s);
    this.chunkBytes += s.length;
  }

  /** Queues `get-mark :mark`; its answer is read in the background. */
  askMark(mark: number): void {
    this.write(`get-mark :${mark}\n`);
    this.asked.push(mark);
  }

  /** Hands the queued text to git once enough has gathered, waiting while git's pipe is full. */
  async pump(): Promise<void> {
    if (this.chunkBytes >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.chunkBytes === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.chunkBytes = 0;
    if (!this.stdin.write(text)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stdin.off('drain', done);
          this.child.off('close', done);
          resolve();
        };
        this.stdin.on('drain', done);
        this.child.on('close', done);
      });
    }
    if (this.failure) throw this.failure;
  }

  /** The sha of a commit whose get-mark was asked, waiting for fast-import if needed. */
  async sha(mark: number): Promise<string> {
    const known = this.shas[mark];
    if (known !== undefined) return known;
    await this.flush();
    while (this.shas[mark] === undefined) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiting = { mark, resolve }));
    }
    return this.shas[mark] ?? '';
  }

  /** The sha if it is already known. */
  knownSha(mark: number): string | undefined {
    return this.shas[mark];
  }

  /** Stops fast-import after a failure of the generator. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  /** Ends the stream and waits for fast-import to write its pack and refs. */
  async finish(): Promise<void> {
    this.write('done\n');
    await this.flush();
    this.stdin.end();
    const code = await this.exited;
    if (this.failure) throw this.failure;
    if (code !== 0) throw new Error(`git fast-import exited with code ${code}`);
  }
}
