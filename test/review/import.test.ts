/** Replies to stablepick's mails, read from mbox files the test writes, become review decisions. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/history/db.js';
import { classifyReply, importMbox, ownLines, type ImportedReply } from '../../src/review/import.js';
import { splitMbox } from '../../src/review/mbox.js';
import { compilePolicy, EMPTY_POLICY } from '../../src/review/policy.js';
import { ReviewStore } from '../../src/review/store.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { BRANCH, buildReviewRepo, review, type ReviewFixture } from './fixture.js';

let fx: ReviewFixture;
let work: string;
let before: RepoStateSnapshot;
const ownId = (sha: string): string => `<stablepick-1762189335-1-${sha.slice(0, 12)}@stable.example.org>`;

interface Mail {
  from: string;
  id: string;
  subject: string;
  date: string;
  inReplyTo?: string;
  references?: string[];
  body: string;
}

/** A message as a mail archive holds it (mboxrd: body lines starting with "From " are quoted). */
function entry(m: Mail): string {
  const h = [`From: ${m.from}`, 'To: stable@vger.kernel.org', `Subject: ${m.subject}`, `Date: ${m.date}`, `Message-ID: ${m.id}`];
  if (m.inReplyTo) h.push(`In-Reply-To: ${m.inReplyTo}`);
  if (m.references?.length) h.push(`References: ${m.references.join('\n ')}`);
  h.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
  const body = m.body.replace(/^(>*From )/gm, '>$1');
  return `From mailer@example.org Mon Nov  3 18:02:46 2025\n${h.join('\n')}\n\n${body}\n`;
}

function mbox(mails: readonly Mail[]): string {
  const file = path.join(work, `m-${Math.random().toString(36).slice(2)}.mbox`);
  writeFileSync(file, mails.map(entry).join('\n'));
  return file;
}

function byId(replies: readonly ImportedReply[], id: string): ImportedReply {
  const r = replies.find((x) => x.messageId === id);
  if (!r) throw new Error(`no reply ${id} in ${JSON.stringify(replies)}`);
  return r;
}

let threads: Mail[];

