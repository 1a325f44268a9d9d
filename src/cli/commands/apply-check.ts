/**
 * `stablepick apply-check <sha...> --branch S [--branch S2] [--queue] [--json] [--patch-dir DIR]`:
 * does each commit cherry-pick onto each branch, and with which patch. Nothing is written to the
 * repository (trial merges in a private object directory).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { applyOntoBranches } from '../../analysis/apply/branch-run.js';
import type { ApplyResult, QueueResult } from '../../analysis/apply/types.js';
import { StablepickError } from '../../errors.js';
import { openRepository } from '../../git/repo.js';
import { defaultDbPath } from '../../history/db.js';
import { setExitStatus } from '../output.js';
import { outsideRepository } from '../validate.js';
import type { CommandModule } from '../command-module.js';
import { patchSlug } from '../context.js';
import { writeOutputFile } from '../../report/output-file.js';

export interface ApplyCheckCliOptions {
  repo?: string;
  /** The index whose result cache to use (default: the repository's index, when it exists). */
  db?: string;
  branch: string[];
  json?: boolean;
  patchDir?: string;
  queue?: boolean;
  blame?: boolean;
  abbrevIndex?: boolean;
}

/** What the command prints, for callers that want the results rather than the text. */
export interface ApplyCheckRun {
  results: ApplyResult[];
  queues: QueueResult[];
  patchFiles: string[];
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export const applyCheckCommand: CommandModule = {
  register(program: Command) {
    program
      .command('apply-check')
      .description('does each commit cherry-pick cleanly onto each branch (trial merge, nothing written to the repository)')
      .argument('<sha...>', 'upstream commits to try, in order')
      .requiredOption('--branch <branch>', 'branch name or any commit to use as the tip (repeatable)', collect)
      .option('--repo <dir>', 'the git repository (default: the current directory)')
      .option('--db <file>', "the index whose cache keeps results by (commit, tip) (default: the repository's index, if built)")
      .option('--queue', 'apply the commits one after another, each onto the previous result; stop at the first conflict')
      .option('--json', 'one JSON object per line per (commit, branch)')
      .option('--patch-dir <dir>', 'write the adapted patch of every clean pick there (format-patch files)')
      .option('--no-blame', 'do not blame conflicting lines (faster; no prerequisites)')
      .option('--abbrev-index', "abbreviated blob ids on the patches' index lines (default: full ids)")
      .action(async (shas: string[], opts: ApplyCheckCliOptions) => {
        const run = await runApplyCheck(shas, opts, (s) => process.stdout.write(s));
        // As `git apply --check`: 1 when a pick does not apply (a queue that stops early), 0 when all do.
        setExitStatus(applyCheckStatus(run));
      });
  },
};

/** 1 when a pick conflicts, or a queue stops before its end; 0 when everything applies. */
function applyCheckStatus(run: ApplyCheckRun): number {
  if (run.queues.some((q) => q.firstFailure !== null)) return 1;
  return run.results.some((r) => r.result === 'conflict') ? 1 : 0;
}

/** The command's work, printing through `out`. */
async function runApplyCheck(shas: readonly string[], opts: ApplyCheckCliOptions, out: (text: string) => void): Promise<ApplyCheckRun> {
  if (!shas.length) throw new StablepickError('BAD_OPTION', { form: 'missing', option: 'commit', fix: 'give one or more commit ids' });
  const branches = opts.branch?.length ? opts.branch : [];
  if (!branches.length) throw new StablepickError('BAD_OPTION', { form: 'missing', option: '--branch', fix: 'give --branch <name or commit>' });
  const repo = await openRepository(opts.repo);
  if (opts.patchDir) outsideRepository(repo, opts.patchDir, '--patch-dir');
  const run: ApplyCheckRun = { results: [], queues: [], patchFiles: [] };
  const index = { path: opts.db ?? defaultDbPath(repo.commonDir), required: opts.db !== undefined };
  await applyOntoBranches(
    repo,
    shas,
    branches,
    { blame: opts.blame !== false, fullIndex: opts.abbrevIndex !== true, queue: opts.queue, index },
    ({ branch, results, queue: q }) => {
      if (q) {
        run.queues.push(q);
        if (!opts.json)
          out(
            q.firstFailure
              ? `queue onto ${branch}: stops at ${q.firstFailure.index + 1}/${shas.length} (${q.firstFailure.sha.slice(0, 12)})\n`
              : `queue onto ${branch}: all ${shas.length} apply\n`,
          );
      }
      for (const [i, r] of results.entries()) {
        run.results.push(r);
        if (opts.patchDir && r.patch) {
          const dir = branches.length > 1 ? path.join(opts.patchDir, safeName(branch)) : opts.patchDir;
          mkdirSync(dir, { recursive: true });
          const file = path.join(dir, `${String(i + 1).padStart(4, '0')}-${patchSlug(r.subject)}.patch`);
          writeOutputFile(file, r.patch);
          run.patchFiles.push(file);
        }
        out(opts.json ? `${JSON.stringify(r)}\n` : describe(r));
      }
    },
  );
  return run;
}

function safeName(branch: string): string {
  return branch.replace(/[^A-Za-z0-9._-]+/g, '_');
}

function describe(r: ApplyResult): string {
  const lines = [`${r.sha.slice(0, 12)} ${r.subject}`, `  onto ${r.branch} (${r.tip.slice(0, 12)}): ${r.result} — ${r.reason}`];
  if (r.appliedAs && r.appliedAs !== r.sha) lines.push(`  applied as ${r.appliedAs.slice(0, 12)}`);
  for (const f of r.conflicts) {
    const ranges = f.hunks.map((h) => (h.branch ? `${h.branch.start}-${h.branch.start + Math.max(0, h.branch.count - 1)}` : '?')).join(', ');
    lines.push(`  conflict ${f.path} [${f.kinds.join(', ')}]${ranges ? ` branch lines ${ranges}` : ''}`);
  }
  for (const b of r.branchCommits.slice(0, 5)) {
    lines.push(`  branch change ${b.sha.slice(0, 12)} "${b.summary}"${b.upstream ? ` (upstream ${b.upstream.slice(0, 12)})` : ''}`);
  }
  for (const p of r.prerequisites.slice(0, 5)) {
    lines.push(`  likely prerequisite ${p.sha.slice(0, 12)} "${p.summary}"${p.onBranchAs ? ` (backported as ${p.onBranchAs.slice(0, 12)})` : ''}`);
  }
  if (r.resultTree && (r.result === 'clean' || r.result === 'clean-with-offset')) lines.push(`  result tree ${r.resultTree}`);
  return `${lines.join('\n')}\n`;
}
