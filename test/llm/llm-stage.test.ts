/**
 * The optional LLM stage against an OpenAI-compatible server this test starts on 127.0.0.1, which answers
 * with fixed completions chosen by the model name: a faithful answer is kept; invented shas, functions,
 * lines and numbers are removed sentence by sentence and listed; a timeout, a 429 and a malformed answer
 * each leave the case intact with a one-line note; the second run is served from the index's cache.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DB } from '../../src/history/db.js';
import { loadLlmConfig, type LlmConfig } from '../../src/llm/config.js';
import { llmMarkdown, llmReview } from '../../src/llm/stage.js';
import { caseLlmInput } from '../../src/report/case/llm-facts.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import type { WrittenCase } from '../../src/report/case/types.js';
import { tempCacheDir, type CliResult } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

const dir = makeTempDir('stablepick-llm-test-');
let demo: DemoResult;
let lazy: WrittenCase;
let db: DB;
let server: http.Server;
let baseUrl = '';
const requests = new Map<string, number>();
let faithful: { bug: string; change: string; reasons: string[] };
let invented: string[];
let fnPath = '';

function answer(model: string): { status: number; body: string; delayMs?: number } {
  const ok = (content: string): { status: number; body: string } => ({
    status: 200,
    body: JSON.stringify({ choices: [{ message: { role: 'assistant', content } }], usage: { prompt_tokens: 1000, completion_tokens: 100 } }),
  });
  switch (model) {
    case 'faithful':
      return ok(JSON.stringify({ ...faithful, vote: 'YES' }));
    case 'contrarian':
      return ok(JSON.stringify({ ...faithful, vote: 'NO', reasons: ['It is too large for a stable branch.'] }));
    case 'inventor':
      return ok(
        `\`\`\`json\n${JSON.stringify({ bug: `${faithful.bug} ${invented[0]} ${invented[1]}`, change: `${invented[2]} ${faithful.change} ${invented[3]} ${invented[4]}`, vote: 'YES', reasons: faithful.reasons })}\n\`\`\``,
      );
    case 'slow':
      return { ...ok(JSON.stringify({ ...faithful, vote: 'YES' })), delayMs: 2000 };
    case 'busy':
      return { status: 429, body: '{"error":"rate limited"}' };
    default:
      return ok('Sure! This commit looks like a good candidate.');
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The CLI in a child process, asynchronously: the test's server keeps answering meanwhile. */
function runCli(args: readonly string[], opts: { env: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'bin.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, STABLEPICK_CACHE_DIR: tempCacheDir(), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function writeUserConfig(home: string, models: string[], extra: Record<string, unknown> = {}): void {
  mkdirSync(path.join(home, 'stablepick'), { recursive: true });
  writeFileSync(path.join(home, 'stablepick', 'config.json'), JSON.stringify({ llm: { baseUrl, models, timeoutSeconds: 0.5, retries: 1, ...extra } }));
}

beforeAll(async () => {
  demo = await runDemo({ dir: path.join(dir, 'out') });
  lazy = demo.cases.find((c) => c.sha === demo.demo.shas.lazyAlloc)!;
  db = openDb(demo.dbPath);
  const fn = lazy.code.functions.find((f) => f.name === 'scx_enable')!;
  const caller = lazy.code.callers.find((c) => c.callee === 'scx_enable' && c.caller === 'bpf_scx_reg')!;
  const fu = lazy.followUps[0]!;
  fnPath = fn.path;
  faithful = {
    bug: `The per-CPU scx_kick_pseqs array was allocated for every CPU at boot. scx_enable() is called by bpf_scx_reg() at ${caller.path}:${caller.line}.`,
    change: `Commit ${lazy.sha.slice(0, 12)} allocates it lazily in ${fn.name}() at ${fn.path}:${fn.line}. It adds ${lazy.changes.added} lines and must go to ${lazy.branches[0]!.branch} together with ${fu.sha.slice(0, 12)}.`,
    reasons: [`It fixes a bug that ${lazy.branches[0]!.branch} holds.`],
  };
  invented = [
    'The bug came in with commit 0123abcd4567.',
    'It also breaks frobnicate_queue() under load.',
    `The leak is at ${fn.path}:99999.`,
    'It saves 4242 bytes per CPU.',
    'It is already in linux-5.4.y.',
  ];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const model = (JSON.parse(body) as { model: string }).model;
      requests.set(model, (requests.get(model) ?? 0) + 1);
      const a = answer(model);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body);
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}, 180_000);

