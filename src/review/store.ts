/**
 * Review state in the index: per (upstream commit, branch) the current decision (table `review`), every
 * decision ever taken (table `review_log`, oldest first) and the mails stablepick wrote (table
 * `review_mail`, so replies can be threaded back to a commit). This module declares these tables and is
 * the only one that queries them: a store creates them on first use (`REVIEW_TABLES`, the same tables
 * that migration 3 of the index schema created before; an index written then keeps them as they are).
 *
 * Any status may follow any other; every change is logged with who, when and why. A rejection needs a
 * reason. A decision that carries a Message-ID (a mail reply) is recorded once per (message, commit,
 * branch): importing the same reply again changes nothing.
 */
import { StablepickError } from '../errors.js';
import type { Statement } from 'better-sqlite3';
import { hasTable, userErrorOf, type DB } from '../history/db.js';
import { isIndexedCommit } from '../history/tables/commits.js';

export type ReviewStatus = 'accepted' | 'rejected' | 'needs-review' | 'deferred';
export type ReviewSource = 'cli' | 'mail' | 'web';

export interface ReviewRecord {
  sha: string;
  branch: string;
  status: ReviewStatus;
  who: string;
  /** Unix seconds. */
  at: number;
  why: string;
  source: ReviewSource;
  messageId: string | null;
}

export interface ReviewInput {
  sha: string;
  branch: string;
  status: ReviewStatus;
  who: string;
  why?: string;
  source: ReviewSource;
  messageId?: string | null;
  at?: number;
}

export interface MailRecord {
  messageId: string;
  sha: string;
  branches: string[];
  subject: string;
  at: number;
}

export const REVIEW_STATUSES: readonly ReviewStatus[] = ['accepted', 'rejected', 'needs-review', 'deferred'];
const REVIEW_SOURCES: readonly ReviewSource[] = ['cli', 'mail', 'web'];

const FULL_SHA = /^[0-9a-f]{40}$/;

interface Row {
  sha: string;
  branch: string;
  status: string;
  who: string;
  at: number;
  why: string;
  source: string;
  message_id: string | null;
}

function toRecord(r: Row): ReviewRecord {
  return {
    sha: r.sha,
    branch: r.branch,
    status: r.status as ReviewStatus,
    who: r.who,
    at: r.at,
    why: r.why,
    source: r.source as ReviewSource,
    messageId: r.message_id,
  };
}

export function isReviewStatus(s: string): s is ReviewStatus {
  return (REVIEW_STATUSES as readonly string[]).includes(s);
}

/** A Message-ID in its one stored form: `<local@domain>`, surrounding blanks and brackets normalised. */
export function normaliseMessageId(id: string): string {
  const inner = id.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
  return inner ? `<${inner}>` : '';
}

/** The review tables, exactly as migration 3 of the index schema declared them. */
const REVIEW_TABLES = `
      CREATE TABLE review (
        sha TEXT NOT NULL,
        branch TEXT NOT NULL,
        status TEXT NOT NULL,
        who TEXT NOT NULL,
        at INTEGER NOT NULL,
        why TEXT NOT NULL,
        source TEXT NOT NULL,
        message_id TEXT,
        PRIMARY KEY (sha, branch)
      ) WITHOUT ROWID;
      CREATE INDEX review_branch_status ON review(branch, status);
      CREATE TABLE review_log (
        id INTEGER PRIMARY KEY,
        sha TEXT NOT NULL,
        branch TEXT NOT NULL,
        status TEXT NOT NULL,
        who TEXT NOT NULL,
        at INTEGER NOT NULL,
        why TEXT NOT NULL,
        source TEXT NOT NULL,
        message_id TEXT
      );
      CREATE INDEX review_log_commit ON review_log(sha, branch, id);
      CREATE UNIQUE INDEX review_log_message ON review_log(message_id, sha, branch) WHERE message_id IS NOT NULL;
      CREATE TABLE review_mail (
        message_id TEXT PRIMARY KEY,
        sha TEXT NOT NULL,
        branches TEXT NOT NULL,
        subject TEXT NOT NULL,
        at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX review_mail_sha ON review_mail(sha);
`;

/**
 * Creates the review tables when the index has none (an index written since they moved here, before its
 * first decision). An index that cannot be written gets empty temporary tables instead: nobody decided
 * anything, and a decision fails as it would on any read-only index (the error is returned).
 */
