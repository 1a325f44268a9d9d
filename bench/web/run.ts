/**
 * The dashboard with a synthetic list of N candidates (default 5,000), the real server and Debian's
 * Chromium: how long the list takes to appear, to filter, to sort, to scroll and to move the selection.
 * Times are taken in the page with performance.now() from the action to the frame after the DOM update
 * (fetch + JSON + render); each is the median of several runs (min and max beside it).
 *
 *   npx tsx bench/web/run.ts [--rows 5000] [--runs 7]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startDashboard } from '../../src/server/server.js';
import { launchChromium } from '../../test/web/browser.js';
import { SyntheticSource } from './synthetic.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const N = arg('rows', 5000);
const RUNS = arg('runs', 7);

interface Stat {
  what: string;
  median: number;
  min: number;
  max: number;
  note: string;
}

function stat(what: string, xs: number[], note = ''): Stat {
  const s = [...xs].sort((a, b) => a - b);
  return { what, median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]!, note };
}

type Action = { kind: 'select' | 'input'; id: string; value: string } | { kind: 'click'; selector: string } | { kind: 'hash'; hash: string };

/** In the page: do `action`, then wait until the list rendered new rows and the next frame. */
async function timed(page: Page, action: Action): Promise<number> {
  return page.evaluate(async (a) => {
    const w = window as unknown as { __stablepickList?: { version: number } };
    const v0 = w.__stablepickList?.version ?? 0;
    const t0 = performance.now();
    if (a.kind === 'hash') location.hash = a.hash;
    else if (a.kind === 'click') (document.querySelector(a.selector) as HTMLElement).click();
    else {
      const el = document.getElementById(a.id) as HTMLInputElement | HTMLSelectElement;
      el.value = a.value;
      el.dispatchEvent(new Event(a.kind === 'select' ? 'change' : 'input', { bubbles: true }));
    }
    while ((w.__stablepickList?.version ?? 0) === v0) {
      if (performance.now() - t0 > 20_000) throw new Error(`the list did not render after ${JSON.stringify(a)}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    return performance.now() - t0;
  }, action);
}

const select = (id: string, value: string): Action => ({ kind: 'select', id, value });
const input = (id: string, value: string): Action => ({ kind: 'input', id, value });

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'web', 'vite.config.ts')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
  const source = new SyntheticSource(N);
  const dash = await startDashboard({ source, port: 0 });
  const browser = await launchChromium({ width: 1400, height: 900 });
  const page = await browser.context.newPage();
  // tsx (esbuild, keepNames) wraps named functions in __name(); functions sent to the page need it too.
  await page.addInitScript('window.__name = (f) => f;');
  page.on('crash', () => process.stderr.write('page crashed\n'));
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  page.on('console', (m) => process.stderr.write(`console: ${m.text()}\n`));
  const stats: Stat[] = [];
  try {
    const branch = source.branches[0]!;
    const listUrl = `${dash.url}#/list/${branch}`;

    // 1. Open the list's address in a fresh page: navigation to rows on screen.
    const opens: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('about:blank');
      const t0 = Date.now();
      await page.goto(listUrl);
      await page.waitForFunction((n) => (window as unknown as { __stablepickList?: { matched: number } }).__stablepickList?.matched === n, N);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      opens.push(Date.now() - t0);
    }
    stats.push(stat(`open the list page (load, JS, /api/overview, /api/candidates of ${N}, first render)`, opens, 'playwright, wall clock'));

    // 2. From the overview to the list inside the running page.
    const firsts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.evaluate(() => (location.hash = '#/'));
      await page.locator('#overview-page').waitFor();
      firsts.push(await timed(page, { kind: 'hash', hash: `#/list/${branch}` }));
    }
    stats.push(stat(`first render of the list (${N} rows: fetch, parse, render)`, firsts));
    const domRows = await page.locator('#list-scroller .grid-row').count();
    const bytes = await page.evaluate(() => {
      const e = performance.getEntriesByType('resource').filter((x) => x.name.includes('/api/candidates')).pop() as PerformanceResourceTiming | undefined;
      return e ? { size: e.transferSize || e.encodedBodySize, fetch: e.responseEnd - e.startTime } : null;
    });

    // 3. Filters.
    const f1: number[] = [];
    const f2: number[] = [];
    const f3: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      f1.push(await timed(page, select('f-verdict', 'YES,NEEDS-REVIEW')));
      f1.push(await timed(page, select('f-verdict', '')));
      f2.push(await timed(page, select('f-subsystem', 'drivers/net')));
      f2.push(await timed(page, select('f-subsystem', '')));
      f3.push(await timed(page, select('f-minconf', '0.8')));
      f3.push(await timed(page, select('f-minconf', '')));
    }
    stats.push(stat('filter by verdict (YES+NEEDS-REVIEW ↔ all)', f1));
    stats.push(stat('filter by subsystem (drivers/net ↔ all)', f2));
    stats.push(stat('filter by confidence ≥ 0.8 ↔ none', f3));
    const typed: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      typed.push(await timed(page, input('f-q', 'leak')));
      typed.push(await timed(page, input('f-q', '')));
    }
    stats.push(stat('text search "leak" ↔ none (includes the 150 ms typing pause)', typed));

    // 4. Sorting by a column header.
    const sorts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      sorts.push(await timed(page, { kind: 'click', selector: 'button[data-sort="confidence"]' }));
      sorts.push(await timed(page, { kind: 'click', selector: 'button[data-sort="subject"]' }));
    }
    stats.push(stat('sort by a column (confidence, subject)', sorts));
    await page.evaluate(() => (location.hash = location.hash.replace(/\?.*$/, '')));
    await page.waitForFunction((n) => (window as unknown as { __stablepickList?: { matched: number; rows: number } }).__stablepickList?.rows === n, N);

    // 5. Scrolling: jump a screenful at a time through the whole list; time to the second frame after each.
    const scroll = await page.evaluate(async () => {
      const el = document.getElementById('list-scroller')!;
      const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
      const out: number[] = [];
      let maxRows = 0;
      el.scrollTop = 0;
      await frame();
      await frame();
      while (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
        const t0 = performance.now();
        el.scrollTop += el.clientHeight;
        await frame();
        await frame();
        out.push(performance.now() - t0);
        maxRows = Math.max(maxRows, el.querySelectorAll('.grid-row').length);
      }
      return { out, maxRows };
    });
    stats.push(stat(`scroll one screen (${scroll.out.length} jumps to the end; two frames each)`, scroll.out, `at most ${scroll.maxRows} rows in the DOM`));

    // 6. Keyboard: j 100 times.
    await page.evaluate(() => (document.getElementById('list-scroller')!.scrollTop = 0));
    const keys = await page.evaluate(async () => {
      const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
      const out: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
        await frame();
        out.push(performance.now() - t0);
      }
      return out;
    });
    stats.push(stat('j: move the selection one row (100 presses, to the next frame)', keys));

    const lines: string[] = [];
    lines.push(`rows: ${N}; list JSON for ${N} rows: ${bytes ? `${Math.round(bytes.size / 1024)} KiB, fetched in ${bytes.fetch.toFixed(1)} ms` : 'n/a'}; rows in the DOM after the first render: ${domRows}`);
    lines.push(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, Chromium ${browser.context.browser()?.version() ?? '(persistent context)'}`);
    lines.push('');
    lines.push('| what | median ms | min | max | note |');
    lines.push('|:--|--:|--:|--:|:--|');
    for (const s of stats) lines.push(`| ${s.what} | ${s.median.toFixed(1)} | ${s.min.toFixed(1)} | ${s.max.toFixed(1)} | ${s.note} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    await dash.close();
  }
}

await main();
