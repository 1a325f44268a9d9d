/** `stablepick scan A..B --branch S[,S2]`: a verdict for every non-merge commit of the range, per branch. */
import type { Command } from 'commander';
import type { Verdict } from '../../select/judge.js';
import { judgeRange } from '../../select/judge-range.js';
import { reviewAdjuster } from '../../review/policy.js';
import { StablepickError } from '../../errors.js';
import { indexedRange } from '../revisions.js';
import { branchList, withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJsonLine, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface ScanOptions extends CommonOptions {
  branch: string;
  firstParent?: boolean;
  all?: boolean;
  llmVote?: string | boolean;
  sort?: string;
  verdict?: string;
}

const VERDICTS = ['YES', 'NEEDS-REVIEW', 'NO', 'IN-BRANCH'] as const;

/** `--verdict YES,NEEDS-REVIEW` → the kinds to keep (IN-BRANCH: already held); undefined keeps all. */
function verdictFilter(spec: string | undefined): Set<string> | undefined {
  if (spec === undefined) return undefined;
  const want = new Set(
    spec
      .split(',')
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean),
  );
  for (const w of want)
    if (!(VERDICTS as readonly string[]).includes(w))
      throw new StablepickError('BAD_OPTION', {
        option: '--verdict',
        value: w,
        why: `is not one of ${VERDICTS.join(', ')}`,
        fix: 'e.g. --verdict YES,NEEDS-REVIEW',
      });
  return want;
}

/** Orders one branch's verdicts: 'order' (upstream order, the default) or 'p' (P(pick), highest first). */
function sortVerdicts(vs: readonly Verdict[], sort: string | undefined): Verdict[] {
  if (sort === undefined || sort === 'order') return [...vs];
  if (sort !== 'p')
    throw new StablepickError('BAD_OPTION', { option: '--sort', value: sort, why: 'is not p or order', fix: '--sort p lists the likeliest picks first' });
  return vs
    .map((v, i) => ({ v, i }))
    .sort((a, b) => b.v.probability - a.v.probability || a.i - b.i)
    .map((x) => x.v);
}

const kindOf = (v: Verdict): string => (v.already ? 'IN-BRANCH' : v.verdict);

/** The line a person reads: the deciding rule, else the strongest feature. */
function mainReason(v: Verdict): string {
  const r = v.reasons.find((x) => x.kind === 'rule' && x.decided) ?? v.reasons.find((x) => x.kind === 'rule') ?? v.reasons[0];
  return r ? r.text : '';
}

export const scanCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('scan')
        .description('judge every non-merge commit of an upstream range for stable branches: YES, NO or NEEDS-REVIEW, with a confidence and the reasons')
        .argument('<range>', 'upstream commits, A..B (tags, branches or shas)')
        .requiredOption('--branch <names>', 'stable (or staging) branches, comma-separated')
        .option('--first-parent', 'only the commits on the first-parent chain of B')
        .option('--all', 'in the table, also list NO verdicts')
        .option(
          '--llm-vote [rows]',
          'the language models of your config vote on the NEEDS-REVIEW rows ("all": every row); a disagreement makes a row NEEDS-REVIEW (docs/llm.md)',
        )
        .option('--sort <key>', 'order of the rows: order (upstream order) or p (P(pick), highest first)', 'order')
        .option('--verdict <kinds>', 'only these verdicts, comma-separated: YES, NEEDS-REVIEW, NO, IN-BRANCH'),
    ).action(async (range: string, opts: ScanOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const branches = branchList(opts.branch);
          const keep = verdictFilter(opts.verdict);
          sortVerdicts([], opts.sort);
          const bar = progress(!ctx.json);
          const configDir = ctx.repo.workTree ?? ctx.repo.gitDir;
          const adjust = reviewAdjuster(ctx.db, configDir, opts.config);
          const judged = await judgeRange({
            db: ctx.db,
            repo: ctx.repo,
            configDir,
            ...(opts.config ? { configFile: opts.config } : {}),
            branches,
            range: await indexedRange(ctx, range),
            firstParent: opts.firstParent === true,
            // Review decisions and the config's review policy: a rejected pick stays NO, opt-outs, ACK paths.
            adjust,
            onProgress: (t) => bar.update(t),
          });
          const all = judged.verdicts;
          if (opts.llmVote)
            await (await import('../llm.js')).llmVotes({ ...ctx, configDir, ...(opts.config ? { configFile: opts.config } : {}) }, all, opts.llmVote);
          const rows = (vs: readonly Verdict[]): Verdict[] => sortVerdicts(vs, opts.sort).filter((v) => (keep ? keep.has(kindOf(v)) : true));
          bar.done();
          if (ctx.json) {
            for (const vs of all) for (const v of rows(vs)) printJsonLine(v);
            return;
          }
          const out: string[] = [];
          for (const vs of all) {
            const counts = { YES: 0, NO: 0, 'NEEDS-REVIEW': 0, already: 0 };
            for (const v of vs) {
              if (v.already) counts.already++;
              else counts[v.verdict]++;
            }
            out.push(
              `${vs[0]?.branch ?? branches[all.indexOf(vs)]}: ${vs.length} commits — ${counts.YES} YES, ${counts['NEEDS-REVIEW']} NEEDS-REVIEW, ${counts.NO} NO, ${counts.already} already in the branch`,
            );
            const bp = judged.policies[all.indexOf(vs)];
            if (bp) out.push(`policy of ${bp.branch} now: ${bp.text}`);
            const shown = rows(vs).filter((v) => keep || opts.all || (v.verdict !== 'NO' && !v.already));
            if (shown.length) {
              out.push(
                formatTable(
                  ['commit', 'verdict', 'P(pick)', 'subject', 'why'],
                  shown.map((v) => [
                    v.sha.slice(0, 12),
                    kindOf(v),
                    v.probability.toFixed(2),
                    v.subject.length > 60 ? `${v.subject.slice(0, 57)}...` : v.subject,
                    mainReason(v),
                  ]),
                ),
              );
            }
            out.push('');
          }
          process.stdout.write(`${out.join('\n')}`);
        },
        { mustExist: true },
      );
    });
  },
};
