/**
 * The second thread of a first index: receives batches of raw `git log` records (one transferred buffer
 * and the records' offsets, no copy) with the first release of each commit (see streamed-history),
 * parses each commit and its message, and writes the batch in one transaction, while the main thread
 * only reads git's output and cuts it into records. Replies with a count after every batch, so the main
 * thread can hold git back when this thread falls behind, and with the batch's first row id (for the
 * main thread's commit graph).
 *
 * At the end of the stream it resolves commit references, detects conventions and builds the secondary
 * indexes while the main thread builds the graph and checks the first releases, then checkpoints the
 * WAL while the main thread writes releases and branches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseCommitRecord } from '../git/log.js';
import type { Conventions } from '../conventions/types.js';
import { commitRow, CommitRowWriter } from './commit-writer.js';
import { ensureSecondaryIndexes, openDb } from './db.js';
import { detectAndApply } from './detect.js';
import { resolvePendingRefs } from './resolve.js';

/** `ends[i]` is where record i ends in `bytes` (record i starts at ends[i - 1], or 0); `releases[i]` its first release. */
export type WorkerRequest = { type: 'batch'; bytes: ArrayBuffer; ends: Int32Array; releases: (string | null)[] } | { type: 'end' };

export interface WorkerResolved {
  trailers: number;
  markers: number;
  ambiguous: number;
}

export type WorkerReply =
  /** `firstId`: row id of the batch's first commit; `complete`: every commit of the batch was new. */
  | { type: 'written'; written: number; skipped: number; firstId: number; complete: boolean }
  | { type: 'closed'; written: number; skipped: number; resolved: WorkerResolved }
  | { type: 'checkpointed' }
  | { type: 'error'; message: string };

export interface WorkerInput {
  dbPath: string;
  conventions: Conventions;
}

const port = parentPort;
if (port) {
  const { dbPath, conventions } = workerData as WorkerInput;
  const db = openDb(dbPath);
  // A first index: no checkpoint after every batch; the WAL is checkpointed once at the end.
  db.pragma('wal_autocheckpoint = 0');
  const writer = new CommitRowWriter(db);
  const writeBatch = db.transaction((bytes: Buffer, ends: Int32Array, releases: (string | null)[]) => {
    let start = 0;
    let firstId = -1;
    let n = 0;
    for (let k = 0; k < ends.length; k++) {
      const end = ends[k]!;
      const id = writer.write(commitRow(parseCommitRecord(bytes.subarray(start, end)), conventions), releases[k] ?? null);
      start = end;
      if (id === null) continue;
      if (n === 0) firstId = id;
      n++;
    }
    writer.flush();
    return { firstId, complete: n === ends.length };
  });
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'batch') {
        const { firstId, complete } = writeBatch.immediate(Buffer.from(msg.bytes), msg.ends, msg.releases);
        port.postMessage({ type: 'written', written: writer.written, skipped: writer.skipped, firstId, complete } satisfies WorkerReply);
        return;
      }
      // Before the secondary indexes exist: the updates then maintain none of them.
      const resolved = resolvePendingRefs(db);
      detectAndApply(db);
      ensureSecondaryIndexes(db);
      port.postMessage({ type: 'closed', written: writer.written, skipped: writer.skipped, resolved } satisfies WorkerReply);
      // Copy the WAL into the database while the main thread writes releases and branches.
      db.pragma('wal_checkpoint(PASSIVE)');
      db.close();
      port.postMessage({ type: 'checkpointed' } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
    }
  });
}
