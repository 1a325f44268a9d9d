/**
 * Reproduction on real history and speed against `git cherry-pick`.
 *
 *   npx tsx bench/apply/reproduce.ts dpdk [xen bind] [--no-peer] [--no-blame] [--limit N] [--rounds N]
 *
 * For every upstream commit the stable branch picked in the dataset window, apply it (stablepick's trial
 * pick) to the branch as it stood just before its real pick, and compare with the real stable commit and
 * with `git cherry-pick` in a scratch worktree (of a clone under /tmp, never of the mirror). Timings of
 * both are taken in the same run, stablepick before and after the peer. Details go to
 * bench/out/apply/<dataset>.json, the summary table to stdout.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplyChecker } from '../../src/analysis/apply/apply-check.js';
import type { ApplyResult } from '../../src/analysis/apply/types.js';
import { patchIdsOfCommits, patchIdsOfTexts } from '../../src/git/patch-id.js';
import { runGit, type GitTarget } from '../../src/git/run.js';
import { loadSpec, mirrorOf, realPicks, type DatasetSpec, type RealPick } from './datasets.js';

interface PeerOutcome {
  result: 'clean' | 'conflict' | 'empty';
  tree: string | null;
  commit: string | null;
  /** Picked onto a stand-in of the tip (same tree minus blobs missing in the snapshot): compare patch-ids, not trees. */
  standIn: boolean;
}

interface Row {
  pick: RealPick;
  ours: Pick<ApplyResult, 'result' | 'reason' | 'resultTree'> & {
    patchId: string | null;
    conflicts: string[];
    prerequisites: string[];
    branchCommits: string[];
  };
  peer: (PeerOutcome & { patchId: string | null }) | null;
  pidUpstream: string | null;
  pidStable: string | null;
}

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const names = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && (args[i - 1] === '--limit' || args[i - 1] === '--rounds')));
const limit = Number(opt('--limit') ?? '0');
const rounds = Number(opt('--rounds') ?? '1');
const WORK = path.join(os.tmpdir(), 'sp-apply-bench');

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function git(target: GitTarget | null, a: string[], okCodes: number[] = []): Promise<{ code: number; out: string }> {
  const r = await runGit(target, a, { okCodes });
  return { code: r.code, out: r.stdout.toString('utf8').trim() };
}

/** A bare clone with its own copy of the objects (no hard links into the mirror). */
async function cloneOf(spec: DatasetSpec): Promise<GitTarget> {
  const dir = path.join(WORK, spec.name, 'clone.git');
  if (!existsSync(dir)) {
    mkdirSync(path.dirname(dir), { recursive: true });
    process.stderr.write(`cloning ${mirrorOf(spec)} -> ${dir}\n`);
    await git(null, ['clone', '-q', '--bare', '--no-hardlinks', mirrorOf(spec), dir]);
    const t = { gitDir: dir };
    await git(t, ['config', 'gc.auto', '0']);
    await git(t, ['config', 'maintenance.auto', 'false']);
    await git(t, ['config', 'user.name', 'Bench Picker']);
    await git(t, ['config', 'user.email', 'bench@example.org']);
  }
  return { gitDir: dir };
}

/** What a user could see change: refs, HEAD, config, packed-refs (bytes), the objects (names and sizes). */
function stateHash(gitDir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (rel === '' && name === 'worktrees') continue; // the peer's own scratch worktree
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(p);
      if (st.isDirectory()) walk(p, r);
      else {
        h.update(`${r} ${st.size}\n`);
        if (!r.startsWith('objects/')) h.update(readFileSync(p));
      }
    }
  };
  walk(gitDir, '');
  return h.digest('hex');
}

async function runOurs(target: GitTarget, picks: RealPick[]): Promise<{ results: ApplyResult[]; ms: number }> {
  const t0 = process.hrtime.bigint();
  const checker = await ApplyChecker.open(target, { blame: !flag('--no-blame') });
  const results: ApplyResult[] = [];
  try {
    results.push(...(await checker.checkMany(picks.map((p) => ({ sha: p.upstream, tip: p.tip })))));
  } finally {
    checker.close();
  }
  return { results, ms: ms(t0) };
}

/**
 * Snapshots may lack a few large blobs (BIND: tests/bench/names.csv). A commit whose tree names a
 * missing blob can be neither checked out nor committed onto, so the peer gets, for each such tip, a
 * stand-in commit with the same tree minus those files (made before timing). The picks never touch them.
 */
