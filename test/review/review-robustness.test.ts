/**
 * Review state under stress and odd input (issue 15): concurrent writers lose nothing; a NUL or other
 * control character in a reason is refused by the store (it was cut off silently) and kept visibly by
 * `review import`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StablepickError } from '../../src/errors.js';
import { openDb } from '../../src/history/db.js';
import { importMbox } from '../../src/review/import.js';
import { EMPTY_POLICY } from '../../src/review/policy.js';
import { ReviewStore } from '../../src/review/store.js';
import { BRANCH, buildReviewRepo, type ReviewFixture } from './fixture.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let fx: ReviewFixture;

beforeAll(() => {
  fx = buildReviewRepo();
}, 120_000);
afterAll(() => fx?.cleanup());

describe('concurrent review decisions', () => {
  it('four processes recording 40 decisions each at once: all 160 are logged, none lost', async () => {
    const shas = [fx.fixA, fx.fixB, fx.gpu, fx.mm];
    const run = (who: string): Promise<{ code: number; stderr: string }> =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/review/decide-many.ts'), fx.db, who, '40', ...shas], {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        c.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
      });
    const whos = ['A <a@example.org>', 'B <b@example.org>', 'C <c@example.org>', 'D <d@example.org>'];
    const results = await Promise.all(whos.map(run));
    expect(results).toEqual(whos.map(() => ({ code: 0, stderr: '' })));
    const db = openDb(fx.db, { mustExist: true });
    try {
      const store = new ReviewStore(db);
      let logged = 0;
      for (const sha of shas) {
        const h = store.history(sha, BRANCH);
        logged += h.length;
        // The current state is the latest decision of the log.
        const latest = h[h.length - 1]!;
        expect(store.get(sha, BRANCH)).toMatchObject({ status: latest.status, at: latest.at });
      }
      expect(logged).toBe(160);
      for (const who of whos) {
        const reasons = (db.prepare('SELECT why FROM review_log WHERE who = ?').pluck().all(who) as string[]).sort();
        expect(reasons).toEqual(Array.from({ length: 40 }, (_, i) => `${who} decision ${i}`).sort());
      }
    } finally {
      db.close();
    }
  }, 180_000);
});

describe('control characters in a reason', () => {
  it('the store refuses a NUL in a reason instead of cutting it', () => {
    const db = openDb(fx.db, { mustExist: true });
    try {
      const store = new ReviewStore(db);
      let err: unknown;
      try {
        store.set({ sha: fx.fixC, branch: BRANCH, status: 'rejected', who: 'Rev <rev@example.org>', why: 'breaks the ABI\0 of the 1.0 branch', source: 'web' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StablepickError);
      expect((err as StablepickError).code).toBe('BAD_DECISION');
      expect((err as StablepickError).message).toMatch(/control character/);
      expect(store.get(fx.fixC, BRANCH)).toBeNull();
    } finally {
      db.close();
    }
  });

  it('review import keeps a NUL of a reply visibly, with all the text after it', async () => {
    const db = openDb(fx.db, { mustExist: true });
    try {
      const store = new ReviewStore(db);
      const mailId = `<stablepick-nul-${fx.fixD.slice(0, 12)}@stable.example.org>`;
      store.recordMail({ messageId: mailId, sha: fx.fixD, branches: [BRANCH], subject: '[PATCH AUTOSEL 1.0] lib: fix d9' });
      const reply = [
        'From rev@example.org Mon Nov  3 18:02:46 2025',
        'From: Rev <rev@example.org>',
        'Subject: Re: [PATCH AUTOSEL 1.0] lib: fix d9',
        'Date: Mon, 3 Nov 2025 18:02:46 +0000',
        'Message-ID: <nul-reply@example.org>',
        `In-Reply-To: ${mailId}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'NAK, this is not a fix\0 for the 1.0 branch: d9 was right there.',
        '',
      ].join('\n');
      const s = await importMbox(db, Buffer.from(reply, 'utf8'), EMPTY_POLICY, { now: 1_800_000_000 });
      expect(s.recorded).toBe(1);
      const rec = store.get(fx.fixD, BRANCH)!;
      expect(rec.why).toContain('not a fix\\0 for the 1.0 branch: d9 was right there.');
    } finally {
      db.close();
    }
  });
});