afterAll(() => {
  db?.close();
  server?.closeAllConnections();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function cfg(models: string[]): LlmConfig {
  const home = path.join(dir, `cfg-${models.join('-')}`);
  writeUserConfig(home, models);
  return loadLlmConfig({ configDir: path.join(home, 'stablepick') })!;
}

describe('the LLM stage, grounded', () => {
  it('reads the endpoint from the user config (XDG_CONFIG_HOME) or the environment, never elsewhere; none → null', () => {
    expect(loadLlmConfig({ configDir: path.join(dir, 'nobody') })).toBeNull();
    const c = cfg(['faithful']);
    expect(c).toMatchObject({ baseUrl, models: ['faithful'], timeoutMs: 500, retries: 1 });
    expect(loadLlmConfig({ configDir: path.join(dir, 'nobody'), url: 'http://127.0.0.1:1/v1', models: 'a, b' })).toMatchObject({
      models: ['a', 'b'],
      source: 'STABLEPICK_LLM_URL',
    });
    expect(() => loadLlmConfig({ configDir: path.join(dir, 'nobody'), url: 'http://127.0.0.1:1/v1' })).toThrow(/no model/);
  });

  it("keeps a faithful answer whole, shows its vote beside stablepick's, reports tokens and time", async () => {
    const r = await llmReview(caseLlmInput(lazy, ['linux-6.17.y', 'linux-6.12.y', 'master']), db, cfg(['faithful']));
    const a = r.answers[0]!;
    expect(a.note).toBeNull();
    expect(a.bug?.dropped).toEqual([]);
    expect(a.change?.dropped).toEqual([]);
    expect(a.reasons?.dropped).toEqual([]);
    expect(a.bug?.kept.join(' ')).toBe(faithful.bug);
    expect(a.change?.kept.join(' ')).toBe(faithful.change);
    expect(a.vote).toBe('YES');
    expect(r.disagreement).toBeNull();
    expect(r.totals).toMatchObject({ requests: 1, promptTokens: 1000, completionTokens: 100, cached: 0 });
    const md = llmMarkdown(r);
    expect(md).toContain('The bug, as written by model faithful:');
    expect(md).toContain('- stablepick: YES (computed)');
    expect(md).toContain('- model faithful: YES');
    expect(md).not.toContain('Unverified');
  });

  it('removes exactly the sentences that invent a sha, a function, a line, a number or a branch, and lists each with why', async () => {
    const r = await llmReview(caseLlmInput(lazy, ['linux-6.17.y', 'linux-6.12.y', 'master']), db, cfg(['inventor']));
    const a = r.answers[0]!;
    expect(a.bug?.kept.join(' ')).toBe(faithful.bug);
    expect(a.change?.kept.join(' ')).toBe(faithful.change);
    const dropped = [...a.bug!.dropped, ...a.change!.dropped];
    expect(dropped.map((d) => d.sentence)).toEqual(invented);
    expect(dropped.map((d) => d.why)).toEqual([
      ['commit 0123abcd4567 is not among the commits of the facts'],
      ['function frobnicate_queue() is not among the functions of the facts'],
      [`${fnPath}:99999: the facts cite no line 99999 of ${fnPath}`],
      ['the number 4242 is not in the facts'],
      ['branch linux-5.4.y is not a branch of the facts'],
    ]);
    const md = llmMarkdown(r);
    expect(md).toContain('Unverified (removed from the model text, with why):');
    expect(md).toContain(`- inventor, the bug: "${invented[0]}" — commit 0123abcd4567 is not among the commits of the facts`);
    for (const s of invented) expect(md.split('Unverified')[0]).not.toContain(s);
  });

  it('a timeout, a 429 and a malformed answer each leave the case intact with a one-line note', async () => {
    const before = JSON.stringify(lazy);
    const r = await llmReview(caseLlmInput(lazy, ['linux-6.17.y', 'linux-6.12.y', 'master']), db, cfg(['slow', 'busy', 'broken']));
    expect(JSON.stringify(lazy)).toBe(before);
    expect(r.answers.map((a) => [a.bug, a.vote])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(r.notes).toEqual([
      'model slow: no answer within 0.5 s after 2 attempt(s); the case stands without its paragraphs and vote',
      'model busy: HTTP 429 (rate limited) after 2 attempt(s); the case stands without its paragraphs and vote',
      'model broken: malformed answer (the answer holds no JSON object); the case stands without its paragraphs and vote',
    ]);
    for (const n of r.notes) expect(n).not.toContain('\n');
    expect(r.disagreement).toBeNull();
  });

  it("several models: a vote against stablepick's verdict is a NEEDS-REVIEW reason, not an override", async () => {
    const r = await llmReview(caseLlmInput(lazy, ['linux-6.17.y', 'linux-6.12.y', 'master']), db, cfg(['faithful', 'contrarian']));
    expect(r.stablepick).toBe('YES');
    expect(r.answers.map((a) => a.vote)).toEqual(['YES', 'NO']);
    expect(r.disagreement).toBe("the models' votes disagree with stablepick's verdict (stablepick YES, faithful YES, contrarian NO)");
    expect(lazy.verdict).toBe('YES');
    expect(llmMarkdown(r)).toContain("NEEDS-REVIEW: the models' votes disagree");
  });

  it("explain --llm: the section is added, marked as the models', tokens reported; the second run is served from the cache", async () => {
    const home = path.join(dir, 'cli-home');
    writeUserConfig(home, ['faithful']);
    const before = snapshotRepoState(demo.repoDir);
    const n0 = requests.get('faithful') ?? 0;
    const args = ['explain', lazy.sha, '--branch', 'linux-6.17.y', '--repo', demo.repoDir, '--db', demo.dbPath, '--no-apply', '--llm'];
    const env = { XDG_CONFIG_HOME: home };
    const first = await runCli(args, { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('The change, as written by model faithful:');
    expect(first.stderr).toContain('LLM: 1 request(s), 1000 prompt + 100 completion tokens');
    const n1 = requests.get('faithful') ?? 0;
    const second = await runCli(args, { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(from the cache: no request made)');
    expect(second.stderr).toContain('LLM: 0 request(s), 0 prompt + 0 completion tokens, 0.0 s; 1 answer(s) from the cache');
    expect(requests.get('faithful') ?? 0).toBe(n1);
    expect(n1 - n0).toBe(1);
    expectRepoUnchanged(demo.repoDir, before);
  });

  it('without a configured endpoint, --llm changes nothing in the output and sends nothing', async () => {
    const total = (): number => [...requests.values()].reduce((a, b) => a + b, 0);
    const n = total();
    const env = { XDG_CONFIG_HOME: path.join(dir, 'empty-home'), STABLEPICK_LLM_URL: '' };
    const args = ['explain', lazy.sha, '--branch', 'linux-6.17.y', '--repo', demo.repoDir, '--db', demo.dbPath, '--no-apply'];
    const plain = await runCli(args, { env });
    const withLlm = await runCli([...args, '--llm'], { env });
    expect(withLlm.code).toBe(0);
    expect(withLlm.stdout).toBe(plain.stdout);
    expect(withLlm.stderr).toMatch(/^stablepick: no LLM endpoint configured/);
    expect(total()).toBe(n);
  });

  it('mail --llm says which model wrote which paragraph; scan --llm-vote makes a disputed row NEEDS-REVIEW with the reason', async () => {
    const home = path.join(dir, 'cli-vote');
    writeUserConfig(home, ['faithful', 'contrarian']);
    const env = { XDG_CONFIG_HOME: home };
    const out = path.join(dir, 'llm.mbox');
    const mail = await runCli(
      [
        'mail',
        lazy.sha,
        '--branch',
        'linux-6.17.y',
        '--repo',
        demo.repoDir,
        '--db',
        demo.dbPath,
        '--from',
        'A <a@example.org>',
        '--to',
        'stable@example.org',
        '--out',
        out,
        '--llm',
      ],
      { env },
    );
    expect(mail.code, mail.stderr).toBe(0);
    const mbox = readFileSync(out, 'utf8').replace(/=\n/g, '');
    expect(mbox).toContain('The bug, as written by model faithful:');
    expect(mbox).toContain('- model contrarian: NO');

    const scan = await runCli(
      ['scan', demo.demo.window, '--branch', 'linux-6.17.y', '--repo', demo.repoDir, '--db', demo.dbPath, '--json', '--llm-vote', 'all'],
      { env },
    );
    expect(scan.code, scan.stderr).toBe(0);
    const rows = scan.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sha: string; verdict: string; already?: string; reasons: { text: string }[] });
    const row = rows.find((r) => r.sha === lazy.sha)!;
    expect(row.verdict).toBe('NEEDS-REVIEW');
    expect(row.reasons[0]?.text).toBe(
      "NEEDS-REVIEW instead of YES: the models' votes disagree with stablepick's verdict (stablepick YES, faithful YES, contrarian NO)",
    );
    expect(row.reasons.map((r) => r.text)).toContain('LLM votes: faithful YES, contrarian NO');
    const bad = await runCli(['scan', demo.demo.window, '--branch', 'linux-6.17.y', '--repo', demo.repoDir, '--db', demo.dbPath, '--llm-vote', 'some'], {
      env,
    });
    expect(bad.stderr).toMatch(/^stablepick: --llm-vote takes review or all, not some/);
  });

  it("eval --llm-vote scores each model's votes against the labels beside stablepick on the same rows", async () => {
    const home = path.join(dir, 'cli-vote');
    const out = path.join(dir, 'eval.jsonl');
    const r = await runCli(
      [
        'eval',
        '--window',
        demo.demo.window,
        '--branch',
        'linux-6.17.y',
        '--repo',
        demo.repoDir,
        '--db',
        demo.dbPath,
        '--out',
        out,
        '--json',
        '--llm-vote',
        'all',
      ],
      { env: { XDG_CONFIG_HOME: home } },
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { n: number; llm: { predictor: string; rows: number; yes: number; unsure: number }[] };
    expect(j.llm.map((x) => x.predictor)).toEqual(['stablepick', 'faithful', 'contrarian']);
    for (const x of j.llm) expect(x.rows).toBe(j.n);
    expect(j.llm[1]).toMatchObject({ yes: j.n, unsure: 0 });
    expect(j.llm[2]).toMatchObject({ yes: 0, unsure: 0 });
  });
});
