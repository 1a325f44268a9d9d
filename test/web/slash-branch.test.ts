/**
 * Branch names with a slash (`release/2.6`) in addresses typed by hand: the matrix narrowed to that
 * branch, its audit and export pages. Served from generated rows (the benchmark's source) in real Chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticSource } from '../../bench/web/synthetic.js';
import { startDashboard, type RunningDashboard } from '../../src/server/server.js';
import { parseHash } from '../../web/src/route.js';
import { launchChromium, type Browser } from './browser.js';
import { ensureWebBuilt, WEB_DIR } from './build-web.js';

let dash: RunningDashboard;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  await ensureWebBuilt();
  dash = await startDashboard({ source: new SyntheticSource(40, ['release/2.5', 'release/2.6']), port: 0, webDir: WEB_DIR });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
});

describe('branch names with a slash', () => {
  it('parses typed and encoded addresses alike', () => {
    for (const h of ['#/list/release/2.6', '#/list/release%2F2.6']) expect(parseHash(h)).toMatchObject({ page: 'list', branch: 'release/2.6' });
    expect(parseHash('#/list/release/2.6?verdict=YES')).toMatchObject({ page: 'list', branch: 'release/2.6' });
    expect(parseHash('#/audit/release/2.6')).toMatchObject({ page: 'audit', branch: 'release/2.6' });
    expect(parseHash('#/export/release/2.6')).toMatchObject({ page: 'export', branch: 'release/2.6' });
  });

  it('opens the matrix of release/2.6 from an address typed by hand', async () => {
    await page.goto(`${dash.url}#/list/release/2.6`);
    await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length > 0);
    expect(await page.locator('.grid-head .head-cell a').allTextContents()).toEqual(['release/2.6']);
    expect(await page.locator('#f-branch').inputValue()).toBe('release/2.6');
    expect(await page.locator('#list-scroller .grid-row').first().locator('.c-cell[data-branch]').getAttribute('data-branch')).toBe('release/2.6');
    await expect(page.locator('nav a.on').textContent()).resolves.toBe('release/2.6');
    // A decision goes to release/2.6.
    const sha = await page.locator('#list-scroller .grid-row.selected').getAttribute('data-sha');
    await page.keyboard.press('a');
    await page.waitForFunction(
      (s) => document.querySelector(`#list-scroller .grid-row[data-sha="${s}"] .c-cell[data-branch="release/2.6"]`)?.getAttribute('data-status') === 'accepted',
      sha,
    );
  }, 60_000);

  it('opens the audit and export pages of release/2.6', async () => {
    await page.goto(`${dash.url}#/audit/release/2.6`);
    await page.locator('#audit-table').waitFor();
    expect(await page.locator('#audit-page select').inputValue()).toBe('release/2.6');
    await page.goto(`${dash.url}#/export/release/2.6`);
    await page.locator('#export-page').waitFor();
    expect(await page.locator('#export-page h1 select').inputValue()).toBe('release/2.6');
    expect(errors).toEqual([]);
  }, 60_000);
});