function ensureReviewTables(db: DB): Error | null {
  if (hasTable(db, 'review')) return null;
  try {
    // Inside a write transaction, asked again: another process may have created them meanwhile.
    db.transaction(() => {
      if (!hasTable(db, 'review')) db.exec(REVIEW_TABLES);
    }).immediate();
    return null;
  } catch (e) {
    if (userErrorOf(e)?.code !== 'IO') throw e;
    db.exec(REVIEW_TABLES.replace(/CREATE (UNIQUE )?INDEX[^;]*;/g, '').replace(/CREATE TABLE/g, 'CREATE TEMP TABLE IF NOT EXISTS'));
    return e as Error;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export class ReviewStore {
  private readonly db: DB;
  private readonly statements = new Map<string, Statement<unknown[]>>();
  /** Set when the index is read-only and had no review tables: every write fails with it. */
  private readonly unwritable: Error | null;

  constructor(db: DB) {
    this.db = db;
    this.unwritable = ensureReviewTables(db);
  }

  private writing(): void {
    if (this.unwritable) throw this.unwritable;
  }

  /** A prepared statement, prepared once per store (an import of 20,000 replies runs each 20,000 times). */
  private sql(text: string): Statement<unknown[]> {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  /** The current decision for (sha, branch), null when nobody decided yet. */
  get(sha: string, branch: string): ReviewRecord | null {
    const row = this.sql('SELECT sha, branch, status, who, at, why, source, message_id FROM review WHERE sha = ? AND branch = ?').get(sha, branch) as
      Row | undefined;
    return row ? toRecord(row) : null;
  }

  /** Current decisions, optionally for one branch and/or one status, newest decision first. */
  list(filter: { branch?: string; status?: ReviewStatus } = {}): ReviewRecord[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.branch !== undefined) {
      where.push('branch = ?');
      args.push(filter.branch);
    }
    if (filter.status !== undefined) {
      checkStatus(filter.status);
      where.push('status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT sha, branch, status, who, at, why, source, message_id FROM review${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, branch, sha`;
    return (this.sql(sql).all(...args) as Row[]).map(toRecord);
  }

  /**
   * Records a decision: validates it, appends it to the log and makes it the current state. A decision
   * with a Message-ID already logged for this (commit, branch) is not recorded again; the current state
   * is returned unchanged.
   */
  set(r: ReviewInput): ReviewRecord {
    return this.record(r).record;
  }

  /** Like `set`, and says whether the decision was added to the log (false: that Message-ID was seen). */
  record(r: ReviewInput): { record: ReviewRecord; added: boolean } {
    const rec = this.validate(r);
    this.writing();
    const write = this.db.transaction((x: ReviewRecord): { record: ReviewRecord; added: boolean } => {
      if (x.messageId !== null) {
        const seen = this.sql('SELECT 1 FROM review_log WHERE message_id = ? AND sha = ? AND branch = ?').get(x.messageId, x.sha, x.branch);
        if (seen) return { record: this.get(x.sha, x.branch) ?? x, added: false };
      }
      this.sql('INSERT INTO review_log (sha, branch, status, who, at, why, source, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        x.sha,
        x.branch,
        x.status,
        x.who,
        x.at,
        x.why,
        x.source,
        x.messageId,
      );
      // The latest decision is the current one: an older one (a reply imported late) only joins the log.
      this.sql(
        `INSERT INTO review (sha, branch, status, who, at, why, source, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(sha, branch) DO UPDATE SET status = excluded.status, who = excluded.who, at = excluded.at,
             why = excluded.why, source = excluded.source, message_id = excluded.message_id
           WHERE excluded.at >= review.at`,
      ).run(x.sha, x.branch, x.status, x.who, x.at, x.why, x.source, x.messageId);
      return { record: this.get(x.sha, x.branch) ?? x, added: true };
    });
    return write.immediate(rec);
  }

  /**
   * Takes back the current decision of (sha, branch) (the dashboard's undo of a first decision): the
   * commit is unreviewed again. The log keeps the decision that was taken back.
   */
  withdraw(sha: string, branch: string): void {
    this.writing();
    this.sql('DELETE FROM review WHERE sha = ? AND branch = ?').run(sha, branch);
  }

  /** Whether a decision carrying this Message-ID was recorded (for any commit and branch). */
  hasMessage(messageId: string): boolean {
    const id = normaliseMessageId(messageId);
    return id !== '' && this.sql('SELECT 1 FROM review_log WHERE message_id = ? LIMIT 1').get(id) !== undefined;
  }

  /** Every decision for (sha, branch), oldest first (by time, then by when it was recorded). */
  history(sha: string, branch: string): ReviewRecord[] {
    const rows = this.sql('SELECT sha, branch, status, who, at, why, source, message_id FROM review_log WHERE sha = ? AND branch = ? ORDER BY at, id').all(
      sha,
      branch,
    ) as Row[];
    return rows.map(toRecord);
  }

  /** Remembers a mail stablepick wrote about `sha` for `branches` (replies are threaded back through it). */
  recordMail(m: { messageId: string; sha: string; branches: string[]; subject: string; at?: number }): void {
    const id = normaliseMessageId(m.messageId);
    if (!id)
      throw new StablepickError('BAD_DECISION', {
        input: 'a mail without a Message-ID',
        why: 'cannot be recorded',
        fix: 'give the Message-ID the mail was sent with',
      });
    this.checkCommit(m.sha);
    const branches = [...new Set(m.branches.map((b) => b.trim()).filter((b) => b !== ''))];
    if (!branches.length)
      throw new StablepickError('BAD_DECISION', {
        input: `the mail ${id}`,
        why: 'names no branch',
        fix: 'record the stable branches the mail proposes the commit for',
      });
    this.writing();
    this.sql(
      `INSERT INTO review_mail (message_id, sha, branches, subject, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(message_id) DO UPDATE SET sha = excluded.sha, branches = excluded.branches, subject = excluded.subject, at = excluded.at`,
    ).run(id, m.sha, JSON.stringify(branches), m.subject, m.at ?? nowSeconds());
  }

  /** The mail stablepick wrote with this Message-ID (brackets optional), or null. */
  mailById(messageId: string): MailRecord | null {
    const id = normaliseMessageId(messageId);
    if (!id) return null;
    const row = this.sql('SELECT message_id, sha, branches, subject, at FROM review_mail WHERE message_id = ?').get(id) as
      { message_id: string; sha: string; branches: string; subject: string; at: number } | undefined;
    if (!row) return null;
    return { messageId: row.message_id, sha: row.sha, branches: JSON.parse(row.branches) as string[], subject: row.subject, at: row.at };
  }

  /** The mails stablepick wrote about `sha`, oldest first. */
  mailsForCommit(sha: string): MailRecord[] {
    const rows = this.sql('SELECT message_id FROM review_mail WHERE sha = ? ORDER BY at, message_id').pluck().all(sha) as string[];
    return rows.map((id) => this.mailById(id)).filter((m): m is MailRecord => m !== null);
  }

  /** Whether the index holds the commit `sha` (full id). */
  isIndexed(sha: string): boolean {
    return FULL_SHA.test(sha) && isIndexedCommit(this.db, sha);
  }

  private validate(r: ReviewInput): ReviewRecord {
    checkStatus(r.status);
    if (!(REVIEW_SOURCES as readonly string[]).includes(r.source)) {
      throw new StablepickError('BAD_OPTION', {
        form: 'unknown',
        option: 'review source',
        value: String(r.source),
        fix: `use one of ${REVIEW_SOURCES.join(', ')}`,
      });
    }
    this.checkCommit(r.sha);
    const branch = (r.branch ?? '').trim();
    if (!branch)
      throw new StablepickError('BAD_DECISION', {
        input: 'a review decision',
        why: 'needs a branch',
        fix: 'give the stable branch, e.g. --branch linux-6.12.y',
      });
    const who = (r.who ?? '').trim();
    if (!who)
      throw new StablepickError('BAD_DECISION', {
        input: 'a review decision',
        why: 'needs a reviewer',
        fix: 'give --who "Name <email>" or set git config user.name and user.email',
      });
    const why = (r.why ?? '').trim();
    // A NUL was cut off silently on the way through SQLite and the readers: refuse it (and the other
    // control characters but tab and line feed) instead.
    // eslint-disable-next-line no-control-regex
    const control = /[\x00-\x08\x0b-\x1f\x7f]/;
    if (control.test(why) || control.test(who) || control.test(branch)) {
      throw new StablepickError('BAD_DECISION', {
        input: `a review decision for ${r.sha.slice(0, 12)}`,
        why: 'holds a control character (NUL, CR, ESC...)',
        fix: 'give the reason, the reviewer and the branch as plain text',
      });
    }
    if (r.status === 'rejected' && !why) {
      throw new StablepickError('BAD_DECISION', {
        input: `rejecting ${r.sha.slice(0, 12)} for ${branch}`,
        why: 'needs a reason',
        fix: 'give --why "..." (it is shown whenever the commit comes up again)',
      });
    }
    const at = r.at ?? nowSeconds();
    if (!Number.isInteger(at) || at < 0)
      throw new StablepickError('BAD_DECISION', { input: `the decision time ${String(at)}`, why: 'is not unix seconds', fix: 'give unix seconds' });
    const messageId = r.messageId ? normaliseMessageId(r.messageId) || null : null;
    return { sha: r.sha, branch, status: r.status, who, at, why, source: r.source, messageId };
  }

  private checkCommit(sha: string): void {
    if (typeof sha !== 'string' || !FULL_SHA.test(sha)) {
      throw new StablepickError('BAD_REVISION', { rev: String(sha), expected: 'full id', fix: 'give the 40-hex sha of the upstream commit' });
    }
    if (!this.isIndexed(sha)) throw new StablepickError('NOT_INDEXED', { rev: sha.slice(0, 12), how: 'commit' });
  }
}

function checkStatus(s: string): asserts s is ReviewStatus {
  if (!isReviewStatus(s))
    throw new StablepickError('BAD_OPTION', { form: 'unknown', option: 'review status', value: s, fix: `use one of ${REVIEW_STATUSES.join(', ')}` });
}
