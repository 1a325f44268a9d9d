/**
 * Streaming commits from git into the index, in batches of one transaction each. In place (one thread)
 * for updates; for a first index, the main thread cuts git's output into records and a worker thread
 * parses and writes them, so git, the reader and SQLite run side by side.
 */
import { Worker } from 'node:worker_threads';
import { StablepickError } from '../errors.js';
import { streamCommitRecords, streamCommits } from '../git/log.js';
import type { Repository } from '../git/repo.js';
import type { Conventions } from '../conventions/types.js';
import { commitRow, CommitRowWriter, type CommitRow } from './commit-writer.js';
import type { DB } from './db.js';
import type { WorkerInput, WorkerReply, WorkerRequest, WorkerResolved } from './ingest-worker.js';
import { recordHead, StreamedHistory } from './streamed-history.js';

/** Called after each batch with the number of commits read so far. */
export type BatchHook = (seen: number) => void;

/**
 * Streams the commits of `revs` as parsed rows in batches of `batchSize` to `sink` (and a last, shorter
 * one), calling `onBatch` after each full batch and at the end. Returns how many commits were read.
 */
async function streamRowBatches(
  repo: Repository,
  conv: Conventions,
  revs: readonly string[],
  batchSize: number,
  sink: (rows: CommitRow[]) => void,
  onBatch: BatchHook,
  waitBeforeNextChunk?: () => Promise<void> | null,
): Promise<number> {
  let batch: CommitRow[] = [];
  let seen = 0;
  await streamCommits(
    repo,
    revs,
    (c) => {
      batch.push(commitRow(c, conv));
      seen++;
      if (batch.length >= batchSize) {
        sink(batch);
        batch = [];
        onBatch(seen);
      }
    },
    { extraArgs: ['--ignore-missing'], waitBeforeNextChunk },
  );
  if (batch.length) sink(batch);
  onBatch(seen);
  return seen;
}

export async function ingestInPlace(
  repo: Repository,
  db: DB,
  conv: Conventions,
  revs: readonly string[],
  batchSize: number,
  onBatch: BatchHook,
): Promise<number> {
  const writer = new CommitRowWriter(db);
  const write = db.transaction((rows: CommitRow[]) => writer.writeAll(rows));
  await streamRowBatches(repo, conv, revs, batchSize, (rows) => write.immediate(rows), onBatch);
  return writer.written;
}

/** A first index written by the worker thread (see ingest-worker). */
export interface WorkerIngest {
  written: number;
  skipped: number;
  /** The graph and first releases seen in the stream; null when some commit was not new (a concurrent run). */
  history: StreamedHistory | null;
  /** Settles when the worker has built the `commits_subject` index (before `indexed`). */
  subjectsIndexed: Promise<void>;
  /** Settles when the worker has resolved references, detected conventions and built the secondary indexes. */
  indexed: Promise<WorkerResolved>;
  /** Waits until the worker has checkpointed the WAL and closed its connection, then stops it. */
  finish(): Promise<void>;
}

/**
 * A first index: this thread reads git's output, cuts it into records and follows the graph and first
 * releases (streamed-history); the worker parses and writes the records. Returns when every commit is
 * written; the worker then goes on with the references, conventions, secondary indexes and the WAL
 * checkpoint (see WorkerIngest) while the caller works on the graph.
 */
