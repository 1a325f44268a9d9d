/**
 * What must never be mailed: verdicts other than YES, commits already on the branch, and analyses that
 * carry working notes, error text or program values. Plus the small pieces of header text.
 */
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { StablepickError } from '../../src/errors.js';
import { autoselPrefix, encodeQuotedPrintable, formatAutoselMail, makeMessageId, type AutoselMailInput } from '../../src/report/mail/autosel-mail.js';
import { analysisOfMail, assertMailable, checkAnalysisText, checkMailText, escapePatchLines } from '../../src/report/mail/check.js';
import { addressHeader, encodeWords, parseMailbox, rfc2822Date, unstructuredHeader } from '../../src/report/mail/headers.js';
import { mboxEntryToMessage, quoteFromLines, splitMbox, unquoteFromLines, writeMbox } from '../../src/report/mail/mbox.js';

const SHA = '14c1da3895a116f4e32c20487046655f26d3999b';
const PATCH = [
  `From ${SHA} Mon Sep 17 00:00:00 2001`,
  'From: A <a@example.org>',
  'Subject: [PATCH] x: fix',
  '',
  'Body.',
  '---',
  ' x.c | 2 +-',
  ' 1 file changed, 1 insertion(+), 1 deletion(-)',
  '',
  'diff --git a/x.c b/x.c',
  'index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644',
  '--- a/x.c',
  '+++ b/x.c',
  '@@ -1 +1 @@',
  '-int x;',
  '+int x = 1;',
  '-- ',
  '2.39.5',
  '',
].join('\n');

function input(analysis: string, extra: Partial<AutoselMailInput> = {}): AutoselMailInput {
  return {
    sha: SHA,
    author: { name: 'A', email: 'a@example.org' },
    authorTime: 1_700_000_000,
    subject: 'x: fix',
    message: 'x: fix\n\nBody.\n\nSigned-off-by: A <a@example.org>\n',
    trees: ['6.17'],
    stableBase: 'Linux 6.17.7',
    from: { name: 'S', email: 's@example.org' },
    to: ['stable@vger.kernel.org'],
    cc: [],
    analysis,
    patch: PATCH,
    messageId: makeMessageId({ sha: SHA, n: 1, time: 1, host: 'example.org' }),
    date: new Date(1_700_000_000_000),
    ...extra,
  };
}

describe('assertMailable', () => {
  it('lets a YES through and refuses NO, NEEDS-REVIEW, an empty verdict and a commit already on the branch', () => {
    expect(() => assertMailable({ verdict: 'YES' })).not.toThrow();
    expect(() => assertMailable({ verdict: 'YES', already: null })).not.toThrow();
    for (const v of ['NO', 'NEEDS-REVIEW', '', 'yes']) {
      const e = (() => {
        try {
          assertMailable({ verdict: v });
        } catch (err) {
          return err;
        }
        return null;
      })();
      expect(e).toBeInstanceOf(StablepickError);
      expect((e as StablepickError).message).toMatch(/^refusing to mail this commit: its verdict is /);
    }
    expect(() => assertMailable({ verdict: 'YES', already: 'deadbeefcafe0123', branch: 'linux-6.12.y', sha: SHA })).toThrow(
      `refusing to mail 14c1da3895a1 for linux-6.12.y: the branch already holds it (as deadbeefcafe)`,
    );
  });
});