async function missingPaths(clone: GitTarget, tip: string): Promise<string[]> {
  const r = await git(clone, ['ls-tree', '-r', '-z', tip]);
  const entries = r.out.split('\0').filter(Boolean);
  const blobs = entries.map((e) => /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(e)).filter((m): m is RegExpExecArray => !!m);
  const check = await runGit(clone, ['cat-file', '--batch-check'], { input: `${blobs.map((m) => m[1]).join('\n')}\n` });
  const missing = new Set(
    check.stdout
      .toString('utf8')
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
  return blobs.filter((m) => missing.has(m[1] ?? '')).map((m) => m[2] ?? '');
}

async function standIn(clone: GitTarget, tip: string, drop: string[], scratchIndex: string): Promise<string> {
  // update-index wants a work tree; with a scratch index file it neither reads nor writes it.
  const env = { GIT_INDEX_FILE: scratchIndex };
  await runGit(clone, ['read-tree', tip], { env });
  await runGit(clone, ['update-index', '--force-remove', '--', ...drop], { env });
  const tree = (await runGit(clone, ['write-tree'], { env })).stdout.toString('utf8').trim();
  return (await runGit(clone, ['commit-tree', tree, '-p', tip, '-m', 'stand-in without blobs missing in the snapshot'])).stdout.toString('utf8').trim();
}

async function runPeer(clone: GitTarget, spec: DatasetSpec, picks: RealPick[]): Promise<{ outcomes: PeerOutcome[]; ms: number }> {
  const wt = path.join(WORK, spec.name, 'peer-wt');
  const first = picks[0];
  if (!first) return { outcomes: [], ms: 0 };
  if (!existsSync(wt)) await git(clone, ['worktree', 'add', '-q', '-f', '--no-checkout', '--detach', wt, first.tip]);
  const w = (a: string[], ok: number[] = []): Promise<{ code: number; out: string }> => git(null, ['-C', wt, ...a], ok);
  // Untimed preparation: stand-ins for tips whose trees name missing blobs.
  const onto = new Map<string, string>();
  const drop = await missingPaths(clone, first.tip);
  if (drop.length) {
    process.stderr.write(`peer: tips carry blobs missing in the snapshot (${drop.join(', ')}): picking onto stand-ins without them\n`);
    const scratch = path.join(WORK, spec.name, 'standin.index');
    const withWt: GitTarget = { gitDir: clone.gitDir, workTree: wt };
    for (const p of picks) if (!onto.has(p.tip)) onto.set(p.tip, await standIn(withWt, p.tip, drop, scratch));
  }
  await w(['cherry-pick', '--abort'], [128, 1]);
  await w(['checkout', '-q', '-f', '--detach', onto.get(first.tip) ?? first.tip]);
  const outcomes: PeerOutcome[] = [];
  let total = 0;
  for (const p of picks) {
    let t = process.hrtime.bigint();
    await w(['checkout', '-q', '-f', '--detach', onto.get(p.tip) ?? p.tip]);
    const cp = await w(['cherry-pick', p.upstream], [1, 128]);
    total += ms(t);
    if (cp.code === 0) {
      const head = await w(['rev-parse', 'HEAD', 'HEAD^{tree}']);
      const [commit, tree] = head.out.split('\n');
      outcomes.push({ result: 'clean', tree: tree ?? null, commit: commit ?? null, standIn: onto.has(p.tip) });
      continue;
    }
    const unmerged = await w(['ls-files', '-u']);
    outcomes.push({ result: unmerged.out ? 'conflict' : 'empty', tree: null, commit: null, standIn: onto.has(p.tip) });
    t = process.hrtime.bigint();
    await w(['cherry-pick', '--abort'], [128, 1]);
    total += ms(t);
  }
  return { outcomes, ms: total };
}

/** patch-ids by commit; commits git cannot diff (missing objects) are absent. */
async function safePatchIds(target: GitTarget, shas: string[]): Promise<Map<string, string | null>> {
  try {
    return await patchIdsOfCommits(target, shas);
  } catch {
    const out = new Map<string, string | null>();
    for (const s of shas) {
      try {
        out.set(s, (await patchIdsOfCommits(target, [s])).get(s) ?? null);
      } catch {
        /* left out */
      }
    }
    return out;
  }
}

/** Picks stablepick cannot try in this snapshot (a missing object): found one by one, only when the batch fails. */
async function dropFailing(target: GitTarget, picks: RealPick[], skipped: { upstream: string; why: string }[]): Promise<RealPick[]> {
  try {
    await runOurs(target, picks);
    return picks;
  } catch {
    const keep: RealPick[] = [];
    const checker = await ApplyChecker.open(target);
    try {
      for (const p of picks) {
        try {
          await checker.checkResolved(p.upstream, p.tip);
          keep.push(p);
        } catch (e) {
          skipped.push({ upstream: p.upstream, why: (e as Error).message });
        }
      }
    } finally {
      checker.close();
    }
    return keep;
  }
}

function pct(a: number, b: number): string {
  return b ? `${((100 * a) / b).toFixed(1)} %` : '-';
}

async function runDataset(name: string): Promise<string[]> {
  const spec = loadSpec(name);
  const clone = await cloneOf(spec);
  const { picks: all, missing } = await realPicks(clone, spec);
  let picks = limit ? all.slice(0, limit) : all;
  process.stderr.write(`${spec.name}: ${picks.length} picks (${missing.length} labelled picks without a stable commit found)\n`);

  // Snapshots may lack their largest blobs: leave out the picks git cannot diff or merge here.
  const skipped: { upstream: string; why: string }[] = [];
  const pids = await safePatchIds(clone, [...new Set(all.flatMap((p) => [p.upstream, p.stable]))]);
  let usable = picks.filter((p) => {
    const ok = pids.has(p.upstream) && pids.has(p.stable);
    if (!ok) skipped.push({ upstream: p.upstream, why: 'no diff (object missing in the snapshot)' });
    return ok;
  });
  usable = await dropFailing(clone, usable, skipped);
  if (skipped.length) process.stderr.write(`left out ${skipped.length}: ${JSON.stringify(skipped)}\n`);
  picks = usable;

  const before = stateHash(clone.gitDir);
  const oursTimes: number[] = [];
  const first = await runOurs(clone, picks);
  oursTimes.push(first.ms);
  const untouched = stateHash(clone.gitDir) === before;
  const peerTimes: number[] = [];
  let peer: PeerOutcome[] | null = null;
  for (let r = 0; r < rounds && !flag('--no-peer'); r++) {
    const p = await runPeer(clone, spec, picks);
    peer = p.outcomes;
    peerTimes.push(p.ms);
    const again = await runOurs(clone, picks);
    oursTimes.push(again.ms);
    for (const [i, x] of again.results.entries()) {
      if (x.result !== first.results[i]?.result || x.resultTree !== first.results[i]?.resultTree) throw new Error(`non-deterministic result for ${x.sha}`);
    }
  }

  const ourPids = await patchIdsOfTexts(
    clone,
    first.results.map((r) => r.patch ?? ''),
  );
  const peerCommits = (peer ?? []).map((o) => o.commit).filter((c): c is string => !!c);
  const peerPids = await patchIdsOfCommits(clone, peerCommits);

  const rows: Row[] = picks.map((p, i) => {
    const r = first.results[i] as ApplyResult;
    const po = peer?.[i] ?? null;
    return {
      pick: p,
      ours: {
        result: r.result,
        reason: r.reason,
        resultTree: r.resultTree,
        patchId: ourPids[i] ?? null,
        conflicts: r.conflicts.map((c) => `${c.path} [${c.kinds.join(',')}]`),
        prerequisites: r.prerequisites.map((x) => x.sha),
        branchCommits: r.branchCommits.map((x) => `${x.sha}${x.upstream ? `=${x.upstream}` : ''}`),
      },
      peer: po ? { ...po, patchId: po.commit ? (peerPids.get(po.commit) ?? null) : null } : null,
      pidUpstream: pids.get(p.upstream) ?? null,
      pidStable: pids.get(p.stable) ?? null,
    };
  });

  const applies = (r: Row): boolean => r.ours.result === 'clean' || r.ours.result === 'clean-with-offset';
  const n = rows.length;
  const count = (f: (r: Row) => boolean): number => rows.filter(f).length;
  const identical = (r: Row): boolean => !!r.pidStable && r.pidStable === r.pidUpstream;
  // The maintainer's commit is a clean pick: the upstream patch unchanged, or exactly what git cherry-pick gives.
  const realClean = (r: Row): boolean => identical(r) || (!!r.peer?.patchId && r.peer.patchId === r.pidStable);
  const samePid = (r: Row): boolean => applies(r) && !!r.ours.patchId && r.ours.patchId === r.pidStable;
  const agreeGit = (r: Row): boolean =>
    !!r.peer &&
    ((r.peer.result === 'clean' &&
      applies(r) &&
      (r.peer.standIn ? !!r.peer.patchId && r.peer.patchId === r.ours.patchId : r.peer.tree === r.ours.resultTree)) ||
      (r.peer.result === 'conflict' && r.ours.result === 'conflict') ||
      (r.peer.result === 'empty' && (r.ours.result === 'empty' || r.ours.result === 'already-applied')));

  const stats = {
    dataset: spec.name,
    picks: n,
    labelledPicks: spec.n_backported,
    notFound: missing.length,
    leftOut: skipped,
    clean: count((r) => r.ours.result === 'clean'),
    offset: count((r) => r.ours.result === 'clean-with-offset'),
    conflict: count((r) => r.ours.result === 'conflict'),
    alreadyOrEmpty: count((r) => r.ours.result === 'already-applied' || r.ours.result === 'empty'),
    realIdentical: count(identical),
    realClean: count(realClean),
    applySamePid: count(samePid),
    realCleanSamePid: count((r) => realClean(r) && samePid(r)),
    predictedRight: count((r) => applies(r) === realClean(r)),
    predictedRightVsIdentical: count((r) => applies(r) === identical(r)),
    predictedCleanButAdapted: count((r) => applies(r) && !realClean(r)),
    predictedConflictButClean: count((r) => !applies(r) && realClean(r)),
    agreeWithGit: peer ? count(agreeGit) : null,
    untouched,
    oursMs: oursTimes,
    peerMs: peerTimes,
  };
  const outDir = path.join(process.cwd(), 'bench', 'out', 'apply');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, `${spec.name}.json`), `${JSON.stringify({ stats, rows }, null, 1)}\n`);

  const oursMean = oursTimes.reduce((a, b) => a + b, 0) / oursTimes.length;
  const peerMean = peerTimes.length ? peerTimes.reduce((a, b) => a + b, 0) / peerTimes.length : 0;
  process.stderr.write(`${JSON.stringify(stats)}\n`);
  return [
    `| ${spec.name} | ${n} | ${stats.clean} + ${stats.offset} | ${stats.conflict} | ${stats.alreadyOrEmpty} | ${stats.realClean} (${stats.realIdentical} identical) | ${stats.realCleanSamePid}/${stats.realClean} = ${pct(stats.realCleanSamePid, stats.realClean)} | ${stats.applySamePid}/${stats.clean + stats.offset} | ${stats.predictedRight}/${n} = ${pct(stats.predictedRight, n)} | ${stats.agreeWithGit ?? '-'}/${n} | ${untouched ? 'yes' : 'NO'} |`,
    `| ${spec.name} | ${n} | ${oursTimes.map((t) => (t / 1000).toFixed(1)).join(' / ')} s | ${peerTimes.map((t) => (t / 1000).toFixed(1)).join(' / ') || '-'} s | ${peerMean ? (oursMean / peerMean).toFixed(2) : '-'} | ${(oursMean / n).toFixed(1)} ms | ${peerMean ? (peerMean / n).toFixed(1) : '-'} ms |`,
  ];
}

const quality: string[] = [];
const speed: string[] = [];
for (const name of names.length ? names : ['dpdk', 'xen', 'bind']) {
  const [q, s] = await runDataset(name);
  if (q) quality.push(q);
  if (s) speed.push(s);
}
process.stdout.write(
  [
    `git ${(await runGit(null, ['version'])).stdout
      .toString('utf8')
      .trim()
      .replace(/^git version /, '')}, node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at the end${flag('--no-blame') ? ', conflicts not blamed' : ''}`,
    '',
    '| dataset | picks | clean + offset | conflict | already/empty | real clean picks | real clean: same patch-id | applies: same patch-id as real | clean/conflict right | same as git cherry-pick | repo untouched |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...quality,
    '',
    '| dataset | picks | stablepick (runs) | git cherry-pick loop (runs) | ratio | stablepick per pick | cherry-pick per pick |',
    '|---|---|---|---|---|---|---|',
    ...speed,
    '',
  ].join('\n'),
);
