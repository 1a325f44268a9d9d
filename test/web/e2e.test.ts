/**
 * The dashboard in a real browser (Debian Chromium through playwright-core) on the demo repository, two
 * branches: the commit × branch matrix and its filters, accept moving to the next undecided row, undo,
 * a bulk accept, the queue guard, the commit page in reading order (message first, diff one key away),
 * the conflict view, decisions taken by the CLI while the page is open, export and mails from the page,
 * and the audit page acting. Screenshots go to test-output/screenshots/ (and to docs/img/ with
 * STABLEPICK_DOC_SHOTS=1).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoResult } from '../../src/demo/run-demo.js';
import { openDb } from '../../src/history/db.js';
import { ReviewStore } from '../../src/review/store.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { launchChromium, type Browser } from './browser.js';
import { ROOT } from './build-web.js';
import { prepareDemo, REVIEWER, startDemoDashboard, type DemoDashboard } from './demo-dashboard.js';

const SHOTS = path.join(ROOT, 'test-output', 'screenshots');
const DOC_SHOTS = process.env.STABLEPICK_DOC_SHOTS === '1' ? path.join(ROOT, 'docs', 'img') : null;
/** The ones docs/dashboard.md shows. */
const DOC_NAMES = new Set(['matrix', 'commit', 'conflict', 'audit']);

let demo: DemoResult;
let d: DemoDashboard;
let browser: Browser;
let page: Page;
let before: RepoStateSnapshot;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await prepareDemo();
  before = snapshotRepoState(demo.repoDir);
  d = await startDemoDashboard(demo);
  await d.source.applyDone;
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

async function shot(name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
  if (DOC_SHOTS && DOC_NAMES.has(name)) await page.screenshot({ path: path.join(DOC_SHOTS, `${name}.png`) });
}

