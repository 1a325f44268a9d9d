/**
 * Streaming git output. A git process that prints a whole history is read chunk by chunk and cut into
 * records at a separator; each record is handed to a synchronous callback as soon as it is complete, so
 * memory stays flat whatever the history's size and the consumer works while git is still printing.
 */
import { classifyGitFailure, startGit, type GitProcess, type GitTarget } from './run.js';

export interface StreamOptions {
  /**
   * Asked after each chunk: a promise makes the reader stop reading git's output (so git blocks on a full
   * pipe) until it settles. For consumers that hand work to another thread.
   */
  waitBeforeNextChunk?: () => Promise<void> | null;
  /** Bytes written to standard input (then closed). */
  input?: string | Buffer;
  env?: Readonly<Record<string, string>>;
  /** Exit codes that are not failures (0 always is). */
  okCodes?: readonly number[];
}

/**
 * Runs git and calls `onRecord` with every record of its output, cut at `separator` (the separator is not
 * part of the record; empty records are skipped). `onRecord` receives a view into a buffer that is reused:
 * copy what must outlive the call. `onChunkEnd` runs after each chunk's records (a good place to commit a
 * batch). Resolves when git exits 0; rejects with a typed error otherwise.
 */
export function streamRecords(
  target: GitTarget | null,
  args: readonly string[],
  separator: Buffer,
  onRecord: (record: Buffer) => void,
  opts: StreamOptions & { onChunkEnd?: () => void } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    let failed: Error | null = null;
    const errChunks: Buffer[] = [];
    let errBytes = 0;
    const fail = (e: Error): void => {
      if (failed) return;
      failed = e;
      proc.kill();
    };
    const onStdout = (chunk: Buffer): void => {
      if (failed) return;
      const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      try {
        for (;;) {
          const at = buf.indexOf(separator, start);
          if (at < 0) break;
          if (at > start) onRecord(buf.subarray(start, at));
          start = at + separator.length;
        }
        opts.onChunkEnd?.();
      } catch (e) {
        fail(e as Error);
        return;
      }
      pending = start < buf.length ? Buffer.from(buf.subarray(start)) : Buffer.alloc(0);
      const wait = opts.waitBeforeNextChunk?.();
      if (wait) {
        proc.pause();
        void wait.then(() => proc.resume());
      }
    };
    const onStderr = (b: Buffer): void => {
      if (errBytes < 65536) {
        errChunks.push(b);
        errBytes += b.length;
      }
    };
    const proc: GitProcess = startGit(target, args, { env: opts.env, input: opts.input, onStdout, onStderr });
    proc.exit.then(
      (code) => {
        if (failed) {
          reject(failed);
          return;
        }
        const c = code ?? -1;
        if (c !== 0 && !(opts.okCodes ?? []).includes(c)) {
          reject(classifyGitFailure(args, Buffer.concat(errChunks).toString('utf8'), code));
          return;
        }
        try {
          if (pending.length) onRecord(pending);
          opts.onChunkEnd?.();
        } catch (e) {
          reject(e as Error);
          return;
        }
        resolve();
      },
      (e: Error) => reject(failed ?? e),
    );
  });
}

/** Runs git and calls `onLine` for every line of output (newline-separated, text). */
export function streamLines(target: GitTarget | null, args: readonly string[], onLine: (line: string) => void, opts: StreamOptions = {}): Promise<void> {
  return streamRecords(target, args, NEWLINE, (r) => onLine(r.toString('utf8')), opts);
}

const NEWLINE = Buffer.from('\n');