beforeAll(() => {
  fx = buildReviewRepo();
  work = mkdtempSync(path.join(os.tmpdir(), 'stablepick-review-import-'));
  before = snapshotRepoState(fx.repo.dir);
  const db = openDb(fx.db);
  const store = new ReviewStore(db);
  for (const [sha, subject] of [
    [fx.fixA, 'lib: fix a3'],
    [fx.fixB, 'lib: fix b5'],
    [fx.gpu, 'drm: fix g1'],
    [fx.fixD, 'lib: fix d9'],
  ] as const) {
    store.recordMail({ messageId: ownId(sha), sha, branches: [BRANCH], subject: `[PATCH AUTOSEL 1.0] ${subject}`, at: 1762189335 });
  }
  db.close();
  threads = [
    // Stablepick's own mail as the archive has it: skipped, never classified (its trailers are not an ACK).
    {
      from: 'Stable Bot <bot@stable.example.org>',
      id: ownId(fx.fixA),
      subject: '[PATCH AUTOSEL 1.0] lib: fix a3',
      date: 'Mon, 3 Nov 2025 13:02:15 -0500',
      body: `[ Upstream commit ${fx.fixA} ]\n\na3 overflowed.\n\nReviewed-by: Someone <s@example.org>\nSigned-off-by: Dev <dev@example.org>\n---\n lib/a.c | 2 +-\n`,
    },
    // A NAK that quotes the patch, whose quoted trailers say Acked-by and Reviewed-by.
    {
      from: 'Maint Ainer <maint@example.org>',
      id: '<nak-1@example.org>',
      subject: 'Re: [PATCH AUTOSEL 1.0] lib: fix a3',
      date: 'Tue, 4 Nov 2025 09:00:00 +0000',
      inReplyTo: ownId(fx.fixA),
      references: [ownId(fx.fixA)],
      body: [
        'On Mon, Nov 03, 2025 at 01:02:15PM -0500, Stable Bot wrote:',
        `> [ Upstream commit ${fx.fixA} ]`,
        '>',
        '> a3 overflowed.',
        '>',
        '> Acked-by: Someone <s@example.org>',
        '> Reviewed-by: Other <o@example.org>',
        '',
        'NAK. This depends on the new allocator, which 1.0 does not have.',
        '',
        '-- ',
        'Maint',
        'Acked-by: every patch I like',
      ].join('\n'),
    },
    // Reviewed-by, in a thread where the reply answers someone else's reply: threaded by References.
    {
      from: 'Rev Iewer <rev@example.org>',
      id: '<rb-1@example.org>',
      subject: 'Re: [PATCH AUTOSEL 1.0] lib: fix b5',
      date: 'Tue, 4 Nov 2025 10:00:00 +0000',
      inReplyTo: '<someone-else-asked@example.org>',
      references: [ownId(fx.fixB), '<someone-else-asked@example.org>'],
      // It quotes an objection it answers: the quote is not its own word.
      body: [
        'On Tue, Nov 04, 2025, Someone Else wrote:',
        '> NAK, please drop this: not a fix for 1.0?',
        '',
        'It is: 1.0 has the bug too.',
        '',
        'Reviewed-by: Rev Iewer <rev@example.org>',
      ].join('\n'),
    },
    // A question: needs a person.
    {
      from: 'Curious Dev <cd@example.org>',
      id: '<q-1@example.org>',
      subject: 'Re: [PATCH AUTOSEL 1.0] drm: fix g1',
      date: 'Tue, 4 Nov 2025 11:00:00 +0000',
      inReplyTo: ownId(fx.gpu),
      body: [
        '> Reviewed-by: Other <o@example.org>',
        '> Acked-by: Someone <s@example.org>',
        '',
        'Does this need the follow-up fix too?',
        'It was posted last week.',
      ].join('\n'),
    },
    // Threaded by nothing stablepick knows, and no upstream line: reported.
    {
      from: 'Lost Soul <lost@example.org>',
      id: '<lost-1@example.org>',
      subject: 'Re: something else',
      date: 'Tue, 4 Nov 2025 12:00:00 +0000',
      inReplyTo: '<unrelated@example.org>',
      body: 'ACK',
    },
    // No usable threading headers, but the quoted upstream line names the commit: "please drop".
    {
      from: 'Maint Ainer <maint@example.org>',
      id: '<drop-1@example.org>',
      subject: 'Re: [PATCH AUTOSEL 1.0] lib: fix d9',
      date: 'Tue, 4 Nov 2025 13:00:00 +0000',
      inReplyTo: '<mangled-by-a-mail-client@example.org>',
      body: [`> [ Upstream commit ${fx.fixD} ]`, '> From the start d9 was wrong.', '', 'Thanks, but please drop this one: d9 is only read on 2.0.', ''].join(
        '\n',
      ),
    },
  ];
}, 120_000);
afterAll(() => fx?.cleanup());

describe('classifying a reply by its own text', () => {
  it('ignores quoted lines, the attribution line and the signature', () => {
    expect(ownLines('On Mon, Jane wrote:\n> NAK\n> Acked-by: x\nsounds good\n-- \nNAK')).toEqual(['sounds good']);
    expect(classifyReply(ownLines('> NAK, not a fix\n\nAcked-by: Jane <j@x.org>'), 'Jane')).toEqual({ status: 'accepted', why: 'Acked-by: Jane <j@x.org>' });
    expect(classifyReply(ownLines('> Acked-by: a <a@b>\nNot a fix: the bug is in 2.0 only.'), 'Jane')).toEqual({
      status: 'rejected',
      why: 'Not a fix: the bug is in 2.0 only.',
    });
  });

  it('knows the rejecting and accepting phrases', () => {
    for (const t of ["Please don't backport this.", 'Do not backport, it needs 5 more patches.', 'This is not for stable.', 'Nacked-by: A <a@b.org>', 'nak']) {
      expect(classifyReply([t], 'x').status).toBe('rejected');
    }
    for (const t of ['ACK', 'Acked', 'queued', 'Now queued up, thanks!', 'Tested-by: T <t@x.org>']) {
      expect(classifyReply([t], 'x').status).toBe('accepted');
    }
    // Words that merely contain the phrases do not count.
    expect(classifyReply(['The snake case name is odd; I acknowledge it works.'], 'W <w@x>')).toEqual({
      status: 'needs-review',
      why: 'reply from W <w@x> needs a person: The snake case name is odd; I acknowledge it works.',
    });
  });

  it('a bare NAK takes the next sentence or paragraph as its reason', () => {
    expect(classifyReply(['NAK.', '', 'It breaks suspend on 1.0.'], 'x').why).toBe('NAK. It breaks suspend on 1.0.');
    expect(classifyReply(['NAK, this changes the ABI of the 1.0 series. Sorry.'], 'x').why).toBe('NAK, this changes the ABI of the 1.0 series.');
  });
});

