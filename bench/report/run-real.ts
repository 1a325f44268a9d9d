/**
 * Issue 7 on real history: scan a window, write the AUTOSEL mails of its YES commits, explain a sample of
 * the picks (each case is verified before output), and `git am` every mail onto the branch(es) it names in a
 * throwaway `clone --shared` (src/git/am-check.ts), comparing the patch-id of what `git am` made with the
 * upstream commit's.
 *
 *   npx tsx bench/report/run-real.ts --repo R --db D --range A..B --branch S [--branch S2]
 *        [--out DIR] [--sample 10] [--name label] [--cli-root DIR]
 *
 * The CLI runs from source under `nice`. Work on a copy of the index (cp), never on a shared one. Nothing
 * is written to the repository: am-check clones it (--shared) into a temporary directory. The JSON with
 * every count, sha and error goes to DIR/result.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { amCheck } from '../../src/git/am-check.js';
import { patchIdsOfCommits } from '../../src/git/patch-id.js';
import { argv, opt } from '../args.js';

const opts = (k: string): string[] => argv.flatMap((a, i) => (a === k && argv[i + 1] ? argv[i + 1]!.split(',') : []));
const repo = path.resolve(opt('--repo') ?? '');
const db = path.resolve(opt('--db') ?? '');
const range = opt('--range') ?? '';
const branches = opts('--branch');
const name = opt('--name') ?? path.basename(db).replace(/\.sqlite$/, '');
const outDir = path.resolve(opt('--out') ?? path.join('/tmp/sp-mail-bench', name));
const sample = Number(opt('--sample') ?? 10);
if (!existsSync(repo) || !existsSync(db) || !range.includes('..') || !branches.length) {
  console.error('usage: run-real.ts --repo R --db D --range A..B --branch S [--branch S2] [--out DIR] [--sample 10]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
// --cli-root DIR: run the CLI of another copy of the tree (e.g. one with a proposed fix applied); default this one.
const root = path.resolve(opt('--cli-root') ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../..'));
const uptime = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface Run {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
  load: string;
}
function cli(args: string[]): Run {
  const load = uptime();
  const t0 = performance.now();
  const r = spawnSync('nice', ['-n', '10', process.execPath, '--import', 'tsx', path.join(root, 'src/cli/bin.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { seconds: (performance.now() - t0) / 1000, code: r.status, stdout: r.stdout, stderr: r.stderr, load };
}
const common = ['--repo', repo, '--db', db];
const result: Record<string, unknown> = { name, repo, db, range, branches, startedAt: new Date().toISOString(), loadAtStart: uptime() };
const save = (): void => writeFileSync(path.join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
const log = (s: string): void => {
  process.stderr.write(`[${name}] ${s}\n`);
};

// 1. scan
log(`scan ${range} --branch ${branches.join(',')}`);
const scan = cli(['scan', range, '--branch', branches.join(','), '--json', ...common]);
if (scan.code !== 0) throw new Error(`scan failed (${scan.code}): ${scan.stderr.trim().split('\n').pop()}`);
interface V {
  sha: string;
  branch: string;
  verdict: 'YES' | 'NO' | 'NEEDS-REVIEW';
  already: string | null;
  reasons: { text: string; evidence?: Record<string, unknown> }[];
}
writeFileSync(path.join(outDir, 'scan.jsonl'), scan.stdout);
const verdicts = scan.stdout
  .trim()
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as V);
const scanCounts: Record<string, Record<string, number>> = {};
for (const v of verdicts) {
  const c = (scanCounts[v.branch] ??= { commits: 0, YES: 0, 'NEEDS-REVIEW': 0, NO: 0, already: 0 });
  c.commits!++;
  if (v.already) c.already!++;
  else c[v.verdict] = (c[v.verdict] ?? 0) + 1;
}
const yesAny = new Set(verdicts.filter((v) => v.verdict === 'YES' && !v.already).map((v) => v.sha));
// YES verdicts whose printed reasons name a stable pick by its short sha (evidence.pick, or "picked as"/"holds ... as").
const namesPick = verdicts.filter(
  (v) => v.verdict === 'YES' && !v.already && v.reasons.some((r) => typeof r.evidence?.pick === 'string' || / as [0-9a-f]{12}\b/.test(r.text)),
);
result.scan = {
  seconds: scan.seconds,
  load: scan.load,
  cliRoot: root,
  counts: scanCounts,
  yesInSomeBranch: yesAny.size,
  yesVerdictsNamingAPick: namesPick.length,
  yesCommitsNamingAPick: new Set(namesPick.map((v) => v.sha)).size,
};
save();
log(`scan ${scan.seconds.toFixed(1)}s ${JSON.stringify(scanCounts)}`);

// 2. mail
const mbox = path.join(outDir, 'series.mbox');
rmSync(mbox, { force: true });
log('mail');
const mail = cli([
  'mail',
  range,
  '--branch',
  branches.join(','),
  '--out',
  mbox,
  '--from',
  'Stablepick Bench <bench@stablepick.invalid>',
  '--to',
  'stable@example.org',
  '--format',
  'autosel',
  '--json',
  ...common,
]);
writeFileSync(path.join(outDir, 'mail.stderr'), mail.stderr);
// Since c4cbf59 a case that fails the fact check is listed in `failed`, the rest is written and the command
// exits 1 with the JSON on stdout: go on with what was written, and record the failures.
const mailError = mail.code !== 0 ? (mail.stderr.trim().split('\n').pop() ?? `exit ${mail.code}`) : null;
let parsed: unknown = null;
try {
  parsed = mail.stdout.trim() ? JSON.parse(mail.stdout) : null;
} catch {
  parsed = null;
}
if (mail.code !== 0 && (!parsed || !existsSync(mbox))) {
  result.mail = { seconds: mail.seconds, load: mail.load, code: mail.code, error: mailError };
  save();
  throw new Error(`mail failed (${mail.code}): ${mailError}`);
}
writeFileSync(path.join(outDir, 'mail.json'), mail.stdout);
interface MailSummary {
  judged: number;
  mails: { sha: string; kind: 'pick' | 'dependency'; subject: string; branches: string[]; messageId: string; to: string[]; cc: string[] }[];
  skipped: { sha: string; subject: string; reason: string }[];
  failed?: { sha: string; subject: string; reason: string }[];
}
const ms = parsed as MailSummary;
const skipReasons: Record<string, number> = {};
for (const s of ms.skipped) {
  const key = s.reason
    .replace(/[0-9a-f]{12,40}/g, '<sha>')
    .replace(/ — .*$/, '')
    .slice(0, 90);
  skipReasons[key] = (skipReasons[key] ?? 0) + 1;
}
const mailedShas = new Set(ms.mails.map((m) => m.sha));
const yesNotMailed = [...yesAny].filter((s) => !mailedShas.has(s));
result.mail = {
  seconds: mail.seconds,
  load: mail.load,
  code: mail.code,
  error: mailError,
  failed: ms.failed ?? null,
  judged: ms.judged,
  mails: ms.mails.length,
  picks: ms.mails.filter((m) => m.kind === 'pick').length,
  dependencies: ms.mails.filter((m) => m.kind === 'dependency').length,
  perBranch: Object.fromEntries(branches.map((b) => [b, ms.mails.filter((m) => m.branches.includes(b)).length])),
  skippedEntries: ms.skipped.length,
  skippedDistinctCommits: new Set(ms.skipped.map((s) => s.sha)).size,
  skipReasons,
  skipped: ms.skipped,
  yesNotMailed: yesNotMailed.length,
  yesNotMailedWithoutSkipEntry: yesNotMailed.filter((s) => !ms.skipped.some((k) => k.sha === s)),
  mailList: ms.mails.map((m) => ({ sha: m.sha, kind: m.kind, branches: m.branches, subject: m.subject })),
};
save();
log(`mail ${mail.seconds.toFixed(1)}s: ${ms.mails.length} mails, ${ms.skipped.length} skip entries`);

// The mbox: entries, their subjects, the trial-pick results their cases state.
const text = readFileSync(mbox, 'utf8');
const starts = [...text.matchAll(/^From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001$/gm)];
const entries = starts.map((m, k) => ({ sha: m[1]!, text: text.slice(m.index ?? 0, starts[k + 1]?.index ?? text.length) }));
const problems: string[] = [];
if (entries.length !== ms.mails.length) problems.push(`mbox has ${entries.length} entries, JSON lists ${ms.mails.length} mails`);
const versionOf = new Map<string, string>();
for (const b of branches) versionOf.set(b, b.replace(/^stable-/, ''));
function subjectTag(t: string): string | null {
  const m = /^Subject: \[PATCH AUTOSEL ([^\]\s]+)[^\]]*\]/m.exec(t);
  return m ? m[1]! : null;
}
const mailInfo = entries.map((e, i) => {
  const j = ms.mails[i];
  const tag = subjectTag(e.text);
  if (!j || j.sha !== e.sha) problems.push(`mbox entry ${i + 1} is ${e.sha.slice(0, 12)}, JSON says ${j?.sha.slice(0, 12)}`);
  const named = (tag ?? '').split('-');
  const js = j?.branches ?? [];
  // The subject names newest-oldest (or one version): it must match the first and last branch of the mail.
  const expect = js.length ? [versionOf.get(js[0]!) ?? js[0]!, ...(js.length > 1 ? [versionOf.get(js[js.length - 1]!) ?? js[js.length - 1]!] : [])] : [];
  if (named.join('-') !== expect.join('-')) problems.push(`${e.sha.slice(0, 12)}: subject tag ${tag} but JSON branches ${js.join(',')}`);
  const trials = [...e.text.matchAll(new RegExp(`trial pick of ${e.sha.slice(0, 12)}: ([a-z-]+)`, 'g'))].map((m) => m[1]!);
  // Bug B's false claim was "was itself fixed later by <its own backport>": list every "fixed later" line of
  // the mail's analysis part to check by hand / against the index.
  // The analysis sits between the `---` line and the first `diff --git`.
  const analysisPart = (e.text.split(/^---$/m)[1] ?? '').split(/^diff --git /m)[0] ?? '';
  const fixedLater = analysisPart
    .split('\n')
    .filter((l) => /fixed later/i.test(l))
    .map((l) => l.trim());
  return { sha: e.sha, kind: j?.kind, branches: js, tag, trials, fixedLater, text: e.text };
});
result.fixedLater = mailInfo.filter((m) => m.fixedLater.length).map((m) => ({ sha: m.sha, lines: m.fixedLater }));

// 3. explain a sample of the picks
const picks = mailInfo.filter((m) => m.kind === 'pick');
const step = Math.max(1, Math.floor(picks.length / Math.max(1, sample)));
const chosen = picks.filter((_, i) => i % step === 0).slice(0, sample);
const explains: {
  sha: string;
  ok: boolean;
  seconds: number;
  citations: number | null;
  byKind: Record<string, number>;
  verdict: string | null;
  targets: string[];
  error: string | null;
}[] = [];
for (const p of chosen) {
  log(`explain ${p.sha.slice(0, 12)}`);
  const r = cli(['explain', p.sha, '--branch', branches.join(','), '--format', 'json', ...common]);
  let citations: number | null = null;
  const byKind: Record<string, number> = {};
  let verdict: string | null = null;
  let targets: string[] = [];
  if (r.code === 0) {
    const c = JSON.parse(r.stdout) as { citations: { kind: string }[]; verdict: string; recommendation: { targets: string[] } };
    citations = c.citations.length;
    for (const x of c.citations) byKind[x.kind] = (byKind[x.kind] ?? 0) + 1;
    verdict = c.verdict;
    targets = c.recommendation.targets;
  }
  const err = r.code === 0 ? null : (r.stderr.trim().split('\n').pop() ?? `exit ${r.code}`);
  explains.push({
    sha: p.sha,
    ok: r.code === 0 && !/UNVERIFIED_FACT|does not check out|unchecked fact/.test(r.stderr),
    seconds: r.seconds,
    citations,
    byKind,
    verdict,
    targets,
    error: err,
  });
}
result.explain = {
  sampled: explains.length,
  ok: explains.filter((e) => e.ok).length,
  failed: explains.filter((e) => !e.ok).map((e) => ({ sha: e.sha, error: e.error })),
  citationsPerCase: explains.filter((e) => e.citations !== null).map((e) => e.citations),
  targetsDifferFromMail: explains
    .filter((e) => e.ok && e.targets.join(',') !== (mailInfo.find((m) => m.sha === e.sha)?.branches ?? []).join(','))
    .map((e) => ({ sha: e.sha, explain: e.targets, mail: mailInfo.find((m) => m.sha === e.sha)?.branches })),
  seconds: explains.map((e) => Number(e.seconds.toFixed(1))),
  cases: explains,
};
save();

// 4. git am every mail onto each branch it names (subject/JSON), skipping a mail that fails and going on.
const upstreamIds = await patchIdsOfCommits(
  { gitDir: repo },
  mailInfo.map((m) => m.sha),
);
const tmpRoot = path.join(os.tmpdir(), 'sp-mail-bench-am');
mkdirSync(tmpRoot, { recursive: true });
const am: Record<string, unknown> = {};
for (const b of branches) {
  const mine = mailInfo.filter((m) => m.branches.includes(b));
  const t0 = performance.now();
  const load = uptime();
  let queue = [...mine];
  const applied: { sha: string; amSha: string; patchIdEqual: boolean; trials: string[] }[] = [];
  const failed: { sha: string; error: string; kind: string | undefined }[] = [];
  const runs: number[] = [];
  let guard = 0;
  while (queue.length && guard++ < mine.length + 1) {
    // Earlier successes are re-applied in each run (the later mails may build on them).
    const series = [...mine.filter((m) => applied.some((a) => a.sha === m.sha)), ...queue];
    const r = await amCheck({ gitDir: repo }, b, series.map((m) => m.text).join(''), { tmpRoot });
    runs.push(r.applied.length);
    const done = r.applied.length - applied.length;
    for (let k = 0; k < done; k++) {
      const m = queue[k]!;
      const c = r.applied[applied.length]!;
      applied.push({ sha: m.sha, amSha: c.sha, patchIdEqual: !!c.patchId && c.patchId === upstreamIds.get(m.sha), trials: m.trials });
    }
    queue = queue.slice(done);
    if (r.ok) break;
    const bad = queue.shift();
    if (bad) failed.push({ sha: bad.sha, error: r.error ?? 'unknown', kind: bad.kind });
  }
  const differ = applied.filter((a) => !a.patchIdEqual);
  am[b] = {
    mails: mine.length,
    applied: applied.length,
    failed: failed.length,
    failures: failed,
    patchIdEqual: applied.length - differ.length,
    patchIdDiffer: differ.map((d) => ({ sha: d.sha, trials: d.trials })),
    amRuns: runs.length,
    seconds: (performance.now() - t0) / 1000,
    load,
  };
  save();
  log(`am ${b}: ${applied.length}/${mine.length} applied, ${failed.length} failed, ${differ.length} patch-id differ`);
}
result.am = am;
result.problems = problems;
result.loadAtEnd = uptime();
save();
log(`done: ${path.join(outDir, 'result.json')}`);
