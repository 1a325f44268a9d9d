/**
 * Streaming commits from git into the index, in batches of one transaction each. In place (one thread)
 * for updates; for a first index, messages are parsed on the main thread while a worker thread writes,
 * so git, the parser and SQLite run side by side.
 */
import { Worker } from 'node:worker_threads';
import { StablepickError } from '../errors.js';
import { streamCommitRecords, streamCommits } from '../git/log.js';
import type { Repository } from '../git/repo.js';
import type { Conventions } from '../conventions/types.js';
import { commitRow, CommitRowWriter, type CommitRow } from './commit-writer.js';
import type { DB } from './db.js';
import type { WorkerReply, WorkerRequest } from './ingest-worker.js';

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

export async function ingestInPlace(repo: Repository, db: DB, conv: Conventions, revs: readonly string[], batchSize: number, onBatch: BatchHook): Promise<number> {
  const writer = new CommitRowWriter(db);
  const write = db.transaction((rows: CommitRow[]) => writer.writeAll(rows));
  await streamRowBatches(repo, conv, revs, batchSize, (rows) => write.immediate(rows), onBatch);
  return writer.written;
}

export async function ingestWithWorker(repo: Repository, db: DB, conv: Conventions, revs: readonly string[], batchSize: number, onBatch: BatchHook): Promise<number> {
  const worker = startWorker(db.name, conv);
  let inFlight = 0;
  let failure: Error | null = null;
  let written = 0;
  let waiting: (() => void) | null = null;
  let closed: ((n: number) => void) | null = null;
  worker.on('message', (m: WorkerReply) => {
    if (m.type === 'error') failure = new StablepickError('IO', `writing the index failed: ${m.message}`, 'check the disk and run `stablepick index` again');
    else {
      written = m.written;
      if (m.type === 'written') inFlight--;
      if (m.type === 'closed') closed?.(m.written);
    }
    const w = waiting;
    waiting = null;
    w?.();
  });
  worker.on('error', (e) => {
    failure = e;
    const w = waiting;
    waiting = null;
    w?.();
  });
  const send = (msg: WorkerRequest): void => {
    if (msg.type === 'batch') worker.postMessage(msg, [msg.bytes]);
    else worker.postMessage(msg);
  };
  const MAX_IN_FLIGHT = 4;
  // Records are copied into one buffer per batch, which is then moved (not copied) to the worker.
  let parts: Buffer[] = [];
  let bytes = 0;
  let seen = 0;
  const sendBatch = (): void => {
    const buf = Buffer.allocUnsafeSlow(bytes);
    const ends = new Int32Array(parts.length);
    let at = 0;
    parts.forEach((p, i) => {
      p.copy(buf, at);
      at += p.length;
      ends[i] = at;
    });
    send({ type: 'batch', bytes: buf.buffer as ArrayBuffer, ends });
    inFlight++;
    parts = [];
    bytes = 0;
    onBatch(seen);
  };
  try {
    await streamCommitRecords(
      repo,
      revs,
      (rec) => {
        parts.push(Buffer.from(rec));
        bytes += rec.length;
        seen++;
        if (parts.length >= batchSize) sendBatch();
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
    if (parts.length) sendBatch();
    else onBatch(seen);
    const total = await new Promise<number>((res, rej) => {
      closed = res;
      const check = (): void => {
        if (failure) rej(failure);
        else waiting = check;
      };
      send({ type: 'end' });
      check();
    });
    if (failure) throw failure;
    written = total;
  } finally {
    await worker.terminate();
  }
  if (failure) throw failure;
  db.pragma('wal_checkpoint(TRUNCATE)');
  return written;
}

/**
 * Starts the writer thread. Built code runs ingest-worker.js directly; from source (tests, `tsx`), the
 * thread first registers tsx's loader, since a worker does not inherit it.
 */
function startWorker(dbPath: string, conventions: Conventions): Worker {
  const self = import.meta.url;
  const workerData = { dbPath, conventions };
  if (!self.endsWith('.ts')) return new Worker(new URL('./ingest-worker.js', self), { workerData });
  const target = new URL('./ingest-worker.ts', self).href;
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
