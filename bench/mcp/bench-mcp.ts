/**
 * Every MCP tool timed through the SDK's Client over stdio against `stablepick mcp` on a real repository
 * whose index exists (and has a trained model), and find_callers against `git grep -w` of the same name.
 *
 *   npx tsx bench/mcp/bench-mcp.ts --repo /work/.mirror/DPDK+dpdk/repo --db /tmp/dpdk.sqlite \
 *     --commit 38f72e500b3b --branch 25.11 --function rte_dma_configure
 *
 * Each tool is called twice in one server session: the first call pays for what the session loads on first
 * use (the C parser, the commit graph, the history for the selection), the second is what an agent's later
 * calls see. Both are reported. Then `explain` and `prerequisites` each alone in a fresh session (the
 * session keeps answers of git between calls, so in the first table they may reuse what earlier calls about
 * the same commit asked). `--alone` runs only those two fresh sessions (with the server's own CPU time).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { argv, opt } from '../args.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = opt('--repo');
const db = opt('--db');
const commit = opt('--commit');
const branch = opt('--branch');
const fn = opt('--function');
if (!repo || !db || !commit || !branch || !fn) {
  process.stderr.write('usage: bench-mcp.ts --repo R --db F --commit SHA --branch S --function NAME\n');
  process.exit(2);
}

const calls: [string, Record<string, unknown>][] = [
  ['list_branches', {}],
  ['show_commit', { commit }],
  ['find_commit', { subject: 'fix', path: 'lib/ethdev', limit: 20 }],
  ['branch_holds', { commit, branch }],
  ['find_function', { name: fn }],
  ['find_callers', { name: fn }],
  ['find_callchain', { name: fn }],
  ['diff_functions', { commit }],
  ['grep_functions', { pattern: `${fn}\\(`, limit: 100 }],
  ['judge', { commit, branch }],
  ['follow_ups', { commit, branch }],
  ['prerequisites', { commit, branch }],
  ['affected', { commit }],
  ['apply_check', { commits: [commit], branch }],
  ['explain', { commit, branches: [branch] }],
  ['audit', { branch }],
];

/** `--alone`: only the fresh-session calls of explain and prerequisites (a quicker before/after). */
const aloneOnly = argv.includes('--alone');
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
const rows: string[] = ['| tool | 1st call (s) | 2nd call (s) | answer |', '| --- | ---: | ---: | --- |'];
const client = new Client({ name: 'bench', version: '1' });
if (!aloneOnly)
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [path.join(ROOT, 'bin', 'stablepick.js'), 'mcp', '--repo', repo, '--db', db],
      env,
      stderr: 'inherit',
    }),
  );
for (const [name, args] of aloneOnly ? [] : calls) {
  const times: number[] = [];
  let note = '';
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
    times.push((performance.now() - t0) / 1000);
    const text = r.content[0]?.text ?? '';
    note = r.isError ? `ERROR ${text}` : `${text.length} chars`;
  }
  rows.push(`| ${name} | ${times[0]!.toFixed(2)} | ${times[1]!.toFixed(2)} | ${note} |`);
}
if (!aloneOnly) await client.close();

// The slowest tools alone: each in a fresh session (nothing kept from other calls), after the warm-up.
const cold = [calls.find((c) => c[0] === 'explain')!, calls.find((c) => c[0] === 'prerequisites')!];
// Also the server process's own CPU time during the call and its resident size (Linux /proc): what the
// machine's other load does not change much, unlike the wall time.
rows.push('', '| tool alone, fresh session | call (s) | server CPU in the call (s) | server RSS (MB) | answer |', '| --- | ---: | ---: | ---: | --- |');
const procStat = (pid: number | null | undefined): { cpu: number; rssMb: number } | null => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / 100, rssMb: (Number(f[21]) * 4096) / 2 ** 20 };
  } catch {
    return null;
  }
};
for (const [name, args] of cold) {
  const c = new Client({ name: 'bench', version: '1' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'bin', 'stablepick.js'), 'mcp', '--repo', repo, '--db', db],
    env,
    stderr: 'inherit',
  });
  await c.connect(transport);
  await new Promise((r) => setTimeout(r, 6000)); // the warm-up after the handshake (parser, history, graphs)
  const before = procStat(transport.pid);
  const t0 = performance.now();
  const r = (await c.callTool({ name, arguments: args })) as { isError?: boolean; content: { text: string }[] };
  const t = (performance.now() - t0) / 1000;
  const after = procStat(transport.pid);
  const cpu = before && after ? (after.cpu - before.cpu).toFixed(2) : '?';
  rows.push(
    `| ${name} | ${t.toFixed(2)} | ${cpu} | ${after ? after.rssMb.toFixed(0) : '?'} | ${r.isError ? `ERROR ${r.content[0]?.text ?? ''}` : `${r.content[0]?.text.length ?? 0} chars`} |`,
  );
  await c.close();
}

if (aloneOnly) {
  process.stdout.write(`${rows.slice(3).join('\n')}\n`);
  process.exit(0);
}

// find_callers against `git grep -w` of the same name, each timed 3 times (median).
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const grepTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  spawnSync('git', ['--git-dir', repo, 'grep', '-w', '-n', fn, 'HEAD', '--', '*.c', '*.h'], { maxBuffer: 1 << 28 });
  grepTimes.push((performance.now() - t0) / 1000);
}
const c2 = new Client({ name: 'bench', version: '1' });
await c2.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'bin', 'stablepick.js'), 'mcp', '--repo', repo, '--db', db],
    env,
    stderr: 'inherit',
  }),
);
await c2.callTool({ name: 'find_function', arguments: { name: 'main' } }); // load the parser once
const callerTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await c2.callTool({ name: 'find_callers', arguments: { name: fn } });
  callerTimes.push((performance.now() - t0) / 1000);
}
await c2.close();
rows.push(
  '',
  `find_callers ${fn}: median ${median(callerTimes).toFixed(3)} s; git grep -w ${fn} HEAD -- '*.c' '*.h': median ${median(grepTimes).toFixed(3)} s; ratio ${(median(callerTimes) / median(grepTimes)).toFixed(2)}x`,
);
process.stdout.write(`${rows.join('\n')}\n`);
