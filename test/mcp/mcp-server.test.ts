/**
 * `stablepick mcp` through the SDK's own Client over stdio, on the demo repository: every tool is called,
 * the seed mail's facts come back through it, malformed arguments get tool errors, and the repository is
 * unchanged afterwards.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { openDb } from '../../src/history/db.js';
import { ReviewStore } from '../../src/review/store.js';
import { TOOLS } from '../../src/mcp/tools.js';
import { makeTempDir } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'src', 'cli', 'bin.ts');

let demo: DemoResult;
let client: Client;
let before: RepoStateSnapshot;
const dir = makeTempDir('stablepick-mcp-test-');
const called = new Set<string>();

interface ToolAnswer {
  isError: boolean;
  text: string;
}

async function call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  called.add(name);
  const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { type: string; text: string }[] };
  return { isError: r.isError === true, text: r.content.map((c) => c.text).join('') };
}

/** Calls a tool that must succeed and parses its JSON. */
async function ok<T = Record<string, unknown>>(name: string, args: Record<string, unknown>): Promise<T> {
  const r = await call(name, args);
  if (r.isError) throw new Error(`${name} failed: ${r.text}`);
  return JSON.parse(r.text) as T;
}

beforeAll(async () => {
  demo = await runDemo({ dir: path.join(dir, 'out') });
  before = snapshotRepoState(demo.repoDir);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', BIN, 'mcp', '--repo', demo.repoDir, '--db', demo.dbPath],
    cwd: ROOT,
    env,
    stderr: 'pipe',
  });
  client = new Client({ name: 'stablepick-test', version: '1.0.0' });
  await client.connect(transport);
}, 180_000);

afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stablepick mcp over stdio', () => {
  it('lists every tool with an input schema and the read-only hint', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS.map((t) => t.name).sort());
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'find_function',
        'find_callers',
        'find_callchain',
        'diff_functions',
        'grep_functions',
        'show_commit',
        'find_commit',
        'list_branches',
        'branch_holds',
        'judge',
        'follow_ups',
        'prerequisites',
        'affected',
        'apply_check',
        'explain',
        'audit',
      ]),
    );
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.annotations?.readOnlyHint).toBe(true);
    }
  });

  it('code tools: scx_enable() is called by bpf_scx_reg(), defined where find_function says, changed by the lazy-allocation commit', async () => {
    const lazy = demo.demo.shas.lazyAlloc;
    const fn = await ok<{ found: boolean; definitions: { path: string; startLine: number; rev: string }[] }>('find_function', {
      name: 'scx_enable',
      rev: lazy,
    });
    expect(fn.found).toBe(true);
    expect(fn.definitions[0]).toMatchObject({ path: 'kernel/sched/ext.c', rev: lazy });

    const callers = await ok<{ callers: { caller: string; path: string; line: number; kind: string }[]; truncated: string | null }>('find_callers', {
      name: 'scx_enable',
      rev: lazy,
    });
    expect(callers.callers).toEqual(expect.arrayContaining([expect.objectContaining({ caller: 'bpf_scx_reg', path: 'kernel/sched/ext.c', kind: 'call' })]));
    expect(callers.truncated).toBeNull();

    const chain = await ok<{ chains: { function: string; entryPoints: { kind: string; how: string }[] }[][] }>('find_callchain', {
      name: 'scx_enable',
      rev: lazy,
    });
    const flat = chain.chains.flat();
    expect(flat.map((l) => l.function)).toContain('bpf_scx_reg');
    expect(
      flat
        .find((l) => l.function === 'bpf_scx_reg')
        ?.entryPoints.map((e) => e.how)
        .join(' '),
    ).toMatch(/\.reg of struct bpf_struct_ops bpf_sched_ext_ops/);

    const diff = await ok<{ sha: string; items: { name: string | null; change: string; path: string }[] }>('diff_functions', { commit: lazy });
    expect(diff.sha).toBe(lazy);
    for (const name of ['kick_cpus_irq_workfn', 'scx_enable', 'alloc_kick_pseqs']) expect(diff.items.map((i) => i.name)).toContain(name);

    const grep = await ok<{ matches: { path: string; line: number; in: { name: string; kind: string } | null }[] }>('grep_functions', {
      pattern: 'scx_enable\\(',
      rev: lazy,
    });
    expect(grep.matches).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'kernel/sched/ext.c', in: expect.objectContaining({ name: 'bpf_scx_reg', kind: 'function' }) })]),
    );
  });

  it('bounded outputs: a limit cuts the list and says so', async () => {
    const g = await ok<{ matches: unknown[]; totalMatches: number; truncated: string | null }>('grep_functions', {
      pattern: 'scx_',
      rev: demo.demo.shas.lazyAlloc,
      limit: 2,
    });
    expect(g.matches).toHaveLength(2);
    expect(g.totalMatches).toBeGreaterThan(2);
    expect(g.truncated).toMatch(/^showing 2 of \d+ matching lines/);
    const f = await ok<{ commits: unknown[]; total: number; truncated: string | null }>('find_commit', { path: 'kernel/sched', limit: 1 });
    expect(f.commits).toHaveLength(1);
    expect(f.truncated).toMatch(/^showing 1 of \d+ commits/);
  });

  it('history tools: show_commit, find_commit, list_branches, branch_holds', async () => {
    const { lazyAlloc, lazyFollowUp } = demo.demo.shas;
    const show = await ok<{ sha: string; subject: string; fixedBy: { sha: string }[]; heldBy: { branch: string }[] }>('show_commit', {
      commit: lazyAlloc.slice(0, 12),
    });
    expect(show.sha).toBe(lazyAlloc);
    expect(show.subject).toBe('sched_ext: Allocate scx_kick_pseqs lazily using kvzalloc()');
    expect(show.fixedBy.map((f) => f.sha)).toContain(lazyFollowUp);

    const found = await ok<{ commits: { sha: string }[] }>('find_commit', { subject: 'kvzalloc', path: 'kernel/sched/ext.c' });
    expect(found.commits.map((c) => c.sha)).toEqual([lazyAlloc]);
    const inWindow = await ok<{ commits: { sha: string }[]; total: number }>('find_commit', { range: demo.demo.window, limit: 500 });
    expect(inWindow.commits.map((c) => c.sha)).toEqual(expect.arrayContaining([lazyAlloc, lazyFollowUp]));
    const byAuthor = await ok<{ commits: { author: string }[] }>('find_commit', { author: 'torvalds', limit: 5 });
    for (const c of byAuthor.commits) expect(c.author.toLowerCase()).toContain('torvalds');

    const br = await ok<{ branches: { name: string; base_release: string | null; release: string | null; policy: unknown }[] }>('list_branches', {});
    expect(br.branches.map((b) => b.name)).toEqual(expect.arrayContaining(['linux-6.17.y', 'linux-6.12.y']));
    expect(br.branches.find((b) => b.name === 'linux-6.12.y')?.base_release).toBe('v6.12');
    expect(br.branches[0]?.policy).toEqual({ optOutPaths: [], lag: 'weight' });

    const no = await ok<{ held: boolean; evidence: string }>('branch_holds', { commit: lazyAlloc, branch: 'linux-6.17.y' });
    expect(no.held).toBe(false);
    expect(no.evidence).toMatch(/neither contains/);
    // A commit of the 6.12 fork is held by ancestry; a pick is held with how it was matched.
    const base = br.branches.find((b) => b.name === 'linux-6.12.y') as unknown as { base: string };
    const anc = await ok<{ held: boolean; how: string }>('branch_holds', { commit: base.base, branch: 'linux-6.12.y' });
    expect(anc).toMatchObject({ held: true, how: 'ancestor' });
    const picked = demo.branches.find((b) => b.name === 'linux-6.12.y')!;
    expect(picked.picks).toBeGreaterThan(0);
  });

  it('stable tools: judge, follow_ups (must go with its follow-up), prerequisites, affected, apply_check, explain (target trees), audit', async () => {
    const { lazyAlloc, lazyFollowUp } = demo.demo.shas;
    const v = await ok<{ verdict: string; probability: number; reasons: { text: string }[] }>('judge', { commit: lazyAlloc, branch: 'linux-6.17.y' });
    expect(v.verdict).toBe('YES');
    expect(v.reasons.map((r) => r.text).join('\n')).toContain(`must go together with ${lazyFollowUp.slice(0, 12)}`);

    const fu = await ok<{ verdict: string; followUps: { sha: string; edge: { evidence: { line: string } }; inBranch: unknown }[] }>('follow_ups', {
      commit: lazyAlloc,
      branch: 'linux-6.17.y',
    });
    expect(fu.verdict).toBe('must-go-together');
    expect(fu.followUps[0]).toMatchObject({ sha: lazyFollowUp, inBranch: null });
    expect(fu.followUps[0]?.edge.evidence.line).toMatch(new RegExp(`^Fixes: ${lazyAlloc.slice(0, 12)}`));

    const pq = await ok<{ queue: { sha: string; role: string }[] }>('prerequisites', { commit: lazyAlloc, branch: 'linux-6.17.y' });
    expect(pq.queue.map((m) => [m.sha, m.role])).toEqual(
      expect.arrayContaining([
        [lazyAlloc, 'candidate'],
        [lazyFollowUp, 'follow-up'],
      ]),
    );

    const aff = await ok<{ sha: string; branches: { branch: string; status: string }[] }>('affected', { commit: lazyFollowUp });
    expect(aff.sha).toBe(lazyFollowUp);
    expect(aff.branches.map((b) => b.branch)).toEqual(expect.arrayContaining(['linux-6.17.y', 'linux-6.12.y']));

    const ap = await ok<{ results: { sha: string; result: string; patch: string | null }[] }>('apply_check', {
      commits: [lazyAlloc, lazyFollowUp],
      branch: 'linux-6.17.y',
      queue: true,
    });
    expect(ap.results.map((r) => r.sha)).toEqual([lazyAlloc, lazyFollowUp]);
    expect(ap.results[0]?.result).toMatch(/^clean/);
    expect(ap.results[0]?.patch).toMatch(/^\(\d+ characters; ask with include_patch: true\)$/);

    const ex = await ok<{ case: { sha: string; recommendation: { targets: string[]; required: string[] } } }>('explain', {
      commit: lazyAlloc,
      branches: ['linux-6.17.y', 'linux-6.12.y'],
    });
    expect(ex.case.sha).toBe(lazyAlloc);
    expect(ex.case.recommendation.targets).toEqual(['linux-6.17.y', 'linux-6.12.y']);
    expect(ex.case.recommendation.required).toEqual(expect.arrayContaining([lazyAlloc, lazyFollowUp]));

    const au = await ok<{ branch: string; missing: unknown[]; totalMissing: number }>('audit', { branch: 'linux-6.12.y' });
    expect(au.branch).toBe('linux-6.12.y');
    expect(au.totalMissing).toBe(au.missing.length);
  });

  it('malformed arguments and unknown commits are tool errors with one line, never a stack trace', async () => {
    const bad: [string, Record<string, unknown>][] = [
      ['find_function', { name: 'not an identifier' }],
      ['find_callers', { name: 'scx_enable', depth: 99 }],
      ['show_commit', { commit: 'zzzz' }],
      ['judge', { commit: demo.demo.shas.lazyAlloc }],
      ['grep_functions', { pattern: 'x', rev: '--output=/tmp/x' }],
      ['find_commit', { limit: 100000 }],
      ['explain', { commit: demo.demo.shas.lazyAlloc, branches: [] }],
    ];
    for (const [name, args] of bad) {
      const r = await call(name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text, name).not.toMatch(/\n\s+at /);
    }
    const badName = await call('find_function', { name: 'not an identifier' });
    expect(badName.text).toMatch(
      /^MCP error -32602: Input validation error: Invalid arguments for tool find_function: a C identifier, e\.g\. scx_enable at name$/,
    );
    const unknown = await call('show_commit', { commit: 'deadbeefdeadbeef' });
    expect(unknown).toEqual({ isError: true, text: "no indexed commit starts with 'deadbeefdeadbeef' — run `stablepick index` if the commit is new" });
    const noBranch = await call('branch_holds', { commit: demo.demo.shas.lazyAlloc, branch: 'linux-9.9.y' });
    expect(noBranch.isError).toBe(true);
    expect(noBranch.text).toMatch(/^no indexed branch 'linux-9\.9\.y' — known branches: /);
    expect(noBranch.text).not.toContain('\n');
    const noRev = await call('find_function', { name: 'scx_enable', rev: 'no-such-branch' });
    expect(noRev.isError).toBe(true);
    expect(noRev.text).not.toContain('\n');
    const needs = await call('find_commit', {});
    expect(needs).toEqual({ isError: true, text: 'find_commit needs at least one of subject, author, range, path — e.g. {"subject": "kvzalloc"}' });
  });

  it('bounded code facts say what they left out: explain callers_of / caller_depth, find_callchain depth', async () => {
    const lazy = demo.demo.shas.lazyAlloc;
    type Ex = { case: { code: { functions: { name: string; change: string }[]; callers: { callee: string }[]; notes: string[] } }; leftOut: string[] };
    const one = await ok<Ex>('explain', { commit: lazy, branches: ['linux-6.17.y'], apply: false, callers_of: 1 });
    const present = one.case.code.functions.filter((f) => f.change !== 'removed');
    expect(present.length).toBeGreaterThan(1);
    expect(new Set(one.case.code.callers.map((c) => c.callee)).size).toBeLessThanOrEqual(1);
    const note = `callers looked up for 1 of ${present.length} changed functions (the most changed); not for: `;
    expect(one.case.code.notes.find((n) => n.startsWith(note))).toBeDefined();
    expect(one.leftOut[0]).toMatch(new RegExp(`^${note.replace(/[()]/g, '\\$&')}`));
    expect(one.leftOut[1]).toMatch(/^callers walked up 1 level\(s\) only .*raise caller_depth/);
    const all = await ok<Ex>('explain', { commit: lazy, branches: ['linux-6.17.y'], apply: false, callers_of: 20, caller_depth: 2 });
    expect(all.leftOut).toEqual([]);
    expect(all.case.code.notes.filter((n) => n.startsWith('callers looked up for'))).toEqual([]);
    expect(new Set(all.case.code.callers.map((c) => c.callee)).size).toBeGreaterThan(1);

    type Chain = { chains: { function: string; expanded: boolean; entryPoints: unknown[] }[][]; depthBound: string | null };
    const shallow = await ok<Chain>('find_callchain', { name: 'alloc_kick_pseqs', rev: lazy, depth: 1 });
    const cut = shallow.chains.filter((c) => !c[c.length - 1]!.expanded && !c[c.length - 1]!.entryPoints.length).length;
    expect(cut).toBeGreaterThan(0);
    expect(shallow.depthBound).toBe(
      `${cut} of ${shallow.chains.length} chains stop at the depth bound (1) without an entry point; their callers were not looked up; raise depth (at most 10; each level is one git grep of the whole tree)`,
    );
    const deep = await ok<Chain>('find_callchain', { name: 'alloc_kick_pseqs', rev: lazy, depth: 10 });
    expect(deep.depthBound).toBeNull();
  });

  it('judge and explain apply a recorded review decision as `stablepick scan` does', async () => {
    const { lazyAlloc } = demo.demo.shas;
    const branch = 'linux-6.17.y';
    const db = openDb(demo.dbPath, { mustExist: true });
    try {
      new ReviewStore(db).set({
        sha: lazyAlloc,
        branch,
        status: 'rejected',
        who: 'Greg <greg@example.org>',
        why: 'NAK: waits for the follow-up',
        source: 'cli',
      });
    } finally {
      db.close();
    }
    type V = { sha: string; branch: string; verdict: string; probability: number; confidence: number; reasons: { text: string; source?: string }[] };
    const j = await ok<V & { threshold: number }>('judge', { commit: lazyAlloc, branch });
    expect(j.verdict).toBe('NO');
    expect(j.reasons[0]).toMatchObject({
      source: 'review',
      text: expect.stringMatching(/^rejected by Greg <greg@example\.org> on \d{4}-\d\d-\d\d: NAK: waits for the follow-up$/),
    });
    // The same verdict, reasons and numbers as the CLI's scan of the window prints for that commit.
    const scan = spawnSync(
      process.execPath,
      ['--import', 'tsx', BIN, 'scan', demo.demo.window, '--branch', branch, '--all', '--json', '--repo', demo.repoDir, '--db', demo.dbPath],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(scan.status, scan.stderr).toBe(0);
    const fromScan = scan.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as V)
      .find((v) => v.sha === lazyAlloc);
    const { threshold: _t, ...judged } = j;
    expect(judged).toEqual(fromScan);
    const ex = await ok<{ case: { branches: { branch: string; verdict: string; reasons: string[] }[]; recommendation: { targets: string[] } } }>('explain', {
      commit: lazyAlloc,
      branches: [branch],
      apply: false,
    });
    expect(ex.case.branches[0]).toMatchObject({ branch, verdict: 'NO' });
    expect(ex.case.branches[0]?.reasons[0]).toBe(j.reasons[0]?.text);
    expect(ex.case.recommendation.targets).not.toContain(branch);
    // The CLI's explain applies it the same way.
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', BIN, 'explain', lazyAlloc, '--branch', branch, '--no-apply', '--format', 'json', '--repo', demo.repoDir, '--db', demo.dbPath],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as { branches: { verdict: string; reasons: string[] }[] }).branches[0]).toMatchObject({
      verdict: 'NO',
      reasons: ex.case.branches[0]!.reasons,
    });
  });

  it('every tool was called, and the repository is unchanged', () => {
    expect([...called].sort()).toEqual(TOOLS.map((t) => t.name).sort());
    expectRepoUnchanged(demo.repoDir, before);
  });

  it('exits by itself (code 0) when the client closes its stdin, also after a code tool started git', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'mcp', '--repo', demo.repoDir, '--db', demo.dbPath], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    onTestFinished(() => void (child.exitCode === null && child.kill()));
    let out = '';
    const answered = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"id":2')) resolve();
      });
    });
    const send = (m: unknown): boolean => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'find_function', arguments: { name: 'scx_enable' } } });
    await answered;
    expect(out).toContain('kernel/sched/ext.c');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
