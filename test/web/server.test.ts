/**
 * The dashboard's server on the demo repository: the token on every request, the Host and Origin
 * checks, the JSON API (overview, filtered and sorted candidates, commit, case, audit) and review
 * writes that land in the index and survive a restart. The repository is never written to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandidatePage, CaseView, CommitDetail, ConflictView, MatrixView, Overview, AuditView } from '../../src/server/api-types.js';
import { openDb } from '../../src/history/db.js';
import { ReviewStore } from '../../src/review/store.js';
import type { DemoResult } from '../../src/demo/run-demo.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { prepareDemo, REVIEWER, startDemoDashboard, type DemoDashboard } from './demo-dashboard.js';

let demo: DemoResult;
let d: DemoDashboard;
let before: RepoStateSnapshot;

beforeAll(async () => {
  demo = await prepareDemo();
  before = snapshotRepoState(demo.repoDir);
  d = await startDemoDashboard(demo);
}, 120_000);

afterAll(async () => {
  await d?.close();
});

const url = (p: string): string => `${d.dash.origin}${p}`;
const auth = (): Record<string, string> => ({ 'X-Stablepick-Token': d.dash.token });

async function getJson<T>(p: string): Promise<T> {
  const r = await fetch(url(p), { headers: auth() });
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as T;
}

function post(body: unknown, headers: Record<string, string> = { ...auth(), 'Content-Type': 'application/json' }): Promise<Response> {
  return fetch(url('/api/review'), { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('dashboard server: access', () => {
  it('serves the page only with the session token, and puts the token in a meta tag', async () => {
    expect(d.dash.host).toBe('127.0.0.1');
    expect(d.dash.url).toBe(`${d.dash.origin}/?token=${d.dash.token}`);
    expect(d.dash.token).toMatch(/^[0-9a-f]{64}$/);
    const page = await fetch(d.dash.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<meta name="stablepick-token" content="${d.dash.token}">`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(url('/'))).status).toBe(403);
    expect((await fetch(url('/?token=nope'))).status).toBe(403);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(url(asset));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(url('/assets/..%2f..%2fpackage.json'))).status).toBe(404);
  });

  it('refuses API reads without the token or with a wrong one', async () => {
    for (const h of [{}, { 'X-Stablepick-Token': 'x'.repeat(64) }] as Record<string, string>[]) {
      const r = await fetch(url('/api/overview'), { headers: h });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
  });

  it('refuses another Host (DNS rebinding) and cross-site requests', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: d.dash.port, path: '/api/overview', headers: { ...auth(), Host: `evil.example:${d.dash.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await fetch(url('/api/overview'), { headers: { ...auth(), 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
  });
});

describe('dashboard server: reading', () => {
  it('counts verdicts and review states per branch, with a 10-bin confidence histogram', async () => {
    const o = await getJson<Overview>('/api/overview');
    expect(o.range).toBe('v6.17..master');
    expect(o.reviewer).toBe(REVIEWER);
    expect(o.branches.map((b) => b.branch)).toEqual(['linux-6.12.y', 'linux-6.17.y']);
    for (const b of o.branches) {
      expect(b.total).toBe(demo.window.length);
      expect(b.histogram).toHaveLength(10);
      expect(b.histogram.reduce((a, x) => a + x, 0)).toBe(b.total);
      const n = Object.values(b.counts).reduce((a, byStatus) => a + Object.values(byStatus).reduce((x, y) => x + y, 0), 0);
      expect(n).toBe(b.total);
      expect(b.subsystems.map((s) => s.name)).toEqual(expect.arrayContaining(['kernel/sched', 'drivers/net']));
    }
  });

  it('lists candidates in range order by default, one row per commit', async () => {
    const p = await getJson<CandidatePage>('/api/candidates?branch=linux-6.12.y');
    expect(p.total).toBe(demo.window.length);
    expect(p.matched).toBe(p.total);
    expect(p.rows.map((r) => r.sha)).toEqual(demo.window.map((c) => c.sha));
    const lazy = p.rows.find((r) => r.sha === demo.demo.shas.lazyAlloc)!;
    expect(lazy).toMatchObject({ verdict: 'YES', status: 'unreviewed', subsystem: 'kernel/sched', paths: ['kernel/sched/ext.c'], branch: 'linux-6.12.y' });
    expect(lazy.reason).toContain('Reported-by');
  });

  it('filters by verdict, confidence, subsystem, path, text and review state', async () => {
    const all = (await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y')).rows;
    const yes = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&verdict=YES');
    expect(yes.rows.length).toBeGreaterThan(0);
    expect(yes.rows.every((r) => r.verdict === 'YES')).toBe(true);
    expect(yes.matched).toBe(all.filter((r) => r.verdict === 'YES').length);
    const two = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&verdict=YES,NO');
    expect(two.matched).toBe(all.filter((r) => r.verdict === 'YES' || r.verdict === 'NO').length);
    const conf = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&minConf=0.9');
    expect(conf.rows.every((r) => r.confidence >= 0.9)).toBe(true);
    expect(conf.matched).toBe(all.filter((r) => r.confidence >= 0.9).length);
    const net = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&subsystem=drivers%2Fnet');
    expect(net.matched).toBe(4);
    expect(net.rows.every((r) => r.subsystem === 'drivers/net')).toBe(true);
    const path = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&path=sched%2Fext');
    expect(path.rows.length).toBeGreaterThan(0);
    expect(path.rows.every((r) => r.paths.some((p) => p.includes('sched/ext')))).toBe(true);
    const text = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&q=KVZALLOC');
    expect(text.rows.map((r) => r.sha)).toEqual([demo.demo.shas.lazyAlloc]);
    const bySha = await getJson<CandidatePage>(`/api/candidates?branch=linux-6.17.y&q=${demo.demo.shas.docTypo.slice(0, 10)}`);
    expect(bySha.rows.map((r) => r.sha)).toEqual([demo.demo.shas.docTypo]);
    const unreviewed = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&status=unreviewed');
    expect(unreviewed.matched).toBe(all.filter((r) => r.status === 'unreviewed').length);
  });

  it('sorts on the server (stable, range order breaks ties) and pages', async () => {
    const desc = (await getJson<CandidatePage>('/api/candidates?branch=linux-6.12.y&sort=confidence&dir=desc')).rows;
    for (let i = 1; i < desc.length; i++) expect(desc[i - 1]!.confidence).toBeGreaterThanOrEqual(desc[i]!.confidence);
    const subj = (await getJson<CandidatePage>('/api/candidates?branch=linux-6.12.y&sort=subject')).rows.map((r) => r.subject);
    expect(subj).toEqual([...subj].sort((a, b) => a.localeCompare(b)));
    const page = await getJson<CandidatePage>('/api/candidates?branch=linux-6.12.y&sort=subject&offset=2&limit=3');
    expect(page.offset).toBe(2);
    expect(page.rows.map((r) => r.subject)).toEqual(subj.slice(2, 5));
  });

  it('answers a bad query with 400 or 404 and the reason', async () => {
    for (const [q, status, text] of [
      ['branch=nope', 404, "branch 'nope' is not judged"],
      ['verdict=MAYBE', 400, "unknown verdict 'MAYBE'"],
      ['sort=colour', 400, "unknown sort key 'colour'"],
      ['minConf=2', 400, 'minConf=2 is out of range'],
    ] as const) {
      const r = await fetch(url(`/api/candidates?${q}`), { headers: auth() });
      expect(r.status).toBe(status);
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain(text);
    }
    const r = await fetch(url('/api/commit/0123456789abcdef'), { headers: auth() });
    expect(r.status).toBe(404);
  });

  it('gives a commit with its message, files, the upstream diff and one row per branch', async () => {
    const c = await getJson<CommitDetail>(`/api/commit/${demo.demo.shas.lazyAlloc.slice(0, 12)}`);
    expect(c.sha).toBe(demo.demo.shas.lazyAlloc);
    expect(c.message).toContain('kvzalloc');
    expect(c.files).toEqual([{ path: 'kernel/sched/ext.c', status: 'M' }]);
    expect(c.diff).toMatch(/^diff --git a\/kernel\/sched\/ext\.c b\/kernel\/sched\/ext\.c\n/);
    expect(c.diff).toContain('kvzalloc');
    expect(c.diff).not.toContain('Signed-off-by');
    expect(c.rows.map((r) => r.branch)).toEqual(['linux-6.12.y', 'linux-6.17.y']);
  });

  it('gives the written case with the follow-up in each branch queue', async () => {
    const c = await getJson<CaseView>(`/api/commit/${demo.demo.shas.lazyAlloc}/case`);
    expect(c.markdown).toContain('sched_ext: Allocate scx_kick_pseqs lazily');
    for (const b of c.branches) {
      expect(b.queue.map((q) => [q.sha, q.role])).toEqual(
        expect.arrayContaining([
          [demo.demo.shas.lazyAlloc, 'candidate'],
          [demo.demo.shas.lazyFollowUp, 'follow-up'],
        ]),
      );
      expect(b.apply.length).toBeGreaterThan(0);
    }
    expect(c.followUps.map((f) => f.sha)).toContain(demo.demo.shas.lazyFollowUp);
  });

  it('gives the audit of a branch', async () => {
    const a = await getJson<AuditView>('/api/audit?branch=linux-6.12.y');
    expect(a.branch).toBe('linux-6.12.y');
    expect(a.missing.map((m) => m.sha)).toContain(demo.demo.shas.seriesFix);
    expect((await fetch(url('/api/audit?branch=nope'), { headers: auth() })).status).toBe(404);
  });
});

describe('dashboard server: review writes', () => {
  const body = (): { sha: string; branch: string; status: string; why: string } => ({
    sha: demo.demo.shas.statsOverflow,
    branch: 'linux-6.12.y',
    status: 'rejected',
    why: 'linux-6.12.y never had the Tx statistics',
  });

  it('refuses writes without the token, from another origin, or without a JSON body', async () => {
    expect((await post(body(), { 'Content-Type': 'application/json' })).status).toBe(403);
    expect((await post(body(), { 'X-Stablepick-Token': 'wrong', 'Content-Type': 'application/json' })).status).toBe(403);
    expect((await post(body(), { ...auth(), 'Content-Type': 'application/json', Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(body(), { ...auth(), 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post('{not json', { ...auth(), 'Content-Type': 'application/json' })).status).toBe(400);
    expect((await post({ ...body(), status: 'maybe' })).status).toBe(400);
    expect((await post({ ...body(), why: '  ' })).status).toBe(400);
    expect((await post({ ...body(), sha: 'abc' })).status).toBe(400);
    expect((await post({ ...body(), branch: 'nope' })).status).toBe(404);
    expect(new ReviewStore(d.ctx.db).get(body().sha, 'linux-6.12.y')).toBeNull();
  });

  it('records a rejection from the page: the row turns NO with the reason, the index keeps it', async () => {
    const r = await post(body(), { ...auth(), 'Content-Type': 'application/json', Origin: d.dash.origin });
    expect(r.status).toBe(200);
    const { row } = (await r.json()) as { row: { verdict: string; status: string; why: string; who: string; reason: string; modelVerdict: string } };
    expect(row).toMatchObject({ verdict: 'NO', status: 'rejected', who: REVIEWER, why: 'linux-6.12.y never had the Tx statistics' });
    expect(row.reason).toContain('rejected by Web Tester');
    const listed = await getJson<CandidatePage>('/api/candidates?branch=linux-6.12.y&status=rejected');
    expect(listed.rows.map((x) => x.sha)).toEqual([body().sha]);
    // The other branch is not touched.
    const other = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&status=rejected');
    expect(other.matched).toBe(0);
    // What the CLI reads: the same index, opened anew.
    const db = openDb(demo.dbPath, { mustExist: true });
    try {
      const rec = new ReviewStore(db).get(body().sha, 'linux-6.12.y');
      expect(rec).toMatchObject({ status: 'rejected', who: REVIEWER, source: 'web', why: 'linux-6.12.y never had the Tx statistics' });
    } finally {
      db.close();
    }
    const c = await getJson<CommitDetail>(`/api/commit/${body().sha}`);
    expect(c.history['linux-6.12.y']!.map((h) => h.status)).toEqual(['rejected']);
  });

  it('keeps decisions across a restart of the server', async () => {
    await post({ sha: demo.demo.shas.lazyAlloc, branch: 'linux-6.17.y', status: 'accepted', why: '' });
    await d.close();
    d = await startDemoDashboard(demo);
    const o = await getJson<Overview>('/api/overview');
    const b12 = o.branches.find((b) => b.branch === 'linux-6.12.y')!;
    const b17 = o.branches.find((b) => b.branch === 'linux-6.17.y')!;
    expect(b12.counts.NO.rejected).toBe(1);
    expect(b17.counts.YES.accepted).toBe(1);
  });

  it('reads decisions taken by another process (the CLI, review import) at the next request', async () => {
    const sha = demo.demo.shas.docTypo;
    const v0 = (await getJson<{ version: number }>('/api/version')).version;
    expect((await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&status=rejected')).rows.map((x) => x.sha)).not.toContain(sha);
    // Another connection to the index, as `stablepick review reject` or a mail NAK imported by `review import` opens it.
    const db = openDb(demo.dbPath, { mustExist: true });
    try {
      new ReviewStore(db).set({
        sha,
        branch: 'linux-6.17.y',
        status: 'rejected',
        who: 'Greg <greg@example.org>',
        why: 'NAK: documentation only',
        source: 'mail',
        messageId: '<nak@example.org>',
      });
    } finally {
      db.close();
    }
    expect((await getJson<{ version: number }>('/api/version')).version).not.toBe(v0);
    const listed = await getJson<CandidatePage>('/api/candidates?branch=linux-6.17.y&status=rejected');
    expect(listed.rows.find((x) => x.sha === sha)).toMatchObject({ status: 'rejected', verdict: 'NO', why: 'NAK: documentation only' });
    const m = await getJson<MatrixView>('/api/matrix');
    const bi = m.branches.indexOf('linux-6.17.y');
    expect(m.rows.find((r) => r.sha === sha)!.cells[bi]).toMatchObject({ status: 'rejected', verdict: 'NO' });
    const o = await getJson<Overview>('/api/overview');
    expect(o.branches.find((b) => b.branch === 'linux-6.17.y')!.counts.NO.rejected).toBeGreaterThanOrEqual(1);
    const c = await getJson<CommitDetail>(`/api/commit/${sha}`);
    expect(c.rows.find((r) => r.branch === 'linux-6.17.y')!.status).toBe('rejected');
  });

  it('records decisions in bulk, in order, and takes a first decision back with status unreviewed', async () => {
    const { seriesHelper, seriesUse } = demo.demo.shas;
    const r = await fetch(url('/api/review/bulk'), {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ decisions: [seriesHelper, seriesUse].map((sha) => ({ sha, branch: 'linux-6.12.y', status: 'accepted' })) }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(((await r.json()) as { rows: { status: string }[] }).rows.map((x) => x.status)).toEqual(['accepted', 'accepted']);
    // One bad decision refuses the whole request before anything is recorded.
    const bad = await fetch(url('/api/review/bulk'), {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        decisions: [
          { sha: seriesHelper, branch: 'linux-6.17.y', status: 'accepted' },
          { sha: seriesUse, branch: 'linux-6.17.y', status: 'rejected' },
        ],
      }),
    });
    expect(bad.status).toBe(400);
    expect(new ReviewStore(d.ctx.db).get(seriesHelper, 'linux-6.17.y')).toBeNull();
    const undo = await post({ sha: seriesUse, branch: 'linux-6.12.y', status: 'unreviewed' });
    expect(undo.status).toBe(200);
    expect(new ReviewStore(d.ctx.db).get(seriesUse, 'linux-6.12.y')).toBeNull();
    expect(new ReviewStore(d.ctx.db).get(seriesHelper, 'linux-6.12.y')?.status).toBe('accepted');
  });

  it('gives the matrix with apply states and queues, and the conflicting hunks of a commit', async () => {
    await d.source.applyDone;
    const m = await getJson<MatrixView>('/api/matrix');
    expect(m.branches).toEqual(['linux-6.12.y', 'linux-6.17.y']);
    expect(m.applyPending).toBe(0);
    const follow = m.rows.find((r) => r.sha === demo.demo.shas.lazyFollowUp)!;
    expect(follow.queue?.members).toEqual([demo.demo.shas.lazyAlloc, demo.demo.shas.lazyFollowUp]);
    expect(follow.queue?.edges[0]?.line).toMatch(/^Fixes: /);
    expect(follow.marks).toContain('fixes');
    expect(follow.cells.map((c) => c?.apply)).toEqual(['conflict', 'conflict']);
    const cv = await getJson<ConflictView>(`/api/commit/${demo.demo.shas.lazyFollowUp}/conflicts`);
    const b = cv.branches.find((x) => x.branch === 'linux-6.12.y')!;
    expect(b.apply).toBe('conflict');
    expect(b.files[0]!.path).toBe('kernel/sched/ext.c');
    expect(b.files[0]!.hunks[0]!.patchText).toContain('alloc_kick_pseqs');
  });

  it('never writes to the repository', () => {
    expectRepoUnchanged(demo.repoDir, before);
  });
});
