/**
 * The dashboard in a real browser (Debian Chromium through playwright-core) on the demo repository:
 * open it, filter the list, open a commit, reject it with a reason, reload and see the decision kept,
 * and the CLI's view of the index sees it too. Screenshots of the main pages go to
 * test-output/screenshots/.
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
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await d?.close();
});

const rowsShown = (): Promise<string[]> => page.locator('#list-scroller .grid-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.sha ?? ''));

describe('dashboard in Chromium', () => {
  it('shows the overview with counts and the confidence histogram', async () => {
    await page.goto(d.dash.url);
    await page.locator('#overview-page').waitFor();
    await expect(page.locator('h1').first().textContent()).resolves.toContain('v6.17..master');
    expect(await page.locator('.card').count()).toBe(2);
    expect(await page.locator('svg.histogram').count()).toBe(2);
    await expect(page.locator('header').textContent()).resolves.toContain(REVIEWER);
    await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
  }, 60_000);

  it('lists the candidates of a branch and filters them', async () => {
    await page.click('nav >> text=linux-6.12.y');
    await page.locator('#list-page').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('#list-scroller .grid-row').length === n, demo.window.length);
    expect(await rowsShown()).toEqual(demo.window.map((c) => c.sha));
    await page.selectOption('#f-subsystem', 'drivers/net');
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length === 4);
    expect(page.url()).toContain('subsystem=drivers%2Fnet');
    await page.selectOption('#f-subsystem', '');
    await page.fill('#f-q', 'overflow');
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length === 1);
    expect(await rowsShown()).toEqual([demo.demo.shas.statsOverflow]);
    await page.fill('#f-q', '');
    await page.waitForFunction((n) => document.querySelectorAll('#list-scroller .grid-row').length === n, demo.window.length);
    // Sorting by a column header, twice for descending.
    await page.click('button[data-sort="confidence"]');
    await page.click('button[data-sort="confidence"]');
    await page.waitForFunction(() => location.hash.includes('dir=desc'));
    await page.waitForTimeout(100);
    const confs = await page.locator('#list-scroller .grid-row .c-conf').allTextContents();
    expect(confs.map(Number)).toEqual([...confs.map(Number)].sort((a, b) => b - a));
    // The keyboard: / focuses the search.
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-q');
    await page.keyboard.press('Escape');
    await page.screenshot({ path: path.join(SHOTS, 'list.png') });
  }, 60_000);

  it('opens a commit from the list with j/k and Enter, and shows the case, the queue and the diff', async () => {
    await page.goto(`${d.dash.url}#/list/linux-6.12.y?verdict=YES`);
    await page.waitForFunction(() => {
      const v = [...document.querySelectorAll('#list-scroller .grid-row .c-verdict')].map((e) => e.textContent);
      return v.length > 0 && v.every((x) => x === 'YES') && !location.hash.includes('sort');
    });
    await page.waitForFunction(() => document.querySelector('#list-scroller .grid-row.selected') !== null);
    const shas = await rowsShown();
    expect(shas[0]).toBe(demo.demo.shas.lazyAlloc);
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.locator('#list-scroller .grid-row.selected').getAttribute('data-sha')).toBe(shas[0]);
    await page.keyboard.press('Enter');
    await page.locator('#commit-page').waitFor();
    expect(page.url()).toContain(`#/commit/${demo.demo.shas.lazyAlloc}`);
    await page.locator('#case-text').waitFor({ timeout: 30_000 });
    await expect(page.locator('#case-text').textContent()).resolves.toContain('kvzalloc');
    // The follow-up is a link to its own commit page.
    const follow = page.locator(`#queue a[href^="#/commit/${demo.demo.shas.lazyFollowUp}"]`);
    expect(await follow.count()).toBe(1);
    // Side by side, highlighted C.
    expect(await page.locator('#diff .d-file').count()).toBe(1);
    expect(await page.locator('#diff td.d-t.add').count()).toBeGreaterThan(0);
    expect(await page.locator('#diff td.d-t.del').count()).toBeGreaterThan(0);
    expect(await page.locator('#diff .hljs-keyword').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'commit.png'), fullPage: true });
    // j goes to the next candidate of the list.
    await page.keyboard.press('j');
    await page.waitForFunction((s) => location.hash.includes(s), shas[1]!);
    await page.keyboard.press('k');
    await page.waitForFunction((s) => location.hash.includes(s), shas[0]!);
    // Two presses in a row move two rows, even when the second comes before the page re-renders
    // (both keydowns are sent in one task here, as a fast typist or a loaded machine does).
    expect(shas.length).toBeGreaterThanOrEqual(3);
    const twice = (key: string): Promise<void> =>
      page.evaluate((k) => {
        for (let i = 0; i < 2; i++) document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
      }, key);
    await twice('j');
    await page.waitForFunction((s) => location.hash.includes(s), shas[2]!);
    await twice('k');
    await page.waitForFunction((s) => location.hash.includes(s), shas[0]!);
  }, 90_000);

  it('rejects a commit with a reason; a reload shows it kept, and the CLI sees it', async () => {
    const sha = demo.demo.shas.statsOverflow;
    await page.goto(`${d.dash.url}#/commit/${sha}?branch=linux-6.12.y`);
    await page.locator('#commit-page').waitFor();
    await page.locator('#btn-reject').waitFor();
    await page.keyboard.press('r');
    await page.locator('#reason-input').waitFor();
    await page.fill('#reason-input', 'the Tx statistics never reached 6.12');
    await page.keyboard.press('Enter');
    await page.locator('#saved').waitFor();
    const row = page.locator('table.rows tr[data-branch="linux-6.12.y"]');
    await expect(row.textContent()).resolves.toContain('rejected');
    await page.reload();
    await page.locator('#review-history').waitFor();
    await expect(page.locator('#review-history').textContent()).resolves.toContain('the Tx statistics never reached 6.12');
    await expect(page.locator('table.rows tr[data-branch="linux-6.12.y"]').textContent()).resolves.toMatch(/NO.*rejected/);
    // The list shows it too.
    await page.goto(`${d.dash.url}#/list/linux-6.12.y?status=rejected`);
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length === 1);
    expect(await rowsShown()).toEqual([sha]);
    // The CLI sees it: `stablepick review list --json` on the same index.
    const cli = runCli(['review', 'list', '--json', '--repo', demo.repoDir, '--db', demo.dbPath, '--branch', 'linux-6.12.y', '--status', 'rejected']);
    expect(cli.stderr).toBe('');
    expect(parseJson<{ sha: string; why: string; source: string }[]>(cli).map((x) => [x.sha, x.why, x.source])).toEqual([[sha, 'the Tx statistics never reached 6.12', 'web']]);
    // And the review store on the same index file.
    const db = openDb(demo.dbPath, { mustExist: true });
    try {
      expect(new ReviewStore(db).get(sha, 'linux-6.12.y')).toMatchObject({ status: 'rejected', why: 'the Tx statistics never reached 6.12', source: 'web', who: REVIEWER });
    } finally {
      db.close();
    }
  }, 90_000);

  it('accepts and defers from the list with a and d', async () => {
    await page.goto(`${d.dash.url}#/list/linux-6.17.y`);
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length > 1);
    const shas = await rowsShown();
    await page.keyboard.press('a');
    await page.waitForFunction(() => document.querySelector('#list-scroller .grid-row.selected .badge.s-accepted') !== null);
    await page.keyboard.press('j');
    await page.keyboard.press('d');
    await page.locator('#reason-input').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'reason-input');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#list-scroller .grid-row.selected .badge.s-deferred') !== null);
    const db = openDb(demo.dbPath, { mustExist: true });
    try {
      const store = new ReviewStore(db);
      expect(store.get(shas[0]!, 'linux-6.17.y')?.status).toBe('accepted');
      expect(store.get(shas[1]!, 'linux-6.17.y')?.status).toBe('deferred');
    } finally {
      db.close();
    }
  }, 60_000);

  it('shows the audit of a branch', async () => {
    await page.goto(`${d.dash.url}#/audit/linux-6.12.y`);
    await page.locator('#audit-table').waitFor({ timeout: 30_000 });
    await expect(page.locator('#audit-table').textContent()).resolves.toContain(demo.demo.shas.seriesFix.slice(0, 12));
    await page.screenshot({ path: path.join(SHOTS, 'audit.png'), fullPage: true });
  }, 60_000);

  it('had no errors in the page and left the repository alone', () => {
    expect(pageErrors).toEqual([]);
    expectRepoUnchanged(demo.repoDir, before);
  });
});
