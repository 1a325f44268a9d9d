/**
 * `serve --llm`: the written case the commit page reads carries the language models' paragraphs, each
 * with its model, and the sentences removed because they cite what the facts do not hold; without an
 * endpoint nothing changes and no request is made. The models are a stand-in OpenAI-compatible server on
 * 127.0.0.1 answering with fixed completions by model name. The commit page is read in real Chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoResult } from '../../src/demo/run-demo.js';
import { loadLlmConfig } from '../../src/llm/config.js';
import type { CaseView } from '../../src/server/api-types.js';
import { makeTempDir } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { launchChromium } from './browser.js';
import { prepareDemo, startDemoDashboard, type DemoDashboard } from './demo-dashboard.js';

const KEPT = 'The per-CPU kick sequence array was allocated for every possible CPU at boot.';
const INVENTED = 'The bug came in with commit 0123abcd4567.';
const CHANGE = 'The commit allocates the array only when a scheduler is enabled.';

let demo: DemoResult;
let before: RepoStateSnapshot;
let models: http.Server;
let baseUrl = '';
let requests = 0;
const open: DemoDashboard[] = [];

beforeAll(async () => {
  demo = await prepareDemo();
  before = snapshotRepoState(demo.repoDir);
  models = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests++;
      const model = (JSON.parse(body) as { model: string }).model;
      const bug = model === 'inventor' ? `${KEPT} ${INVENTED}` : KEPT;
      const content = JSON.stringify({ bug, change: CHANGE, vote: 'YES', reasons: ['It fixes a bug users can hit.'] });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }], usage: { prompt_tokens: 10, completion_tokens: 5 } }));
    });
  });
  await new Promise<void>((r) => models.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(models.address() as AddressInfo).port}/v1`;
}, 180_000);

afterAll(async () => {
  for (const d of open) await d.close();
  models?.closeAllConnections();
  models?.close();
});

async function caseOf(d: DemoDashboard, sha: string): Promise<CaseView> {
  const r = await fetch(`${d.dash.origin}/api/commit/${sha}/case`, { headers: { 'X-Stablepick-Token': d.dash.token } });
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as CaseView;
}

describe('serve --llm: model paragraphs on the commit page', () => {
  it('without an endpoint the case has no model section and no request is made', async () => {
    const d = await startDemoDashboard(demo);
    open.push(d);
    const c = await caseOf(d, demo.demo.shas.lazyAlloc);
    expect(c.llm).toBeUndefined();
    expect(c.markdown).not.toContain('language model');
    expect(requests).toBe(0);
  });

  it('with one, each kept paragraph names its model and the invented sentence is listed as unverified', async () => {
    const home = makeTempDir('stablepick-llm-home-');
    mkdirSync(path.join(home, 'stablepick'), { recursive: true });
    writeFileSync(
      path.join(home, 'stablepick', 'config.json'),
      JSON.stringify({ llm: { baseUrl, models: ['faithful', 'inventor'], timeoutSeconds: 5, retries: 0 } }),
    );
    const llm = loadLlmConfig({ configDir: path.join(home, 'stablepick') });
    expect(llm).not.toBeNull();
    const d = await startDemoDashboard(demo, { llm: llm! });
    open.push(d);
    const c = await caseOf(d, demo.demo.shas.lazyAlloc);
    expect(requests).toBe(2);
    expect(c.llm?.paragraphs).toEqual([
      { model: 'faithful', part: 'bug', text: KEPT },
      { model: 'faithful', part: 'change', text: CHANGE },
      { model: 'inventor', part: 'bug', text: KEPT },
      { model: 'inventor', part: 'change', text: CHANGE },
    ]);
    expect(c.llm?.unverified).toHaveLength(1);
    expect(c.llm?.unverified[0]).toMatch(/^inventor, the bug: "The bug came in with commit 0123abcd4567\." — /);
    expect(c.llm?.votes.map((v) => `${v.model} ${v.vote}`)).toEqual(['faithful YES', 'inventor YES']);
    // stablepick's own case text is the same as without the models.
    const plain = await caseOf(open[0]!, demo.demo.shas.lazyAlloc);
    expect(c.markdown).toBe(plain.markdown);

    // The commit page, case tab: each paragraph with its visible mark, the removed sentence under Unverified.
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${d.dash.url}#/commit/${demo.demo.shas.lazyAlloc}?branch=linux-6.17.y`);
      await page.locator('#message').waitFor();
      await page.keyboard.press('3');
      await page.locator('#case-llm').waitFor();
      const marks = await page.locator('#case-llm .llm-mark').allTextContents();
      expect(marks).toEqual([
        'written by faithful, checked against the facts · the bug',
        'written by faithful, checked against the facts · the change',
        'written by inventor, checked against the facts · the bug',
        'written by inventor, checked against the facts · the change',
      ]);
      expect(await page.locator('#case-llm .llm-paragraph p').first().textContent()).toBe(KEPT);
      expect((await page.locator('#case-llm .llm-paragraph').allTextContents()).join('\n')).not.toContain(INVENTED);
      await expect(page.locator('#llm-unverified h4').textContent()).resolves.toBe('Unverified (removed from the model text, with why)');
      await expect(page.locator('#llm-unverified li').textContent()).resolves.toContain(INVENTED);
      // The case text of stablepick stays above the model section.
      expect((await page.locator('#case-text').boundingBox())!.y).toBeLessThan((await page.locator('#case-llm').boundingBox())!.y);
    } finally {
      await browser.close();
    }
    expectRepoUnchanged(demo.repoDir, before);
  }, 120_000);
});
