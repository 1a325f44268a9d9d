/**
 * The AUTOSEL mails against real git: the mbox of a picked series `git am`s onto the stable branch in a
 * throwaway clone and recreates each pick with the upstream patch-id, the upstream message, the marker
 * and the sender's sign-off, and without the analysis; `git mailsplit`/`git mailinfo` read the thread;
 * postal-mime reads the headers back.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertMailable,
  checkMailText,
  formatAutoselMail,
  makeMessageId,
  splitMbox,
  writeMbox,
  type AutoselMailInput,
} from '../../src/report/mail/autosel-mail.js';
import { mboxEntryToMessage } from '../../src/report/mail/mbox.js';
import { runGitSync, tryGitSync } from '../helpers/repo-builder.js';
import { snapshotRepoState, expectRepoUnchanged } from '../helpers/repo-state.js';
import { AUTHOR, buildWorld, gitAmInClone, patchId, SENDER, type World } from './world.js';

let w: World;
const clones: string[] = [];
const DATE = new Date(Date.UTC(2025, 10, 3, 18, 2, 15));

const ANALYSIS = [
  'Verdict: YES for 6.12 (confidence 0.91).',
  '',
  'The commit fixes a boot failure: the percpu allocation in init_sched_ext_class()',
  'exceeds the allocator limit when nr_cpu_ids > 4096.',
  '',
  'Required commits, in order:',
  '  1. abcdef012345 sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()',
].join('\n');

function info(sha: string): { subject: string; message: string; author: { name: string; email: string }; authorTime: number } {
  const [an, ae, at] = w.repo.git(['log', '-1', '--format=%an%x00%ae%x00%at', sha]).trim().split('\0');
  const message = w.repo.git(['log', '-1', '--format=%B', sha]);
  return { subject: message.split('\n')[0] ?? '', message, author: { name: an ?? '', email: ae ?? '' }, authorTime: Number(at) };
}

function mailFor(sha: string, n: number, extra: Partial<AutoselMailInput> = {}): ReturnType<typeof formatAutoselMail> {
  const r = w.patches.get(sha);
  if (!r?.patch) throw new Error(`no adapted patch for ${sha}: ${r?.result} ${r?.reason}`);
  return formatAutoselMail({
    sha,
    ...info(sha),
    trees: ['6.17', '6.12'],
    stableBase: 'Linux 6.12.7',
    from: SENDER,
    to: ['stable@vger.kernel.org', 'patches@lists.linux.dev'],
    cc: ['Tejun Heo <tj@kernel.example.org>', 'Phil Auld <pauld@redhat.example.com>'],
    analysis: ANALYSIS,
    patch: r.patch,
    messageId: makeMessageId({ sha, n, time: 1762192935, host: 'kernel.example.org' }),
    date: DATE,
    ...extra,
  });
}

function thread(shas: readonly string[], extra: Partial<AutoselMailInput> = {}): ReturnType<typeof formatAutoselMail>[] {
  const first = makeMessageId({ sha: shas[0] as string, n: 1, time: 1762192935, host: 'kernel.example.org' });
  return shas.map((sha, i) => mailFor(sha, i + 1, i === 0 ? extra : { inReplyTo: first, references: [first], ...extra }));
}

function am(mbox: string, args: readonly string[] = []): ReturnType<typeof gitAmInClone> {
  const r = gitAmInClone(w, 'linux-6.12.y', mbox, args);
  clones.push(r.dir);
  return r;
}

beforeAll(async () => {
  w = await buildWorld();
});

afterAll(() => {
  w?.cleanup();
  for (const d of clones) rmSync(d, { recursive: true, force: true });
});

describe('one AUTOSEL mail', () => {
  it('has the seed headers, the marker, the sign-off, the analysis and the adapted diff in order', () => {
    const m = mailFor(w.fix, 2, { inReplyTo: '<cover@kernel.example.org>', references: ['<cover@kernel.example.org>'] });
    const t = m.text;
    expect(t.startsWith(`From ${w.fix} Mon Sep 17 00:00:00 2001\n`)).toBe(true);
    const head = t.slice(0, t.indexOf('\n\n'));
    expect(head).toContain('\nFrom: Stable Sender <sender@kernel.example.org>\n');
    expect(head).toContain('\nTo: stable@vger.kernel.org, patches@lists.linux.dev\n');
    expect(head).toContain('\nSubject: [PATCH AUTOSEL 6.17-6.12] sched_ext: Allocate scx_kick_cpus_pnt_seqs\n lazily using kvzalloc()\n');
    expect(head).toContain('\nDate: Mon, 3 Nov 2025 18:02:15 +0000\n');
    expect(head).toContain(`\nMessage-ID: <stablepick.1762192935.2.${w.fix.slice(0, 12)}@kernel.example.org>\n`);
    expect(head).toContain('\nIn-Reply-To: <cover@kernel.example.org>\nReferences: <cover@kernel.example.org>\n');
    expect(head).toContain('\nX-stable: review\nX-Patchwork-Hint: Ignore\nX-stable-base: Linux 6.12.7\n');
    expect(head).toContain('\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit');
    for (const l of head.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
    const body = t.slice(t.indexOf('\n\n') + 2);
    expect(
      body.startsWith(`From: ${AUTHOR.name} <${AUTHOR.email}>\nDate: Sun, 27 Oct 2024 03:33:20 +0000\n\n[ Upstream commit ${w.fix} ]\n\nOn systems with`),
    ).toBe(true);
    expect(body).toContain(`Signed-off-by: ${AUTHOR.name} <${AUTHOR.email}>\nSigned-off-by: ${SENDER.name} <${SENDER.email}>\n---\n\nVerdict: YES`);
    // The upstream body's "From the allocator" line is mboxrd-quoted.
    expect(body).toContain('\n>From the allocator point of view');
    const stat = body.indexOf(' kernel/sched/ext.c | ');
    expect(stat).toBeGreaterThan(body.indexOf('Required commits'));
    // The diff is the one adapted to the branch (hunk moved by the stable-only header), with full index lines.
    const upstreamHunk = /@@ -(\d+)/.exec(w.repo.git(['show', '--format=', w.fix]))?.[1];
    const mailHunk = /@@ -(\d+)/.exec(body)?.[1];
    expect(Number(mailHunk)).toBe(Number(upstreamHunk) + 2);
    expect(body).toMatch(/^index [0-9a-f]{40}\.\.[0-9a-f]{40} 100644$/m);
    expect(() => checkMailText(t)).not.toThrow();
  });

  it('git am onto the stable branch recreates the pick: same patch-id, upstream message + marker + sign-off, author and date, no analysis', () => {
    const before = snapshotRepoState(w.repo.dir);
    const m = mailFor(w.fix, 1);
    const r = am(writeMbox([m]), ['--patch-format=mboxrd']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.commits).toHaveLength(1);
    const c = r.commits[0] as string;
    expect(patchId(r.dir, c)).toBe(patchId(w.repo.dir, w.fix));
    const msg = runGitSync(r.dir, ['log', '-1', '--format=%B', c]);
    expect(msg.startsWith('sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()\n\n')).toBe(true);
    expect(msg).toContain(`[ Upstream commit ${w.fix} ]`);
    expect(msg.trimEnd().endsWith(`Signed-off-by: ${SENDER.name} <${SENDER.email}>`)).toBe(true);
    expect(msg).toContain('From the allocator point of view'); // exact, mboxrd undone
    expect(msg).not.toContain('Verdict');
    expect(msg).not.toContain('Required commits');
    // The message is upstream's body, untouched, between the marker and the sign-off.
    const upstreamBody = w.fixMessage.slice(w.fixMessage.indexOf('\n\n') + 2).trimEnd();
    expect(msg).toContain(`[ Upstream commit ${w.fix} ]\n\n${upstreamBody}\nSigned-off-by: ${SENDER.name}`);
    const [an, ae, at] = runGitSync(r.dir, ['log', '-1', '--format=%an%x00%ae%x00%at', c]).trim().split('\0');
    expect({ an, ae, at: Number(at) }).toEqual({ an: AUTHOR.name, ae: AUTHOR.email, at: w.authorTime });
    expectRepoUnchanged(w.repo.dir, before);
  });

  it('plain git am (mbox, not mboxrd) applies it too', () => {
    const r = am(writeMbox([mailFor(w.fix, 1)]));
    expect(r.status).toBe(0);
    expect(patchId(r.dir, r.commits[0] as string)).toBe(patchId(w.repo.dir, w.fix));
  });

  it('an analysis with patch-like lines (--- a/foo, +++ b/foo, @@, diff --git, Index:, ---) still git ams, and keeps the lines visible', () => {
    const analysis = [
      'The old code, quoted:',
      '--- a/kernel/sched/ext.c',
      '+++ b/kernel/sched/ext.c',
      '@@ -1,3 +1,3 @@',
      '-old',
      '+new',
      'diff --git a/kernel/sched/ext.c b/kernel/sched/ext.c',
      'Index: kernel/sched/ext.c',
      '---',
      'diff -u a b',
      'GIT binary patch',
      'Binary files a and b differ',
      'From a mailbox point of view this is text.',
    ].join('\n');
    const m = mailFor(w.fix, 1, { analysis });
    expect(m.text).toContain('\n --- a/kernel/sched/ext.c\n +++ b/kernel/sched/ext.c\n @@ -1,3 +1,3 @@\n-old\n+new\n diff --git a/kernel');
    expect(m.text).toContain('\n>From a mailbox point of view');
    const r = am(writeMbox([m]));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(patchId(r.dir, r.commits[0] as string)).toBe(patchId(w.repo.dir, w.fix));
    const files = runGitSync(r.dir, ['show', '--format=', '--name-only', r.commits[0] as string]).trim();
    expect(files).toBe('kernel/sched/ext.c');
  });

  it('the unescaped analysis would have broken git am (the escape is what makes it work)', () => {
    const m = mailFor(w.fix, 1, { analysis: 'quoted:\n--- a/kernel/sched/ext.c\n+++ b/kernel/sched/ext.c\n@@ -1,3 +1,3 @@\n-x\n+y' });
    const broken = m.text.replace(/^ (---|\+\+\+|@@) /gm, '$1 ');
    expect(broken).not.toBe(m.text);
    expect(am(writeMbox([{ text: broken }])).status).not.toBe(0);
  });

  it('an upstream message with a line git would cut at still keeps its sign-offs', () => {
    const message = 'x: quoted diff in the message\n\nThe report said:\ndiff -u was used\n--- v2 changes\n\nSigned-off-by: A U Thor <a@example.org>\n';
    const m = mailFor(w.fix, 1, { message });
    const r = am(writeMbox([m]));
    expect(r.status).toBe(0);
    const msg = runGitSync(r.dir, ['log', '-1', '--format=%B', r.commits[0] as string]);
    expect(msg).toContain(' diff -u was used\n --- v2 changes');
    expect(msg).toContain(`Signed-off-by: A U Thor <a@example.org>\nSigned-off-by: ${SENDER.name}`);
  });

  it('the sender who already signed off last is not added twice; the sender as author gets no in-body From', () => {
    const message = `y: fix\n\nBody.\n\nSigned-off-by: ${SENDER.name} <${SENDER.email}>\n`;
    const m = mailFor(w.fix, 1, { message, author: SENDER, authorTime: Math.floor(DATE.getTime() / 1000) });
    const body = m.text.slice(m.text.indexOf('\n\n') + 2);
    expect(body.startsWith(`[ Upstream commit ${w.fix} ]\n\nBody.\n\nSigned-off-by: ${SENDER.name} <${SENDER.email}>\n---\n`)).toBe(true);
  });

  it('a message without trailers gets the sign-off as its own paragraph', () => {
    const m = mailFor(w.fix, 1, { message: 'z: fix\n\nJust prose.\n' });
    expect(m.text).toContain(`Just prose.\n\nSigned-off-by: ${SENDER.name} <${SENDER.email}>\n---\n`);
  });

  it('one tree gives [PATCH AUTOSEL 6.12]', () => {
    expect(mailFor(w.fix, 1, { trees: ['6.12'] }).subject).toBe('[PATCH AUTOSEL 6.12] sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()');
  });

  it('a non-ASCII subject, author and Cc are RFC 2047 encoded, folded, and round-trip through postal-mime and git am', async () => {
    const subject = 'README: grüße an Ørsted — «süß» und 日本語 in a subject that is long enough to fold';
    const m = mailFor(w.other, 1, {
      subject,
      author: { name: 'Jörg Müller', email: 'joerg@example.org' },
      cc: ['Jörg Müller <joerg@example.org>', '"Righi, Andrea" <arighi@nvidia.example.com>'],
    });
    const head = m.text.slice(0, m.text.indexOf('\n\n'));
    expect(head).toMatch(/^Subject: =\?UTF-8\?q\?/m);
    for (const l of head.split('\n')) {
      expect(l.length).toBeLessThanOrEqual(78);
      expect(/^[\x20-\x7e\t]*$/.test(l)).toBe(true);
    }
    const parsed = await PostalMime.parse(mboxEntryToMessage(m.text));
    expect(parsed.subject).toBe(`[PATCH AUTOSEL 6.17-6.12] ${subject}`);
    expect(parsed.cc?.map((a) => ('address' in a ? `${a.name} <${a.address}>` : ''))).toEqual([
      'Jörg Müller <joerg@example.org>',
      'Righi, Andrea <arighi@nvidia.example.com>',
    ]);
    expect(parsed.from?.address).toBe(SENDER.email);
    expect(parsed.messageId).toBe(m.messageId);
    const r = am(writeMbox([m]));
    expect(r.status).toBe(0);
    expect(runGitSync(r.dir, ['log', '-1', '--format=%an <%ae>%n%s', r.commits[0] as string]).trim()).toBe(`Jörg Müller <joerg@example.org>\n${subject}`);
  });

  it('a line too long for SMTP switches the body to quoted-printable, and git am still recreates the pick', () => {
    const long = `Long line: ${'x'.repeat(1200)}`;
    const m = mailFor(w.fix, 1, { analysis: `${long}\nshort line` });
    expect(m.text).toContain('Content-Transfer-Encoding: quoted-printable');
    for (const l of m.text.split('\n')) expect(l.length).toBeLessThanOrEqual(998);
    const r = am(writeMbox([m]));
    expect(r.status).toBe(0);
    expect(patchId(r.dir, r.commits[0] as string)).toBe(patchId(w.repo.dir, w.fix));
    const msg = runGitSync(r.dir, ['log', '-1', '--format=%B', r.commits[0] as string]);
    expect(msg).toContain('From the allocator point of view');
    expect(msg).not.toContain('Long line');
  });

  it('refuses bad input with one-line errors', () => {
    expect(() => mailFor(w.fix, 1, { sha: 'abc' })).toThrow(/not a full commit id/);
    expect(() => mailFor(w.fix, 1, { messageId: 'no-brackets' })).toThrow(/not a message id/);
    expect(() => mailFor(w.fix, 1, { to: [] })).toThrow(/no To address/);
    expect(() => mailFor(w.fix, 1, { trees: [] })).toThrow(/at least one tree/);
    expect(() => mailFor(w.fix, 1, { stableBase: 'Linux 6.12.7\nBcc: x@y.org' })).toThrow(/line break/);
    expect(() => mailFor(w.fix, 1, { to: ['not an address'] })).toThrow(/bad mail address/);
    expect(() => mailFor(w.fix, 1, { patch: 'From x\n\nno diff here\n' })).toThrow(/holds no diff/);
  });
});

describe('a thread of three mails', () => {
  it('is threaded, and git mailsplit + git mailinfo read every mail of the mbox', () => {
    const shas = [w.fix, w.followUp, w.other];
    const mails = thread(shas);
    expect(assertMailable({ verdict: 'YES', already: null })).toBeUndefined();
    const mbox = writeMbox(mails);
    expect(splitMbox(mbox)).toHaveLength(3);
    const r = am(mbox, ['--patch-format=mboxrd']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.commits).toHaveLength(3);
    r.commits.forEach((c, i) => expect(patchId(r.dir, c)).toBe(patchId(w.repo.dir, shas[i] as string)));
    // mailsplit + mailinfo in the clone's scratch space (the clone is a throwaway).
    mkdirSync(path.join(r.dir, '.git/split'));
    const split = tryGitSync(r.dir, ['mailsplit', '--mboxrd', '-o.git/split'], { input: mbox });
    expect(split.status).toBe(0);
    expect(split.stdout.trim()).toBe('3');
    const ids = mails.map((m) => m.messageId);
    for (const [i, sha] of shas.entries()) {
      const file = `.git/split/${String(i + 1).padStart(4, '0')}`;
      const raw = readFileSync(path.join(r.dir, file), 'utf8');
      const mi = tryGitSync(r.dir, ['mailinfo', '.git/msg', '.git/patch'], { input: raw });
      expect(mi.status).toBe(0);
      const fields = Object.fromEntries(
        mi.stdout
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
      const inf = info(sha);
      expect(fields.Subject).toBe(inf.subject);
      expect(fields.Author).toBe(inf.author.name);
      expect(fields.Email).toBe(inf.author.email);
      expect(raw).toContain(`Message-ID: ${ids[i]}`);
      if (i === 0) expect(raw).not.toMatch(/^In-Reply-To:/m);
      else {
        expect(raw).toContain(`In-Reply-To: ${ids[0]}\nReferences: ${ids[0]}`);
      }
    }
  });

  it('never mails a NO, a NEEDS-REVIEW or a commit the branch already holds', () => {
    expect(() => assertMailable({ verdict: 'NO' })).toThrow(/verdict is NO/);
    expect(() => assertMailable({ verdict: 'NEEDS-REVIEW', sha: w.fix, branch: 'linux-6.12.y' })).toThrow(
      new RegExp(`${w.fix.slice(0, 12)} for linux-6.12.y: its verdict is NEEDS-REVIEW`),
    );
    expect(() => assertMailable({ verdict: 'YES', already: 'ancestor' })).toThrow(/already holds it \(it predates the fork\)/);
    expect(() => assertMailable({ verdict: 'YES', already: w.fix })).toThrow(/already holds it/);
  });
});
