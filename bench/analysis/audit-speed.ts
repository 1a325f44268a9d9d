/**
 * What `stablepick audit --branch S --json` does, end to end through the library (open the workspace,
 * load graphs, audit, serialise), against the plain-git commands that produce the same raw material, 3 runs each,
 * alternating, in the same process.
 *
 *   npx tsx bench/analysis/audit-speed.ts dpdk|xen
 */
import { spawnSync } from 'node:child_process';
import { auditBranch } from '../../src/analysis/audit/audit.js';
import { withContext } from '../../src/workspace.js';

const PROJECTS = {
  dpdk: { repo: '/work/.mirror/DPDK+dpdk/repo', db: '/tmp/deps-dpdk.sqlite', branch: '22.11', mainline: 'main', base: 'v22.11' },
  xen: {
    repo: '/work/.mirror/xen-project+xen/repo',
    db: '/tmp/deps-xen.sqlite',
    branch: 'stable-4.19',
    mainline: 'master',
    base: '57338346f29cea7b183403561bdc5f407163b846',
  },
} as const;
const P = PROJECTS[(process.argv[2] ?? 'dpdk') as keyof typeof PROJECTS];

async function runAudit(): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const bytes = await withContext({ repo: P.repo, db: P.db, json: true }, (ctx) => JSON.stringify(auditBranch(ctx, P.branch), null, 2).length + 1, {
    mustExist: true,
  });
  return { ms: performance.now() - t, bytes };
}

function peer(): number {
  const t = performance.now();
  for (const args of [
    ['log', '--no-merges', '--format=%H %(trailers:key=Fixes,valueonly,separator=;)', `${P.base}..${P.mainline}`],
    ['rev-list', P.branch],
    ['log', '--format=%H%n%B', `${P.base}..${P.branch}`],
  ]) {
    const r = spawnSync('git', ['--git-dir', P.repo, ...args], { maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(r.stderr.toString());
  }
  return performance.now() - t;
}

const runs: { audit: number; peer: number; bytes: number }[] = [];
for (let i = 0; i < 3; i++) {
  const a = await runAudit();
  runs.push({ audit: Math.round(a.ms), peer: Math.round(peer()), bytes: a.bytes });
}
console.log(JSON.stringify({ branch: P.branch, runs }));