describe('splitting an mbox', () => {
  it('splits at From_ lines only, and unquotes >From lines', () => {
    const text =
      'From a@b Mon Nov  3 18:02:46 2025\nSubject: one\n\nbody\n>From here\n>>From there\nFrom the start? no separator: no blank line before\n\nFrom b@c Mon Nov  3 18:02:47 2025\nSubject: two\n\nx\n';
    const parts = splitMbox(Buffer.from(text)).map((b) => b.toString('latin1'));
    expect(parts).toEqual(['Subject: one\n\nbody\nFrom here\n>From there\nFrom the start? no separator: no blank line before\n', 'Subject: two\n\nx\n']);
  });
});

describe('review import', () => {
  it('records NAK, Reviewed-by and unknown replies, reports what it cannot thread, and adds nothing the second time', async () => {
    const file = mbox(threads);
    const db = openDb(fx.db);
    try {
      const s = await importMbox(db, readFileSync(file), EMPTY_POLICY);
      expect(s.messages).toBe(6);
      const nak = byId(s.replies, '<nak-1@example.org>');
      expect(nak).toMatchObject({
        outcome: 'recorded',
        status: 'rejected',
        sha: fx.fixA,
        branches: [BRANCH],
        threadedBy: 'in-reply-to',
        why: 'NAK. This depends on the new allocator, which 1.0 does not have.',
      });
      expect(byId(s.replies, '<rb-1@example.org>')).toMatchObject({
        outcome: 'recorded',
        status: 'accepted',
        sha: fx.fixB,
        threadedBy: 'references',
        why: 'Reviewed-by: Rev Iewer <rev@example.org>',
      });
      expect(byId(s.replies, '<q-1@example.org>')).toMatchObject({
        outcome: 'recorded',
        status: 'needs-review',
        sha: fx.gpu,
        why: 'reply from Curious Dev <cd@example.org> needs a person: Does this need the follow-up fix too?',
      });
      expect(byId(s.replies, '<lost-1@example.org>')).toMatchObject({ outcome: 'unthreaded' });
      expect(byId(s.replies, '<lost-1@example.org>').note).toContain('<unrelated@example.org>');
      expect(byId(s.replies, '<drop-1@example.org>')).toMatchObject({
        outcome: 'recorded',
        status: 'rejected',
        sha: fx.fixD,
        threadedBy: 'upstream-line',
        why: 'Thanks, but please drop this one: d9 is only read on 2.0.',
      });
      expect(byId(s.replies, ownId(fx.fixA))).toMatchObject({ outcome: 'own-mail' });
      expect(s).toMatchObject({
        recorded: 4,
        duplicates: 0,
        unthreaded: 1,
        skipped: 1,
        byStatus: { accepted: 1, rejected: 2, 'needs-review': 1, deferred: 0 },
      });

      const store = new ReviewStore(db);
      expect(store.get(fx.fixA, BRANCH)).toMatchObject({
        status: 'rejected',
        who: 'Maint Ainer <maint@example.org>',
        source: 'mail',
        messageId: '<nak-1@example.org>',
        at: Date.UTC(2025, 10, 4, 9) / 1000,
      });
      const logged = db.prepare('SELECT COUNT(*) FROM review_log').pluck().get();
      expect(logged).toBe(4);

      const again = await importMbox(db, readFileSync(file), EMPTY_POLICY);
      expect(again).toMatchObject({ recorded: 0, duplicates: 4, unthreaded: 1 });
      expect(db.prepare('SELECT COUNT(*) FROM review_log').pluck().get()).toBe(4);
      expect(store.history(fx.fixA, BRANCH)).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it('a later reply is the current state; with reviewers listed, a stranger only flags for a person', async () => {
    const db = openDb(fx.db);
    try {
      const policy = compilePolicy({ reviewers: ['Maint Ainer <maint@example.org>'] });
      const file = mbox([
        {
          from: 'Drive By <db@example.org>',
          id: '<stranger-ack@example.org>',
          subject: 'Re: [PATCH AUTOSEL 1.0] drm: fix g1',
          date: 'Wed, 5 Nov 2025 09:00:00 +0000',
          inReplyTo: ownId(fx.gpu),
          body: 'Acked-by: Drive By <db@example.org>',
        },
        {
          from: 'Maint Ainer <maint@example.org>',
          id: '<ack-b@example.org>',
          subject: 'Re: [PATCH AUTOSEL 1.0] lib: fix b5',
          date: 'Wed, 5 Nov 2025 10:00:00 +0000',
          inReplyTo: ownId(fx.fixB),
          body: 'not a fix after all, the bug never reached 1.0',
        },
      ]);
      const s = await importMbox(db, readFileSync(file), policy);
      expect(byId(s.replies, '<stranger-ack@example.org>')).toMatchObject({
        status: 'needs-review',
        why: 'reply from Drive By <db@example.org> (not a listed reviewer) needs a person: Acked-by: Drive By <db@example.org>',
      });
      const store = new ReviewStore(db);
      expect(store.get(fx.fixB, BRANCH)).toMatchObject({ status: 'rejected', why: 'not a fix after all, the bug never reached 1.0' });
      expect(store.history(fx.fixB, BRANCH).map((h) => h.status)).toEqual(['accepted', 'rejected']);
    } finally {
      db.close();
    }
  });

  it('runs as a command: a summary, JSON per reply, and one-line errors', () => {
    const file = mbox(threads);
    const human = review(fx, ['import', file]);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toBe(
      '6 messages: 0 replies recorded (0 accepted, 0 rejected, 0 need a person), 4 already imported, 1 unthreaded, 1 skipped',
    );
    expect(human.stdout).toContain('<lost-1@example.org>: unthreaded:');
    const json = review(fx, ['import', file], ['--json']);
    expect(json.code).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ImportedReply);
    expect(lines.map((l) => l.outcome)).toEqual(['own-mail', 'duplicate', 'duplicate', 'duplicate', 'unthreaded', 'duplicate']);
    const missing = review(fx, ['import', path.join(work, 'nope.mbox')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([`stablepick: ${path.join(work, 'nope.mbox')}: no such file — give the path of an mbox file`]);
    expectRepoUnchanged(fx.repo.dir, before);
  }, 60_000);

  it('reads gzip and xz archives and a single saved mail; refuses what is no mailbox instead of reading 0 messages', () => {
    const file = mbox(threads);
    const plain = review(fx, ['import', file], ['--json']);
    expect(plain.code).toBe(0);
    const outcomes = (r: { stdout: string }): string[] =>
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as ImportedReply).outcome);
    // The real compressors, as a mail archive hands the files out.
    execFileSync('gzip', ['-k', file]);
    execFileSync('xz', ['-k', file]);
    for (const packed of [`${file}.gz`, `${file}.xz`]) {
      const r = review(fx, ['import', packed], ['--json']);
      expect(r.stderr).toBe('');
      expect(outcomes(r)).toEqual(outcomes(plain));
    }
    // One mail saved without the mbox separator (an .eml) is one message.
    const eml = path.join(work, 'one.eml');
    writeFileSync(eml, entry(threads[0]!).replace(/^From [^\n]*\n/, ''));
    const one = review(fx, ['import', eml], ['--json']);
    expect(one.code).toBe(0);
    expect(outcomes(one)).toHaveLength(1);
    // Not a mailbox: one line, exit 1, nothing recorded.
    const bad: [string, Buffer, RegExp][] = [
      [
        'random.bin',
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
        /is not a mailbox: it holds binary data|neither an mbox nor a mail/,
      ],
      [
        'notes.txt',
        Buffer.from('Some notes about the release.\nNothing here is a mail.\n'),
        /notes\.txt is neither an mbox nor a mail \(it starts "Some notes about the release\."\)/,
      ],
      ['archive.mbox.bz2', Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31, 0x41]), /archive\.mbox\.bz2 is bzip2-compressed, which review import does not read/],
      ['cut.mbox.gz', execFileSync('gzip', ['-c', file]).subarray(0, 40), /cut\.mbox\.gz is a damaged compressed file/],
      ['empty.mbox', Buffer.alloc(0), /empty\.mbox is empty/],
    ];
    for (const [name, bytes, message] of bad) {
      const p = path.join(work, name);
      writeFileSync(p, bytes);
      const r = review(fx, ['import', p]);
      expect(r.code, name).toBe(1);
      expect(r.stdout, name).toBe('');
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(message);
    }
    expectRepoUnchanged(fx.repo.dir, before);
  }, 60_000);
});
