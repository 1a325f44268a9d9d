/** The pure parts of the dashboard: the side-by-side diff, the query parser and filters, safe Markdown, subsystems. */
import { describe, expect, it } from 'vitest';
import { parseSideBySide, languageOf } from '../../web/src/diff.js';
import { parseCandidateQuery, queryCandidates, branchOverview } from '../../src/server/candidates.js';
import { parseReview } from '../../src/server/app.js';
import { diffOfPatch } from '../../src/server/repo-source.js';
import { subsystemOf } from '../../src/server/subsystem.js';
import type { CandidateRow } from '../../src/server/api-types.js';

const DIFF = `diff --git a/kernel/x.c b/kernel/x.c
index 1111111..2222222 100644
--- a/kernel/x.c
+++ b/kernel/x.c
@@ -10,6 +10,7 @@ static int f(void)
 int a;
-int b;
-int c;
+int b2;
 int d;
+int e;
+int f;
 int g;
diff --git a/old.h b/new.h
similarity index 90%
rename from old.h
rename to new.h
--- a/old.h
+++ b/new.h
@@ -1 +1 @@
-#define X 1
\\ No newline at end of file
+#define X 2
`;

describe('side-by-side diff', () => {
  it('pairs removed with added lines and keeps line numbers on both sides', () => {
    const [f, g] = parseSideBySide(DIFF);
    expect(f!.path).toBe('kernel/x.c');
    expect([f!.added, f!.removed]).toEqual([3, 2]);
    const rows = f!.hunks[0]!.rows.map((r) => [r.left ? `${r.left.n}${r.left.kind[0]}` : '', r.right ? `${r.right.n}${r.right.kind[0]}` : '']);
    expect(rows).toEqual([
      ['10c', '10c'],
      ['11d', '11a'],
      ['12d', ''],
      ['13c', '12c'],
      ['', '13a'],
      ['', '14a'],
      ['14c', '15c'],
    ]);
    expect(g).toMatchObject({ oldPath: 'old.h', newPath: 'new.h', path: 'new.h', added: 1, removed: 1 });
    expect(g!.hunks[0]!.rows).toHaveLength(1);
    expect(languageOf('a/b.c')).toBe('c');
    expect(languageOf('Makefile')).toBe('plaintext');
  });

  it('cuts the diff out of a format-patch mail', () => {
    const mail = `From abc Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\nbody\n---\n x.c | 1 +\n\n${DIFF}-- \n2.47.0\n\n`;
    expect(diffOfPatch(mail)).toBe(DIFF);
    expect(diffOfPatch('no diff')).toBe('');
  });
});

function row(i: number, over: Partial<CandidateRow> = {}): CandidateRow {
  return {
    sha: `${String(i).padStart(2, '0')}${'a'.repeat(38)}`,
    branch: 'b',
    subject: `subject ${String.fromCharCode(122 - i)}`,
    order: i,
    time: i,
    author: 'A',
    verdict: 'NO',
    modelVerdict: 'NO',
    confidence: i / 10,
    probability: 0,
    reason: '',
    reasons: [],
    status: 'unreviewed',
    who: null,
    why: null,
    at: null,
    subsystem: i % 2 ? 'net/core' : 'mm',
    paths: [i % 2 ? 'net/core/dev.c' : 'mm/slab.c'],
    files: 1,
    already: null,
    ...over,
  };
}

describe('candidate queries', () => {
  const rows = [row(0, { verdict: 'YES' }), row(1), row(2, { verdict: 'NEEDS-REVIEW', status: 'rejected' }), row(3, { verdict: 'YES' }), row(4)];

  it('parses the query string and refuses what it does not know', () => {
    expect(parseCandidateQuery({ verdict: 'YES,NO', minConf: '0.5', sort: 'confidence', dir: 'desc', limit: '10' }, ['b'])).toEqual({
      branch: 'b',
      verdict: ['YES', 'NO'],
      minConf: 0.5,
      sort: 'confidence',
      dir: 'desc',
      limit: 10,
    });
    expect(() => parseCandidateQuery({ status: 'happy' }, ['b'])).toThrow(/unknown review status 'happy'/);
    expect(() => parseCandidateQuery({ dir: 'up' }, ['b'])).toThrow(/dir=up/);
    expect(() => parseCandidateQuery({ limit: '0' }, ['b'])).toThrow(/limit=0/);
    expect(() => parseCandidateQuery({ branch: 'c' }, ['b'])).toThrow(/not judged/);
  });

  it('filters, sorts stably and pages', () => {
    const q = (p: Record<string, string>) => queryCandidates(rows, parseCandidateQuery(p, ['b']));
    expect(q({ verdict: 'YES' }).rows.map((r) => r.order)).toEqual([0, 3]);
    expect(q({ status: 'rejected' }).rows.map((r) => r.order)).toEqual([2]);
    expect(q({ subsystem: 'net/core' }).rows.map((r) => r.order)).toEqual([1, 3]);
    expect(q({ path: 'SLAB' }).rows.map((r) => r.order)).toEqual([0, 2, 4]);
    expect(q({ minConf: '0.3' }).rows.map((r) => r.order)).toEqual([3, 4]);
    expect(q({ q: 'subject x' }).rows.map((r) => r.order)).toEqual([2]);
    expect(q({ q: '03' }).rows.map((r) => r.order)).toEqual([3]);
    expect(q({ sort: 'verdict' }).rows.map((r) => r.order)).toEqual([0, 3, 2, 1, 4]);
    expect(q({ sort: 'verdict', dir: 'desc' }).rows.map((r) => r.order)).toEqual([1, 4, 2, 0, 3]);
    expect(q({ sort: 'subject' }).rows.map((r) => r.order)).toEqual([4, 3, 2, 1, 0]);
    const page = q({ sort: 'confidence', dir: 'desc', offset: '1', limit: '2' });
    expect([page.total, page.matched, page.offset, page.rows.map((r) => r.order)]).toEqual([5, 5, 1, [3, 2]]);
  });

  it('counts per verdict and review state, and bins confidence', () => {
    const o = branchOverview('b', rows);
    expect(o.counts.YES.unreviewed).toBe(2);
    expect(o.counts['NEEDS-REVIEW'].rejected).toBe(1);
    expect(o.histogram).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(o.subsystems).toEqual([
      { name: 'mm', count: 3 },
      { name: 'net/core', count: 2 },
    ]);
  });
});

