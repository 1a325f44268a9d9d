/**
 * `stablepick audit --branch S [--as-of DATE] [--classify] [--json]`: mainline fixes of what S holds that
 * S lacks; with --classify, split into "take" (the selection model says YES, not passed over) and
 * "review".
 */
import type { Command } from 'commander';
import { auditBranch } from '../../analysis/audit/audit.js';
import { parseAsOf } from '../../analysis/fixes/as-of.js';
import type { AuditItem } from '../../analysis/audit/types.js';
import { classifiedAudit } from '../../select/audit.js';
import { StablepickError } from '../../errors.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface AuditCliOptions extends CommonOptions {
  branch: string;
  asOf?: string;
  since?: string;
  includeReverted?: boolean;
  classify?: boolean;
  minProbability?: string;
  takeOnly?: boolean;
  takePrecision?: string;
}

export const auditCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('audit')
        .description('every mainline commit that fixes (transitively) something the branch holds and that the branch lacks')
        .requiredOption('--branch <name>', 'the stable branch')
        .option('--as-of <date>', 'replay: the branch and mainline as they were before this date (Unix seconds or ISO date)')
        .option('--since <date>', 'only fixes committed on or after this date')
        .option('--include-reverted', 'also list fixes that upstream reverted')
        .option('--classify', 'split into "take" (the selection model of `stablepick train` says YES, not passed over) and "review"')
        .option('--min-probability <p>', 'with --classify: "take" = model probability at least p instead of the model\'s YES')
        .option('--take-only', 'with --classify: print only the "take" class')
        .option(
          '--take-precision <p>',
          "with --classify: also take what scores at least the threshold at which the project's past fixes of stable-held code (the year before the model's cut) were picked with precision p (trains one more model)",
        ),
    ).action(async (opts: AuditCliOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const asOf = parseAsOf(opts.asOf);
          const since = parseAsOf(opts.since);
          const r = auditBranch(ctx, opts.branch, {
            ...(asOf === undefined ? {} : { asOf }),
            ...(since === undefined ? {} : { since }),
            includeReverted: opts.includeReverted === true,
          });
          const classify = opts.classify === true || opts.minProbability !== undefined || opts.takeOnly === true || opts.takePrecision !== undefined;
          if (!classify) {
            if (ctx.json) return printJson(r);
            const rows = r.missing.map(itemCells);
            process.stdout.write(
              `${formatTable(['sha', 'date', 'depth', 'fixes', 'subject'], rows)}\n${r.missing.length} missing fix(es) for ${r.branch} (tip ${r.tip.slice(0, 12)}); ${r.revertedSkipped} reverted upstream and left out\n`,
            );
            return;
          }
          let minProbability: number | undefined;
          if (opts.minProbability !== undefined) {
            minProbability = Number(opts.minProbability);
            if (!(minProbability >= 0 && minProbability <= 1))
              throw new StablepickError('BAD_OPTION', {
                option: '--min-probability',
                value: String(opts.minProbability),
                why: 'is not a number between 0 and 1',
                fix: 'e.g. --min-probability 0.5',
              });
          }
          let takePrecision: number | undefined;
          if (opts.takePrecision !== undefined) {
            takePrecision = Number(opts.takePrecision);
            if (!(takePrecision > 0 && takePrecision <= 1))
              throw new StablepickError('BAD_OPTION', {
                option: '--take-precision',
                value: String(opts.takePrecision),
                why: 'is not a number in (0, 1]',
                fix: 'e.g. --take-precision 0.8',
              });
          }
          const c = await classifiedAudit(ctx, opts.branch, {
            ...(asOf === undefined ? {} : { asOf }),
            ...(since === undefined ? {} : { since }),
            includeReverted: opts.includeReverted === true,
            ...(minProbability === undefined ? {} : { minProbability }),
            ...(takePrecision === undefined ? {} : { takePrecision }),
            ...(opts.config === undefined ? {} : { config: opts.config }),
          });
          const shown = opts.takeOnly === true ? c.missing.filter((m) => m.class === 'take') : c.missing;
          if (ctx.json) return printJson({ ...c, missing: shown });
          const rows = shown.map((m) => {
            const note = m.revertedUpstream
              ? 'reverted'
              : m.passedOver
                ? 'passed over'
                : m.classReasons.some((t) => t.startsWith('its score'))
                  ? 'threshold'
                  : '';
            return [m.class, m.probability === null ? '-' : m.probability.toFixed(2), note, ...itemCells(m)];
          });
          process.stdout.write(
            `${formatTable(['class', 'p', 'note', 'sha', 'date', 'depth', 'fixes', 'subject'], rows)}\n${c.missing.length} missing fix(es) for ${c.branch} (tip ${c.tip.slice(0, 12)}): ${c.counts.take} to take, ${c.counts.review} to review (${c.model}); ${c.revertedSkipped} reverted upstream and left out\n`,
          );
        },
        { mustExist: true },
      );
    });
  },
};

/** The columns every audit table shows of a missing fix: sha, date, depth, what it fixes, subject. */
function itemCells(m: AuditItem): (string | number)[] {
  const first = m.reasons[0]!;
  return [
    m.sha.slice(0, 12),
    new Date(m.commitTime * 1000).toISOString().slice(0, 10),
    m.depth,
    `${m.kind} ${first.edge.to.slice(0, 12)}${m.reasons.length > 1 ? ` +${m.reasons.length - 1}` : ''}`,
    m.subject,
  ];
}
