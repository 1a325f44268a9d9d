/** The review store: decisions per (commit, branch), their log, and the mails stablepick wrote. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StablepickError } from '../../src/errors.js';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb, userErrorOf, type DB } from '../../src/history/db.js';
import { SCHEMA_VERSION } from '../../src/history/schema.js';
import { ReviewStore } from '../../src/review/store.js';
import { BRANCH, buildReviewRepo, type ReviewFixture } from './fixture.js';

let fx: ReviewFixture;
let db: DB;

beforeAll(() => {
  fx = buildReviewRepo();
  db = openDb(fx.db);
}, 120_000);
afterAll(() => {
  db?.close();
  fx?.cleanup();
});

/** The review tables as migration 3 of the index schema created them (what indexes written before hold). */
const MIGRATION_3 = `
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

function reviewSchema(d: DB): { type: string; name: string; sql: string }[] {
  return d.prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name LIKE 'review%' ORDER BY name").all() as {
    type: string;
    name: string;
    sql: string;
  }[];
}

function thrown(fn: () => unknown): StablepickError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StablepickError) return e;
    throw e;
  }
  throw new Error('expected a StablepickError');
}

describe('review store', () => {
  it('declares its tables: an index gets them from the first store, as migration 3 made them before', () => {
    const fresh = openDb(':memory:');
    const old = openDb(':memory:');
    try {
      expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
      expect(reviewSchema(fresh)).toEqual([]);
      old.exec(MIGRATION_3);
      new ReviewStore(fresh);
      expect(reviewSchema(fresh).map((r) => r.name)).toEqual([
        'review',
        'review_branch_status',
        'review_log',
        'review_log_commit',
        'review_log_message',
        'review_mail',
        'review_mail_sha',
      ]);
      expect(reviewSchema(fresh)).toEqual(reviewSchema(old));
    } finally {
      fresh.close();
      old.close();
    }
  });

  it('opens an index written with the tables of migration 3 unchanged', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'stablepick-review-old-')), 'index.sqlite');
    writeFileSync(file, db.serialize());
    const w = new Database(file);
    w.exec(`DROP TABLE IF EXISTS review; DROP TABLE IF EXISTS review_log; DROP TABLE IF EXISTS review_mail; ${MIGRATION_3}`);
    w.prepare("INSERT INTO review (sha, branch, status, who, at, why, source) VALUES (?, ?, 'accepted', 'Ann <ann@example.org>', 5, 'old', 'cli')").run(
      fx.fixA,
      BRANCH,
    );
    w.close();
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const again = openDb(file);
    try {
      expect(new ReviewStore(again).get(fx.fixA, BRANCH)?.why).toBe('old');
    } finally {
      again.close();
    }
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
  });

  it('reads a read-only index without review tables as one without decisions, and refuses a decision there', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'stablepick-review-ro-')), 'index.sqlite');
    writeFileSync(file, db.serialize());
    const w = new Database(file);
    w.exec('DROP TABLE IF EXISTS review; DROP TABLE IF EXISTS review_log; DROP TABLE IF EXISTS review_mail');
    w.close();
    const ro = openDb(file, { readonly: true });
    try {
      const s = new ReviewStore(ro);
      expect(s.list()).toEqual([]);
      expect(s.get(fx.fixA, BRANCH)).toBeNull();
      expect(s.mailsForCommit(fx.fixA)).toEqual([]);
      let err: unknown = null;
      try {
        s.set({ sha: fx.fixA, branch: BRANCH, status: 'accepted', who: 'Ann <ann@example.org>', source: 'cli' });
      } catch (e) {
        err = e;
      }
      expect(userErrorOf(err)?.code).toBe('IO');
      expect(new ReviewStore(ro).list()).toEqual([]);
    } finally {
      ro.close();
    }
  });

  it('keeps the current state and logs every change with who, when and why', () => {
    const s = new ReviewStore(db);
    expect(s.get(fx.fixA, BRANCH)).toBeNull();
    s.set({ sha: fx.fixA, branch: BRANCH, status: 'needs-review', who: 'Bot <bot@example.org>', source: 'mail', at: 1000 });
    s.set({ sha: fx.fixA, branch: BRANCH, status: 'accepted', who: 'Ann <ann@example.org>', why: 'looks right', source: 'cli', at: 2000 });
    const last = s.set({ sha: fx.fixA, branch: BRANCH, status: 'rejected', who: 'Bob <bob@example.org>', why: 'breaks the 1.0 ABI', source: 'web', at: 3000 });
    expect(last).toEqual({
      sha: fx.fixA,
      branch: BRANCH,
      status: 'rejected',
      who: 'Bob <bob@example.org>',
      at: 3000,
      why: 'breaks the 1.0 ABI',
      source: 'web',
      messageId: null,
    });
    expect(s.get(fx.fixA, BRANCH)).toEqual(last);
    expect(s.history(fx.fixA, BRANCH).map((r) => [r.status, r.who, r.at, r.why])).toEqual([
      ['needs-review', 'Bot <bot@example.org>', 1000, ''],
      ['accepted', 'Ann <ann@example.org>', 2000, 'looks right'],
      ['rejected', 'Bob <bob@example.org>', 3000, 'breaks the 1.0 ABI'],
    ]);
    // Back from rejected is allowed, and logged too.
    s.set({ sha: fx.fixA, branch: BRANCH, status: 'deferred', who: 'Bob <bob@example.org>', why: 'after 1.0.3', source: 'cli', at: 4000 });
    expect(s.get(fx.fixA, BRANCH)?.status).toBe('deferred');
    expect(s.history(fx.fixA, BRANCH)).toHaveLength(4);
    // Another branch is another state.
    expect(s.get(fx.fixA, 'linux-2.0.y')).toBeNull();
  });

  it('refuses a rejection without a reason', () => {
    const s = new ReviewStore(db);
    for (const why of [undefined, '', '   ']) {
      const e = thrown(() =>
        s.set({ sha: fx.fixB, branch: BRANCH, status: 'rejected', who: 'Ann <ann@example.org>', source: 'cli', ...(why === undefined ? {} : { why }) }),
      );
      expect(e.code).toBe('BAD_DECISION');
      expect(e.message).toContain('needs a reason');
    }
    expect(s.get(fx.fixB, BRANCH)).toBeNull();
    expect(s.history(fx.fixB, BRANCH)).toEqual([]);
  });

  it('refuses unknown commits, short ids, unknown statuses and missing reviewers', () => {
    const s = new ReviewStore(db);
    const unknown = thrown(() => s.set({ sha: fx.unknown, branch: BRANCH, status: 'accepted', who: 'Ann', source: 'cli' }));
    expect(unknown.code).toBe('NOT_INDEXED');
    expect(unknown.hint).toContain('stablepick index');
    expect(thrown(() => s.set({ sha: fx.fixB.slice(0, 12), branch: BRANCH, status: 'accepted', who: 'Ann', source: 'cli' })).code).toBe('BAD_REVISION');
    expect(thrown(() => s.set({ sha: fx.fixB, branch: BRANCH, status: 'maybe' as 'accepted', who: 'Ann', source: 'cli' })).message).toContain(
      'unknown review status',
    );
    expect(thrown(() => s.set({ sha: fx.fixB, branch: BRANCH, status: 'accepted', who: ' ', source: 'cli' })).message).toContain('reviewer');
    expect(thrown(() => s.set({ sha: fx.fixB, branch: '', status: 'accepted', who: 'Ann', source: 'cli' })).message).toContain('branch');
    expect(thrown(() => s.recordMail({ messageId: '<m@x>', sha: fx.unknown, branches: [BRANCH], subject: 's' })).code).toBe('NOT_INDEXED');
  });

  it('lists current states by branch and status', () => {
    const s = new ReviewStore(db);
    s.set({ sha: fx.fixD, branch: BRANCH, status: 'accepted', who: 'Ann', source: 'cli', at: 5000 });
    s.set({ sha: fx.fixD, branch: 'linux-2.0.y', status: 'rejected', who: 'Ann', why: 'not there', source: 'cli', at: 5000 });
    expect(s.list({ branch: BRANCH, status: 'accepted' }).map((r) => r.sha)).toEqual([fx.fixD]);
    expect(s.list({ status: 'rejected' }).map((r) => [r.sha, r.branch])).toEqual([[fx.fixD, 'linux-2.0.y']]);
    expect(
      s
        .list({ branch: BRANCH })
        .map((r) => r.sha)
        .sort(),
    ).toEqual([fx.fixA, fx.fixD].sort());
    expect(s.list().length).toBe(3);
  });

  it('records a decision with a Message-ID once, and an older decision does not replace a newer one', () => {
    const s = new ReviewStore(db);
    s.set({ sha: fx.gpu, branch: BRANCH, status: 'accepted', who: 'Ann', source: 'cli', at: 9000 });
    const r = s.set({
      sha: fx.gpu,
      branch: BRANCH,
      status: 'rejected',
      who: 'Dev <dev@example.org>',
      why: 'NAK, not a fix',
      source: 'mail',
      messageId: 'reply-1@example.org',
      at: 8000,
    });
    // Logged (it happened), but the later CLI decision stays current.
    expect(r.status).toBe('accepted');
    expect(s.history(fx.gpu, BRANCH).map((h) => [h.status, h.messageId])).toEqual([
      ['rejected', '<reply-1@example.org>'],
      ['accepted', null],
    ]);
    s.set({
      sha: fx.gpu,
      branch: BRANCH,
      status: 'rejected',
      who: 'Dev <dev@example.org>',
      why: 'NAK, not a fix',
      source: 'mail',
      messageId: '<reply-1@example.org>',
      at: 8000,
    });
    expect(s.history(fx.gpu, BRANCH)).toHaveLength(2);
    expect(s.hasMessage('reply-1@example.org')).toBe(true);
    expect(s.hasMessage('reply-2@example.org')).toBe(false);
  });

  it('remembers the mails stablepick wrote, with or without angle brackets', () => {
    const s = new ReviewStore(db);
    expect(s.mailById('<none@example.org>')).toBeNull();
    s.recordMail({ messageId: '<stablepick-1-1@host>', sha: fx.mm, branches: [BRANCH, 'linux-2.0.y'], subject: '[PATCH 1.0] mm: fix p2', at: 1234 });
    const m = { messageId: '<stablepick-1-1@host>', sha: fx.mm, branches: [BRANCH, 'linux-2.0.y'], subject: '[PATCH 1.0] mm: fix p2', at: 1234 };
    expect(s.mailById('<stablepick-1-1@host>')).toEqual(m);
    expect(s.mailById('stablepick-1-1@host')).toEqual(m);
    expect(s.mailsForCommit(fx.mm)).toEqual([m]);
  });
});