export async function ingestWithWorker(
  repo: Repository,
  db: DB,
  conv: Conventions,
  revs: readonly string[],
  batchSize: number,
  onBatch: BatchHook,
  releaseTags: readonly [string, string][],
): Promise<WorkerIngest> {
  const worker = startWorker({ dbPath: db.name, conventions: conv });
  const history = new StreamedHistory(releaseTags);
  let historyOk = true;
  let inFlight = 0;
  let failure: Error | null = null;
  let written = 0;
  let skipped = 0;
  let waiting: (() => void) | null = null;
  const stage = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // awaited later, or not at all when an earlier stage failed
    return { promise, resolve, reject };
  };
  const subjectsStage = stage<void>();
  const indexedStage = stage<WorkerResolved>();
  const finishedStage = stage<void>();
  const fail = (e: Error): void => {
    failure ??= e;
    subjectsStage.reject(failure);
    indexedStage.reject(failure);
    finishedStage.reject(failure);
  };
  /** Positions (first, count) of the batches sent and not yet acknowledged, in order. */
  const sent: [number, number][] = [];
  worker.on('message', (m: WorkerReply) => {
    if (m.type === 'error')
      fail(new StablepickError('IO', { op: 'write', target: 'the index', why: m.message, fix: 'check the disk and run `stablepick index` again' }));
    else if (m.type === 'written') {
      inFlight--;
      written = m.written;
      skipped = m.skipped;
      const [from, n] = sent.shift()!;
      if (m.complete) history.setIds(from, n, m.firstId, m.authors);
      else historyOk = false;
    } else if (m.type === 'subjects') subjectsStage.resolve();
    else if (m.type === 'closed') indexedStage.resolve(m.resolved);
    else finishedStage.resolve();
    const w = waiting;
    waiting = null;
    w?.();
  });
  worker.on('error', (e) => {
    fail(e);
    const w = waiting;
    waiting = null;
    w?.();
  });
  const MAX_IN_FLIGHT = 4;
  // Records are copied straight into one buffer per batch, which is then moved (not copied) to the
  // worker. A full batch is held back until the next one is full, so that its first releases have seen
  // the children that git printed a little after their parents.
  type Batch = { buf: Buffer; ends: Int32Array; count: number; bytes: number; from: number };
  const newBatch = (size: number, from: number): Batch => ({ buf: Buffer.allocUnsafeSlow(size), ends: new Int32Array(batchSize), count: 0, bytes: 0, from });
  let cur = newBatch(4 << 20, 0);
  let held: Batch | null = null;
  let seen = 0;
  const send = (b: Batch): void => {
    const releases = history.releasesToWrite(b.from, b.from + b.count);
    const msg: WorkerRequest = { type: 'batch', bytes: b.buf.buffer as ArrayBuffer, ends: b.ends.subarray(0, b.count), releases };
    worker.postMessage(msg, [msg.bytes]);
    sent.push([b.from, b.count]);
    inFlight++;
  };
  const batchFull = (): void => {
    if (held) send(held);
    held = cur;
    cur = newBatch(Math.max(4 << 20, held.bytes + (held.bytes >> 2)), seen);
    onBatch(seen);
  };
  const stop = async (): Promise<void> => {
    await worker.terminate();
  };
  /** Resolves when the worker has acknowledged every batch sent (or failed). */
  const drained = (): Promise<void> =>
    new Promise<void>((res) => {
      const check = (): void => {
        if (inFlight === 0 || failure) res();
        else waiting = check;
      };
      check();
    });
  try {
    await streamCommitRecords(
      repo,
      revs,
      (rec) => {
        const b = cur;
        if (b.bytes + rec.length > b.buf.length) {
          const bigger = Buffer.allocUnsafeSlow(Math.max(b.buf.length * 2, b.bytes + rec.length));
          b.buf.copy(bigger, 0, 0, b.bytes);
          b.buf = bigger;
        }
        rec.copy(b.buf, b.bytes);
        b.bytes += rec.length;
        b.ends[b.count++] = b.bytes;
        const head = recordHead(rec);
        if (head) history.see(head.sha, head.parents, head.time);
        else historyOk = false; // the worker reports the malformed record
        seen++;
        if (b.count >= batchSize) batchFull();
      },
      {
        extraArgs: ['--ignore-missing'],
        // Hold git back while the writer is more than a few batches behind.
        waitBeforeNextChunk: () =>
          inFlight >= MAX_IN_FLIGHT && !failure
            ? new Promise<void>((res) => {
                const again = (): void => {
                  if (inFlight < MAX_IN_FLIGHT || failure) res();
                  else waiting = again;
                };
                waiting = again;
              })
            : null,
      },
    );
    if (held) send(held);
    if (cur.count) send(cur);
    onBatch(seen);
    worker.postMessage({ type: 'end' } satisfies WorkerRequest);
    await drained();
    if (failure) throw failure;
    return {
      written,
      skipped,
      history: historyOk && skipped === 0 && history.size === written ? history : null,
      subjectsIndexed: subjectsStage.promise,
      indexed: indexedStage.promise,
      finish: async () => {
        try {
          await finishedStage.promise;
        } finally {
          await stop();
        }
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Starts the writer thread. Built code runs ingest-worker.js directly; from source (tests, `tsx`), the
 * thread first registers tsx's loader, since a worker does not inherit it.
 */
function startWorker(workerData: WorkerInput): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./ingest-worker.js', self), { workerData });
  const target = new URL('./ingest-worker.ts', self).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
