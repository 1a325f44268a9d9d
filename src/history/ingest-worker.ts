/**
 * The second thread of a first index: receives batches of raw `git log` records (one transferred buffer
 * and the records' offsets, no copy) with the first release of each commit (see streamed-history),
 * parses each commit and its message, and writes the batch in one transaction, while the main thread
 * only reads git's output and cuts it into records. Replies with a count after every batch, so the main
 * thread can hold git back when this thread falls behind, and with the batch's first row id (for the
 * main thread's commit graph).
 *
 * At the end of the stream it builds the subject index (then the main thread computes the patch ids the
 * branch stage will need), resolves commit references, detects conventions and builds the other
 * secondary indexes while the main thread builds the graph and checks the first releases, then
 * checkpoints the WAL while the main thread writes releases and branches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseCommitRecord } from '../git/log.js';
import type { Conventions } from '../conventions/types.js';
import { commitRow, CommitRowWriter } from './commit-writer.js';
import { ensureSecondaryIndexes, openDb } from './db.js';
import { detectAndApply } from './detect.js';
import { resolvePendingRefs } from './resolve.js';
import { SECONDARY_INDEXES } from './schema.js';
import { phaseTimer } from './branches.js';

/** `ends[i]` is where record i ends in `bytes` (record i starts at ends[i - 1], or 0); `releases[i]` its first release. */
export type WorkerRequest = { type: 'batch'; bytes: ArrayBuffer; ends: Int32Array; releases: (string | null)[] } | { type: 'end' };

export interface WorkerResolved {
  trailers: number;
  markers: number;
  ambiguous: number;
}

export type WorkerReply =
  /** `firstId`: row id of the batch's first commit; `complete`: every commit of the batch was new. */
  /** `authors`: author email and time of each commit of a complete batch, in row order (the candidate pool of holdings.ts). */
  | { type: 'written'; written: number; skipped: number; firstId: number; complete: boolean; authors: { emails: string[]; times: number[] } | null }
  /** The `commits_subject` index is built (sent after the end of the stream, before `closed`). */
  | { type: 'subjects' }
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
  // While streaming: SQLite's usual automatic checkpoint (every 1000 pages), so that the WAL is reused
  // and stays ~16 MB instead of growing to ~90 MB (copied in one go at the end, then deleted on close).
  db.pragma('wal_autocheckpoint = 1000');
  // On an empty index every unresolved reference is one this thread writes: it keeps them, so that the
  // resolve step needs no scan of the tables (a killed first run leaves rows behind: then it scans).
  const empty = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM commits)').pluck().get() === 1;
  const writer = new CommitRowWriter(db, { trackRefs: empty });
  const writeBatch = db.transaction((bytes: Buffer, ends: Int32Array, releases: (string | null)[]) => {
    let start = 0;
    let firstId = -1;
    let n = 0;
    const emails: string[] = [];
    const times: number[] = [];
    for (let k = 0; k < ends.length; k++) {
      const end = ends[k]!;
      const row = commitRow(parseCommitRecord(bytes.subarray(start, end)), conventions);
      const id = writer.write(row, releases[k] ?? null);
      start = end;
      if (id === null) continue;
      if (n === 0) firstId = id;
      n++;
      emails.push(row.people[1]);
      times.push(row.people[2]);
    }
    writer.flush();
    const complete = n === ends.length;
    return { firstId, complete, authors: complete ? { emails, times } : null };
  });
  port.on('message', (msg: WorkerRequest) => {
    try {
      if (msg.type === 'batch') {
        const { firstId, complete, authors } = writeBatch.immediate(Buffer.from(msg.bytes), msg.ends, msg.releases);
        port.postMessage({ type: 'written', written: writer.written, skipped: writer.skipped, firstId, complete, authors } satisfies WorkerReply);
        return;
      }
      const mark = phaseTimer('worker');
      // From here on no checkpoint after each statement: one at the end, while the main thread works.
      db.pragma('wal_autocheckpoint = 0');
      // The subject index first: with it, the main thread computes patch ids for the branch stage meanwhile.
      db.exec(SECONDARY_INDEXES.find((sql) => / commits_subject /.test(sql))!);
      port.postMessage({ type: 'subjects' } satisfies WorkerReply);
      mark('commits_subject');
      // Before the other secondary indexes exist: the updates then maintain none of them.
      const resolved = resolvePendingRefs(db, writer.pending ?? undefined);
      mark('resolve');
      detectAndApply(db);
      mark('conventions');
      ensureSecondaryIndexes(db, mark);
      port.postMessage({ type: 'closed', written: writer.written, skipped: writer.skipped, resolved } satisfies WorkerReply);
      // Copy the WAL into the database while the main thread writes releases and branches.
      db.pragma('wal_checkpoint(PASSIVE)');
      mark('checkpoint');
      db.close();
      mark('close');
      port.postMessage({ type: 'checkpointed' } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply);
    }
  });
}