const rowsShown = (): Promise<string[]> => page.locator('#list-scroller .grid-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sha ?? ''));
const selected = (): Promise<string | null> => page.locator('#list-scroller .grid-row.selected').getAttribute('data-sha');
const cellStatus = (sha: string, branch: string): Promise<string | null> =>
  page.locator(`#list-scroller .grid-row[data-sha="${sha}"] .c-cell[data-branch="${branch}"]`).getAttribute('data-status');
const waitCell = (sha: string, branch: string, status: string, timeout = 10_000): Promise<unknown> =>
  page.waitForFunction(
    ([s, b, st]) => document.querySelector(`#list-scroller .grid-row[data-sha="${s}"] .c-cell[data-branch="${b}"]`)?.getAttribute('data-status') === st,
    [sha, branch, status] as const,
    { timeout },
  );
const waitRows = (n: number): Promise<unknown> => page.waitForFunction((k) => document.querySelectorAll('#list-scroller .grid-row').length === k, n);

function stored(sha: string, branch: string): string | null {
  const db = openDb(demo.dbPath, { mustExist: true });
  try {
    return new ReviewStore(db).get(sha, branch)?.status ?? null;
  } finally {
    db.close();
  }
}

describe('dashboard in Chromium', () => {
  it('shows the overview with counts and the confidence histogram', async () => {
    await page.goto(d.dash.url);
    await page.locator('#overview-page').waitFor();
    await expect(page.locator('h1').first().textContent()).resolves.toContain('v6.17..master');
    expect(await page.locator('.card').count()).toBe(2);
    expect(await page.locator('svg.histogram').count()).toBe(2);
    await expect(page.locator('header').textContent()).resolves.toContain(REVIEWER);
    await shot('overview', true);
  }, 60_000);

  it('shows the commit × branch matrix with two branches: verdict, P, applies, marks, filters in the address', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/list`);
    await waitRows(demo.window.length);
    expect((await rowsShown()).sort()).toEqual(demo.window.map((c) => c.sha).sort());
    const heads = await page.locator('.grid-head .head-cell a').allTextContents();
    expect(heads).toEqual(['linux-6.12.y', 'linux-6.17.y']);
    // One cell per branch: the Tx counter fix conflicts on 6.12 (its statistics never reached it) and applies to 6.17.
    const row = page.locator(`#list-scroller .grid-row[data-sha="${s.statsOverflow}"]`);
    expect(await row.locator('.c-cell[data-branch]').count()).toBe(2);
    expect(await row.locator('.c-cell[data-branch="linux-6.12.y"]').getAttribute('data-apply')).toBe('conflict');
    expect(await row.locator('.c-cell[data-branch="linux-6.17.y"]').getAttribute('data-apply')).toBe('offset');
    expect(await row.locator('.c-cell[data-branch="linux-6.17.y"] .vb').textContent()).toBe('YES');
    expect(await row.locator('.mark').allTextContents()).toEqual(['Fx', 'Sec']);
    // Sorted by the highest P(pick) first.
    const ps = await page
      .locator('#list-scroller .grid-row')
      .evaluateAll((els) => els.map((e) => Math.max(...[...e.querySelectorAll('.c-cell .p')].map((p) => Number(p.textContent)))));
    expect(ps).toEqual([...ps].sort((a, b) => b - a));
    // The follow-up and the commit it fixes are marked as one queue.
    await expect(page.locator(`#list-scroller .grid-row[data-sha="${s.lazyFollowUp}"] .queue-mark`).textContent()).resolves.toContain('Q2/2');
    await shot('matrix');
    await page.selectOption('#f-subsystem', 'drivers/net');
    await waitRows(4);
    expect(page.url()).toContain('subsystem=drivers%2Fnet');
    await page.selectOption('#f-subsystem', '');
    await page.selectOption('#f-mark', 'security');
    await waitRows(1);
    expect(await rowsShown()).toEqual([s.statsOverflow]);
    await page.selectOption('#f-mark', '');
    await page.selectOption('#f-apply', 'conflict');
    await page.waitForFunction(() => location.hash.includes('apply=conflict'));
    for (const sha of await rowsShown())
      expect(await page.locator(`#list-scroller .grid-row[data-sha="${sha}"] .c-cell[data-apply="conflict"]`).count()).toBeGreaterThan(0);
    // A reload keeps the filter.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length > 0);
    expect(await page.locator('#f-apply').inputValue()).toBe('conflict');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-q');
    await page.keyboard.press('Escape');
  }, 90_000);

  it('accept moves the cursor to the next undecided row; u takes it back', async () => {
    await page.goto(`${d.dash.url}#/list/linux-6.12.y?sort=order&verdict=NO`);
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length >= 3);
    const shas = await rowsShown();
    expect(await selected()).toBe(shas[0]);
    await page.keyboard.press('a');
    await waitCell(shas[0]!, 'linux-6.12.y', 'accepted');
    await page.waitForFunction((s) => document.querySelector('#list-scroller .grid-row.selected')?.getAttribute('data-sha') === s, shas[1]!);
    await page.keyboard.press('a');
    await waitCell(shas[1]!, 'linux-6.12.y', 'accepted');
    expect(await selected()).toBe(shas[2]);
    expect(stored(shas[0]!, 'linux-6.12.y')).toBe('accepted');
    expect(stored(shas[1]!, 'linux-6.12.y')).toBe('accepted');
    // Undo, twice: both are undecided again.
    await page.keyboard.press('u');
    await waitCell(shas[1]!, 'linux-6.12.y', 'unreviewed');
    await page.keyboard.press('u');
    await waitCell(shas[0]!, 'linux-6.12.y', 'unreviewed');
    expect(stored(shas[0]!, 'linux-6.12.y')).toBeNull();
    expect(stored(shas[1]!, 'linux-6.12.y')).toBeNull();
  }, 60_000);

  it('accepts a selection in bulk (click, shift-click, x)', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/list/linux-6.17.y?sort=order`);
    await waitRows(demo.window.length);
    const shas = await rowsShown();
    const from = shas.indexOf(s.seriesHelper);
    expect(shas.slice(from, from + 3)).toEqual([s.seriesHelper, s.seriesUse, s.seriesFix]);
    await page.locator(`#list-scroller .grid-row[data-sha="${s.seriesHelper}"] .c-subject`).click();
    await page.locator(`#list-scroller .grid-row[data-sha="${s.seriesUse}"] .c-subject`).click({ modifiers: ['Shift'] });
    // x adds the row under the cursor: move to the third and press it.
    await page.locator(`#list-scroller .grid-row[data-sha="${s.seriesFix}"] .c-date`).click();
    await page.keyboard.press('x');
    await expect(page.locator('#list-count').textContent()).resolves.toContain('3 selected');
    await page.keyboard.press('a');
    for (const sha of [s.seriesHelper, s.seriesUse, s.seriesFix]) await waitCell(sha, 'linux-6.17.y', 'accepted');
    for (const sha of [s.seriesHelper, s.seriesUse, s.seriesFix]) expect(stored(sha, 'linux-6.17.y')).toBe('accepted');
    await expect(page.locator('#list-count').textContent()).resolves.not.toContain('selected');
    // Nothing else was decided.
    expect(stored(s.docTypo, 'linux-6.17.y')).toBeNull();
  }, 60_000);

  it('guards a queue: accepting the follow-up asks once and accepts the queue in order', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/list/linux-6.17.y?sort=order&dir=asc`);
    await waitRows(demo.window.length);
    const shas = await rowsShown();
    // The page puts its cursor on a row once it has loaded: move from there, then wait for the page to follow.
    await page.waitForFunction(() => document.querySelector('#list-scroller .grid-row.selected') !== null);
    const start = shas.indexOf((await selected()) ?? '');
    for (let i = start; i < shas.indexOf(s.lazyFollowUp); i++) await page.keyboard.press('j');
    await page.waitForFunction((sha) => document.querySelector('#list-scroller .grid-row.selected')?.getAttribute('data-sha') === sha, s.lazyFollowUp, {
      timeout: 10_000,
    });
    expect(await selected()).toBe(s.lazyFollowUp);
    await page.keyboard.press('a');
    await page.locator('#queue-guard').waitFor();
    expect(await page.locator('#queue-guard li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sha))).toEqual([s.lazyAlloc]);
    await expect(page.locator('#queue-guard').textContent()).resolves.toContain('undecided');
    expect(stored(s.lazyFollowUp, 'linux-6.17.y')).toBeNull();
    await page.click('#guard-all');
    await waitCell(s.lazyAlloc, 'linux-6.17.y', 'accepted');
    await waitCell(s.lazyFollowUp, 'linux-6.17.y', 'accepted');
    const db = openDb(demo.dbPath, { mustExist: true });
    try {
      const order = db
        .prepare("SELECT sha FROM review_log WHERE branch = 'linux-6.17.y' AND sha IN (?, ?) ORDER BY id")
        .pluck()
        .all(s.lazyAlloc, s.lazyFollowUp);
      expect(order).toEqual([s.lazyAlloc, s.lazyFollowUp]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('puts the message at the top, the diff one key away at full width, and the conflict view on 5', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/commit/${s.lazyFollowUp}?branch=linux-6.12.y`);
    await page.locator('#message').waitFor();
    const y = async (sel: string): Promise<number> => (await page.locator(sel).boundingBox())!.y;
    expect(await y('#commit-subject')).toBeLessThan(await y('#message'));
    expect(await y('#message')).toBeLessThan(await y('#decision-strip'));
    expect(await y('#decision-strip')).toBeLessThan(await y('#tabs'));
    expect(await y('#message')).toBeLessThan(200);
    await expect(page.locator('#message .trailer').first().textContent()).resolves.toMatch(/^Fixes: [0-9a-f]{12} \(/);
    await expect(page.locator('#decision-strip [data-branch="linux-6.12.y"]').textContent()).resolves.toContain('conflict');
    expect(await page.locator('#diff').count()).toBe(0);
    await shot('commit');
    await page.keyboard.press('2');
    await page.locator('#diff .d-file').waitFor();
    const box = (await page.locator('#diff').boundingBox())!;
    expect(box.width).toBeGreaterThan(1400 * 0.95);
    expect(await page.locator('#diff td.d-t.add').count()).toBeGreaterThan(0);
    expect(await page.locator('#diff .hljs-keyword').count()).toBeGreaterThan(0);
    expect((await page.locator('#diff .d-file').first().boundingBox())!.y).toBeLessThan(900);
    await shot('diff');
    // 5: for each branch that conflicts, the branch's text beside the patch's.
    await page.keyboard.press('5');
    const c612 = page.locator('.conflict-branch[data-branch="linux-6.12.y"]');
    await c612.waitFor();
    await expect(c612.locator('.cf-branch').first().textContent()).resolves.toContain('SCX_DISABLED');
    await expect(c612.locator('.cf-patch').first().textContent()).resolves.toContain('alloc_kick_pseqs');
    await expect(c612.locator('.d-file-head').first().textContent()).resolves.toContain('kernel/sched/ext.c');
    await shot('conflict');
    // 1 goes back to the top.
    await page.keyboard.press('1');
    await page.waitForFunction(() => window.scrollY === 0);
  }, 90_000);

  it('shows a decision taken by the CLI while the page is open, without a reload', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/list/linux-6.12.y?sort=order`);
    await waitRows(demo.window.length);
    expect(await cellStatus(s.docTypo, 'linux-6.12.y')).toBe('unreviewed');
    const cli = runCli([
      'review',
      'reject',
      s.docTypo,
      '--branch',
      'linux-6.12.y',
      '--why',
      'NAKed on the list: documentation only',
      '--who',
      'Greg Demo <greg@example.org>',
      '--repo',
      demo.repoDir,
      '--db',
      demo.dbPath,
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    await waitCell(s.docTypo, 'linux-6.12.y', 'rejected', 15_000);
    // The overview and the commit page read it too.
    await page.goto(`${d.dash.url}#/commit/${s.docTypo}?branch=linux-6.12.y`);
    await expect(page.locator('#decision-strip [data-branch="linux-6.12.y"]').textContent()).resolves.toContain('NAKed on the list');
    await expect(page.locator('#decision-strip [data-branch="linux-6.12.y"] .badge.s-rejected').count()).resolves.toBe(1);
  }, 60_000);

  it('exports the accepted queue and previews the AUTOSEL mails from the page', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/export/linux-6.17.y`);
    await page.locator('#export-page').waitFor();
    await page.selectOption('#export-format', 'cherry-pick');
    await page.click('#export-run');
    await page.locator('#export-preview').waitFor({ timeout: 30_000 });
    const script = (await page.locator('#export-preview').textContent())!;
    expect(script).toContain(`git cherry-pick -x ${s.lazyAlloc}`);
    expect(script.indexOf(s.lazyAlloc)).toBeLessThan(script.indexOf(s.lazyFollowUp));
    expect(script).toContain(`git cherry-pick -x ${s.seriesFix}`);
    // The CLI writes the same queue.
    const cli = runCli([
      'review',
      'export',
      '--branch',
      'linux-6.17.y',
      '--format',
      'cherry-pick',
      '--out',
      path.join(path.dirname(demo.dbPath), 'q.sh'),
      '--json',
      '--repo',
      demo.repoDir,
      '--db',
      demo.dbPath,
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const pageShas = await page.locator('#export-members tr td.mono').allTextContents();
    expect(parseJson<{ members: { sha: string }[] }>(cli).members.map((m) => m.sha.slice(0, 12))).toEqual(pageShas);
    await page.selectOption('#export-format', 'mbox');
    await page.click('#export-run');
    await page.waitForFunction(() => (document.querySelector('#export-preview')?.textContent ?? '').startsWith('From '));
    await expect(page.locator('#export-preview').textContent()).resolves.toContain(`(cherry picked from commit ${s.lazyAlloc})`);
    await shot('export');
    await page.fill('#mail-to', 'stable@example.org');
    await page.click('#mail-preview');
    await page.locator('#mail-text').waitFor({ timeout: 60_000 });
    await expect(page.locator('#mail-text').textContent()).resolves.toContain('To: stable@example.org');
  }, 120_000);

  it('acts on the audit page: applies status, release column, accept', async () => {
    const s = demo.demo.shas;
    await page.goto(`${d.dash.url}#/audit/linux-6.12.y`);
    const row = page.locator(`#audit-table tr[data-sha="${s.seriesFix}"]`);
    await row.waitFor({ timeout: 30_000 });
    await page.waitForFunction((sha) => !document.querySelector(`#audit-table tr[data-sha="${sha}"] .c-apply`)?.textContent?.includes('…'), s.seriesFix, {
      timeout: 30_000,
    });
    await expect(row.locator('.c-apply').textContent()).resolves.toBe('conflict');
    await expect(row.locator('.c-release').textContent()).resolves.not.toBe('');
    await row.locator('button[data-act="accept"]').click();
    await row.locator('.c-decision .s-accepted').waitFor();
    expect(stored(s.seriesFix, 'linux-6.12.y')).toBe('accepted');
    await shot('audit');
  }, 60_000);

  it('had no errors in the page and left the repository alone', () => {
    expect(pageErrors).toEqual([]);
    expectRepoUnchanged(demo.repoDir, before);
  });
});
