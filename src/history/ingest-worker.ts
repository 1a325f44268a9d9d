/**
 * The second thread of a first index: receives batches of raw `git log` records (one transferred buffer
 * and the records' offsets, no copy), parses each commit and its message, and writes the batch in one
 * transaction, while the main thread only reads git's output and cuts it into records. Replies with a
 * count after every batch, so the main thread can hold git back when this thread falls behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseCommitRecord } from '../git/log.js';
import type { Conventions } from '../conventions/types.js';
import { commitRow, CommitRowWriter } from './commit-writer.js';
import { openDb } from './db.js';

/** `ends[i]` is where record i ends in `bytes` (record i starts at ends[i - 1], or 0). */
export type WorkerRequest = { type: 'batch'; bytes: ArrayBuffer; ends: Int32Array } | { type: 'end' };
export type WorkerReply = { type: 'written'; written: number; skipped: number } | { type: 'closed'; written: number; skipped: number } | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const { dbPath, conventions } = workerData as { dbPath: string; conventions: Conventions };
  const db = openDb(dbPath);
  // A first index: no checkpoint after every batch; the main thread checkpoints once at the end.
  db.pragma('wal_autocheckpoint = 0');
  const writer = new CommitRowWriter(db);
  const writeBatch = db.transaction((bytes: Buffer, ends: Int32Array) => {
    let start = 0;
    for (const end of ends) {
      writer.write(commitRow(parseCommitRecord(bytes.subarray(start, end)), conventions));
      start = end;
    }
    writer.flush();
  });
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'batch') {
        writeBatch.immediate(Buffer.from(msg.bytes), msg.ends);
        port.postMessage({ type: 'written', written: writer.written, skipped: writer.skipped } satisfies WorkerReply);
      } else {
        db.close();
        port.postMessage({ type: 'closed', written: writer.written, skipped: writer.skipped } satisfies WorkerReply);
      }
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
    }
  });
}