describe('review request bodies', () => {
  const sha = 'a'.repeat(40);
  it('accepts a decision and trims the reason', () => {
    expect(parseReview({ sha: sha.toUpperCase(), branch: 'b', status: 'deferred', why: ' later ' })).toEqual({
      sha,
      branch: 'b',
      status: 'deferred',
      why: 'later',
    });
  });
  it('refuses bad ones with the reason', () => {
    expect(() => parseReview([])).toThrow(/JSON object/);
    expect(() => parseReview({ sha, branch: 'b', status: 'rejected' })).toThrow(/needs a reason/);
    expect(() => parseReview({ sha, branch: 'b', status: 'unknown' })).toThrow(/unknown review status/);
    // 'unreviewed' takes a decision back (the page's undo).
    expect(parseReview({ sha, branch: 'b', status: 'unreviewed' }).status).toBe('unreviewed');
    expect(() => parseReview({ sha, branch: 'b', status: 'accepted', why: 3 })).toThrow(/"why" must be a string/);
    expect(() => parseReview({ sha: 'abc', branch: 'b', status: 'accepted' })).toThrow(/not a full commit id/);
  });
});

describe('subsystems', () => {
  it('takes the two-component folder most files share', () => {
    expect(subsystemOf(['drivers/net/ethernet/intel/e1000.c', 'drivers/net/phy/phy.c', 'include/linux/phy.h'])).toBe('drivers/net');
    expect(subsystemOf(['kernel/fork.c'])).toBe('kernel');
    expect(subsystemOf(['Makefile'])).toBe('Makefile');
    expect(subsystemOf([])).toBe('');
  });
});

describe('the written case as HTML', () => {
  it('shows raw HTML from commit messages as text and keeps only safe links', async () => {
    const { renderMarkdown } = await import('../../web/src/markdown.js');
    const html = renderMarkdown(
      'Fix <script>alert(1)</script> and <img src=x onerror=alert(2)>\n\n[ok](https://lore.kernel.org/r/1) [bad](javascript:alert(3)) [page](#/commit/abc) ![i](https://x.example/i.png)\n\n| a | b |\n|--|--|\n| `x<y` | **z** |\n',
    );
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://lore.kernel.org/r/1" rel="noopener noreferrer nofollow" target="_blank">ok</a>');
    expect(html).toContain('<a href="#/commit/abc">page</a>');
    expect(html).toContain('bad');
    expect(html).toContain('<table>');
    expect(html).toContain('<code>x&lt;y</code>');
  });
});

describe('matrix parts', () => {
  it('marks Fixes:, stable tags, CVE ids, security words and Reported-by from the message and trailers', async () => {
    const { marksOf } = await import('../../src/server/matrix.js');
    const t = (kind: string, key: string) => ({ kind, key, value: '', refSha: null, refStatus: null, noautosel: false });
    expect(
      marksOf('net: fix use-after-free in foo', {
        message: 'x\n\nCVE-2024-12345\n',
        trailers: [t('fixes', 'Fixes'), t('stable', 'Cc'), t('other', 'Reported-by')],
      }),
    ).toEqual(['fixes', 'stable', 'cve', 'security', 'reported']);
    expect(marksOf('doc: typo', { message: 'doc: typo\n', trailers: [] })).toEqual([]);
  });

  it('joins commits of the range by their Fixes: edges into queues, in range order', async () => {
    const { rangeQueues } = await import('../../src/server/matrix.js');
    const edge = (from: string, to: string) => ({
      kind: 'fixes' as const,
      from,
      to,
      evidence: { line: `Fixes: ${to}`, lineNo: null, prefix: to, subject: null, resolution: 'index' as const },
    });
    const names = new Map([
      ['c', [edge('c', 'a')]],
      ['d', [edge('d', 'zz')]],
    ]);
    const fg = { names: (s: string) => names.get(s) ?? [], namedBy: () => [], edges: [], unresolved: 0 };
    const q = rangeQueues(['a', 'b', 'c', 'd'], fg);
    expect(q.get('a')?.members).toEqual(['a', 'c']);
    expect(q.get('c')?.edges).toEqual([{ from: 'c', to: 'a', line: 'Fixes: a' }]);
    expect(q.has('b')).toBe(false);
    expect(q.has('d')).toBe(false);
  });
});
