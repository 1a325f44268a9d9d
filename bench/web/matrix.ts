/**
 * The commit × branch matrix in Debian's Chromium against the real server: time to the first paint of
 * the matrix, and each key action from the key to the next frame after the page shows its effect —
 * j (next row), a (accept one cell; a real write to the index), a bulk accept of 50 selected rows, Enter (open a commit: message and decision strip on screen), 2 (its diff on screen).
 * Median of --runs (default 7) with min and max.
 *
 *   Generated rows:  npx tsx bench/web/matrix.ts --synthetic 5000 --branches 5
 *   A repository:    npx tsx bench/web/matrix.ts --repo DIR --db FILE --range A..B --branch S1,S2
 *
 * With a repository the range is judged first (as `stablepick serve` does) and the background trial picks
 * are awaited before measuring; decisions are written to the index given (use a copy).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { openContext } from '../../src/index.js';
import { RepoSource } from '../../src/server/repo-source.js';
import { startDashboard } from '../../src/server/server.js';
import type { CandidateSource } from '../../src/server/source.js';
import { launchChromium } from '../../test/web/browser.js';
import { SyntheticSource } from './synthetic.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const RUNS = Number(opt('runs') ?? 7);

interface Stat {
  what: string;
  median: number;
  min: number;
  max: number;
  n: number;
}
function stat(what: string, xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  return { what, median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]!, n: s.length };
}

/** In the page: press `key`, wait until `done` (a JS expression) holds, then one more frame. */
async function keyToFrame(page: Page, key: string, done: string): Promise<number> {
  return page.evaluate(
    async ([k, cond]) => {
      const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
      const check = new Function(`return (${cond});`) as () => boolean;
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, shiftKey: k === 'A' }));
      while (!check()) {
        if (performance.now() - t0 > 60_000) throw new Error(`no effect of ${k}: ${cond}`);
        await new Promise((r) => setTimeout(r, 0));
      }
      await frame();
      return performance.now() - t0;
    },
    [key, done] as const,
  );
}

const selectedSha = (page: Page): Promise<string> =>
  page.evaluate(() => document.querySelector('#list-scroller .grid-row.selected')?.getAttribute('data-sha') ?? '');

async function source(): Promise<{ src: CandidateSource; label: string; close: () => void }> {
  const syn = opt('synthetic');
  if (syn) {
    const branches = Array.from({ length: Number(opt('branches') ?? 5) }, (_, i) => `linux-6.${6 + i}.y`);
    return { src: new SyntheticSource(Number(syn), branches), label: `synthetic: ${syn} rows × ${branches.length} branches`, close: () => undefined };
  }
  const repo = opt('repo')!;
  const db = opt('db')!;
  const range = opt('range')!;
  const branches = opt('branch')!.split(',');
  const ctx = await openContext({ repo, db }, { mustExist: true });
  const t0 = Date.now();
  const s = await RepoSource.load({
    repo: ctx.repo,
    db: ctx.db,
    conventions: ctx.conventions,
    configDir: ctx.repo.workTree ?? ctx.repo.gitDir,
    range,
    branches,
    reviewer: 'Bench <bench@example.org>',
  });
  const judged = Date.now() - t0;
  await s.applyDone;
  const picks = Date.now() - t0 - judged;
  const rows = s.rows(branches[0]!).length;
  return {
    src: s,
    label: `${repo} ${range} for ${branches.join(', ')}: ${rows} commits; judged in ${(judged / 1000).toFixed(1)} s, trial picks of every commit × branch in ${(picks / 1000).toFixed(1)} s (background)`,
    close: () => ctx.close(),
  };
}

