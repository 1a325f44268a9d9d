/**
 * The writing half of a full index, on its own thread: receives batches of commit rows and writes each
 * batch in one transaction, while the main thread reads git and parses messages. Replies with a count
 * after every batch, so the main thread can hold git back when the writer falls behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CommitRowWriter, type CommitRow } from './commit-writer.js';
import { openDb } from './db.js';

export type WorkerRequest = { type: 'batch'; rows: CommitRow[] } | { type: 'end' };
export type WorkerReply = { type: 'written'; written: number; skipped: number } | { type: 'closed'; written: number; skipped: number } | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const { dbPath } = workerData as { dbPath: string };
  const db = openDb(dbPath);
  // A first index: no checkpoint after every batch; the main thread checkpoints once at the end.
  db.pragma('wal_autocheckpoint = 0');
  const writer = new CommitRowWriter(db);
  const writeBatch = db.transaction((rows: CommitRow[]) => writer.writeAll(rows));
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'batch') {
        writeBatch.immediate(msg.rows);
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