describe('checkMailText / checkAnalysisText', () => {
  const leaks: [string, RegExp][] = [
    ['TODO: check the 6.1 backport', /working note \(TODO\/FIXME\/XXX\)/],
    ['FIXME this is wrong', /TODO\/FIXME\/XXX/],
    ['XXX unsure', /TODO\/FIXME\/XXX/],
    ['- TODO verify', /TODO\/FIXME\/XXX/],
    ['Traceback (most recent call last):', /Python traceback/],
    ['TypeError: Cannot read properties of undefined', /error text/],
    ['Error: git exited with code 128', /error text/],
    ['fatal: bad object deadbeef', /error text/],
    ['    at buildCase (file:///work/src/report/case/build.ts:12:5)', /stack trace/],
    ['The function returns undefined here', /'undefined'/],
    ['Confidence: NaN', /'NaN'/],
    ['Follow-ups: [object Object]', /\[object Object\]/],
    ['I think this is safe', /'I think'/],
    ['Now let me create a comprehensive analysis document:', /'Let me'/],
    ["I'll check the callers next", /first person/],
  ];
  for (const [line, re] of leaks) {
    it(`catches ${JSON.stringify(line)}`, () => {
      const analysis = `Verdict: YES.\n\n${line}\n\nMore facts.`;
      expect(() => checkAnalysisText(analysis)).toThrow(re);
      expect(() => formatAutoselMail(input(analysis))).toThrow(re);
      // In a built mail (bypassing the builder's own check) it is found too, with its line number.
      const good = formatAutoselMail(input('Verdict: YES.\n\nPLACEHOLDER\n\nMore facts.')).text;
      const bad = good.replace('PLACEHOLDER', line);
      const lineNo = bad.split('\n').indexOf(line) + 1;
      let err: unknown = null;
      try {
        checkMailText(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StablepickError);
      expect((err as StablepickError).message).toContain(`at line ${lineNo}:`);
      expect((err as StablepickError).oneLine()).not.toContain('\n');
    });
  }

  it('lets real analysis text through: C "undefined behaviour", "errors", NULL, the upstream message outside the analysis', () => {
    const fine = 'Fixes undefined behavior in the shift and an undefined reference at link time.\nThe driver logs errors; a NULL check is added.\nRisk: low.';
    expect(() => checkAnalysisText(fine)).not.toThrow();
    // Leaks outside the analysis (the upstream message, the diff) are not the analysis' business.
    const t = formatAutoselMail(input(fine, { message: 'x: fix\n\nTODO: upstream wrote this. I think it is fine.\n' })).text;
    expect(() => checkMailText(t)).not.toThrow();
    expect(analysisOfMail(t).analysis.trim()).toBe(fine);
  });

  it('finds the analysis between --- and the diffstat', () => {
    const t = formatAutoselMail(input('Line one.\n\nLine two.')).text;
    const a = analysisOfMail(t);
    expect(a.analysis).toBe('\nLine one.\n\nLine two.\n');
    expect(t.split('\n')[a.firstLine]).toBe('Line one.');
  });
});

describe('pieces', () => {
  it('makeMessageId is deterministic and checks its parts', () => {
    expect(makeMessageId({ sha: SHA, n: 3, time: 1762192935, host: 'kernel.org' })).toBe('<stablepick.1762192935.3.14c1da3895a1@kernel.org>');
    expect(() => makeMessageId({ sha: 'xyz', n: 1, time: 1, host: 'kernel.org' })).toThrow(/not a commit id/);
    expect(() => makeMessageId({ sha: SHA, n: 1, time: 1, host: 'bad host' })).toThrow(/not a host name/);
  });

  it('autoselPrefix names one tree or the range newest-oldest', () => {
    expect(autoselPrefix(['6.17'])).toBe('[PATCH AUTOSEL 6.17]');
    expect(autoselPrefix(['6.17', '6.12', '6.6'])).toBe('[PATCH AUTOSEL 6.17-6.6]');
    expect(() => autoselPrefix(['6.17 x'])).toThrow(/not a tree version/);
  });

  it('headers: encoded words stay within 75 characters, never split a character, and decode back', async () => {
    const s = 'ü'.repeat(50) + ' 日本語テキスト '.repeat(5);
    const h = unstructuredHeader('Subject', s);
    for (const l of h.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
    for (const word of h.match(/=\?[^?]+\?q\?[^?]*\?=/g) ?? []) expect(word.length).toBeLessThanOrEqual(75);
    const parsed = await PostalMime.parse(`${h}\nFrom: a@example.org\n\nx\n`);
    expect(parsed.subject).toBe(s);
    expect(encodeWords('a b')).toBe('=?UTF-8?q?a_b?=');
    expect(unstructuredHeader('Subject', 'fake =?UTF-8?q?x?= word')).toMatch(/^Subject: =\?UTF-8\?q\?/);
  });

  it('address headers fold before an address, quote specials and parse back', async () => {
    const many = Array.from({ length: 6 }, (_, i) => `Person Number${i} <person.number${i}@example.org>`);
    const h = addressHeader('Cc', [...many, 'Andrew M. Morton <akpm@example.org>']);
    expect(h.split('\n').length).toBeGreaterThan(1);
    for (const l of h.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
    expect(h).toContain('"Andrew M. Morton" <akpm@example.org>');
    const parsed = await PostalMime.parse(`From: a@example.org\n${h}\n\nx\n`);
    expect(parsed.cc?.length).toBe(7);
    expect(parseMailbox('"Last, First" <lf@example.org>')).toEqual({ name: 'Last, First', email: 'lf@example.org' });
    expect(() => parseMailbox('Name <a@b>')).toThrow(/bad mail address/);
  });

  it('rfc2822Date writes UTC without a leading zero on the day', () => {
    expect(rfc2822Date(new Date(Date.UTC(2025, 10, 3, 13, 2, 15)))).toBe('Mon, 3 Nov 2025 13:02:15 +0000');
  });

  it('mbox: mboxrd quoting round-trips, writeMbox/splitMbox agree, the SMTP message drops the separator', () => {
    const text = 'From here\n>From there\n>>From far\nFromage\n';
    expect(quoteFromLines(text)).toBe('>From here\n>>From there\n>>>From far\nFromage\n');
    expect(unquoteFromLines(quoteFromLines(text))).toBe(text);
    const a = formatAutoselMail(input('Case A.')).text;
    const b = formatAutoselMail(input('From B.', { messageId: '<b@example.org>' })).text;
    const mbox = writeMbox([{ text: a }, { text: b }]);
    expect(splitMbox(mbox)).toEqual([`${a}\n`, `${b}\n`]);
    expect(mboxEntryToMessage(b)).toContain('\nFrom B.\n');
    expect(mboxEntryToMessage(b).startsWith('From: S <s@example.org>\n')).toBe(true);
    expect(() => writeMbox([{ text: 'From: x\n' }])).toThrow(/does not start with an mbox/);
  });

  it('escapePatchLines indents only what git would read as a patch', () => {
    expect(escapePatchLines('--- a/x\n+++ b/x\n@@ -1 +1 @@\n- item\n+ item\ndiff --git a/x b/x\nIndex: x\n---\nplain')).toBe(
      ' --- a/x\n +++ b/x\n @@ -1 +1 @@\n- item\n+ item\n diff --git a/x b/x\n Index: x\n ---\nplain',
    );
  });

  it('quoted-printable: soft breaks at 76, = and trailing blanks encoded, From at line start encoded', () => {
    const q = encodeQuotedPrintable(`${'a='.repeat(60)}\nFrom x \ntab\t`);
    for (const l of q.split('\n')) expect(l.length).toBeLessThanOrEqual(76);
    expect(q).toContain('a=3D');
    expect(q).toContain('\n=46rom x=20\ntab=09');
  });
});

describe('checkMailText on a quoted-printable mail', () => {
  it('reads the decoded analysis', async () => {
    const { decodeQuotedPrintable } = await import('../../src/report/mail/check.js');
    const long = `Facts ${'ü'.repeat(600)}`;
    const t = formatAutoselMail(input(`${long}\nPLACEHOLDER`)).text;
    expect(t).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(decodeQuotedPrintable(encodeQuotedPrintable(`${long}\nx = 1 \n`))).toBe(`${long}\nx = 1 \n`);
    expect(() => checkMailText(t)).not.toThrow();
    expect(analysisOfMail(t).analysis).toContain(long);
    const bad = t.replace('PLACEHOLDER', 'I think so');
    expect(() => checkMailText(bad)).toThrow(/'I think'/);
  });
});