async function main(): Promise<void> {
  const build = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'web', 'vite.config.ts')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(build.stderr);
  const { src, label, close } = await source();
  const dash = await startDashboard({ source: src, port: 0 });
  const browser = await launchChromium({ width: 1400, height: 900 });
  const page = await browser.context.newPage();
  await page.addInitScript('window.__name = (f) => f;');
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  const stats: Stat[] = [];
  const n = src.matrix().rows.length;
  try {
    // 1. First paint of the matrix: navigation start to the frame after the rows are in the DOM.
    const paints: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto('about:blank');
      await page.goto(`${dash.url}#/list?status=unreviewed`);
      await page.waitForFunction(
        () =>
          (window as unknown as { __stablepickList?: { rows: number } }).__stablepickList !== undefined &&
          document.querySelector('#list-scroller .grid-row') !== null,
        null,
        { polling: 'raf' },
      );
      paints.push(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())))));
    }
    stats.push(stat(`first paint of the matrix (${n} rows × ${src.branches.length} branches; navigation start → frame with rows)`, paints));

    // 2. j.
    const js: number[] = [];
    for (let i = 0; i < Math.max(RUNS, 21); i++) {
      const before = await selectedSha(page);
      js.push(
        await keyToFrame(page, 'j', `document.querySelector('#list-scroller .grid-row.selected')?.getAttribute('data-sha') !== ${JSON.stringify(before)}`),
      );
    }
    stats.push(stat('j: next row', js));

    // 3. a: accept the cell under the cursor (a write to the index); the cursor moves to the next undecided row.
    const as: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const sha = await selectedSha(page);
      const b = src.branches[0]!;
      const t = await keyToFrame(
        page,
        'a',
        `document.querySelector('#queue-guard') !== null || document.querySelector('#list-scroller .grid-row[data-sha="${sha}"] .c-cell[data-branch="${b}"]')?.getAttribute('data-status') === 'accepted'`,
      );
      if (await page.locator('#queue-guard').count()) {
        await page.click('#guard-only');
        await page.waitForFunction(
          ([s, br]) =>
            document.querySelector(`#list-scroller .grid-row[data-sha="${s}"] .c-cell[data-branch="${br}"]`)?.getAttribute('data-status') === 'accepted',
          [sha, b] as const,
        );
        continue;
      }
      as.push(t);
    }
    stats.push(stat('a: accept one cell, cursor to the next undecided row', as));

    // 4. Bulk accept of 50 selected rows: a, until the page shows all 50 accepted.
    const bulks: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${dash.url}#/list?status=unreviewed&run=${i}`);
      await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length > 0);
      // Select 50 rows: x then j, 50 times (a shift-click does the same in one go).
      await page.evaluate(() => {
        for (let k = 0; k < 50; k++) {
          document.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }));
          if (k < 49) document.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
        }
      });
      await page.waitForFunction(() => (document.getElementById('list-count')?.textContent ?? '').includes('50 selected'));
      const t = await keyToFrame(
        page,
        'a',
        `document.querySelector('#queue-guard') !== null || /accepted: 50 decisions/.test(document.getElementById('note')?.textContent ?? '')`,
      );
      if (await page.locator('#queue-guard').count()) {
        const t2 = Date.now();
        await page.click('#guard-only');
        await page.waitForFunction(() => /accepted: 50 decisions/.test(document.getElementById('note')?.textContent ?? ''));
        bulks.push(t + (Date.now() - t2));
        process.stderr.write(`bulk ${i}: the queue guard asked (answered "only these"; its click is in the time)\n`);
      } else bulks.push(t);
    }
    stats.push(stat('bulk accept of 50 selected rows (a, to the frame that shows all 50 accepted)', bulks));

    // 5. Enter: open a commit (message and decision strip), then 2: its diff.
    const opens: number[] = [];
    const diffs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${dash.url}#/list?sort=order&run=open${i}`);
      await page.waitForFunction(() => document.querySelectorAll('#list-scroller .grid-row').length > 0);
      for (let k = 0; k < i * 3; k++) await page.keyboard.press('j');
      const sha = await selectedSha(page);
      opens.push(
        await keyToFrame(
          page,
          'Enter',
          `location.hash.includes(${JSON.stringify(sha)}) && document.querySelector('#message') !== null && document.querySelector('#decision-strip .strip-row') !== null`,
        ),
      );
      diffs.push(await keyToFrame(page, '2', `document.querySelector('#diff .d-file') !== null`));
    }
    stats.push(stat('Enter: open the commit (subject, message, decision strip on screen)', opens));
    stats.push(stat('2: its diff on screen', diffs));

    const lines = [
      label,
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}`,
      '',
      '| action | median ms | min | max | samples |',
      '|:--|--:|--:|--:|--:|',
      ...stats.map((s) => `| ${s.what} | ${s.median.toFixed(1)} | ${s.min.toFixed(1)} | ${s.max.toFixed(1)} | ${s.n} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    await dash.close();
    close();
  }
}

await main();
