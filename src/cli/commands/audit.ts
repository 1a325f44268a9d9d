/** `stablepick audit --branch S [--as-of DATE] [--json]`: mainline fixes of what S holds that S lacks. */
import type { Command } from 'commander';
import { auditBranch } from '../../analysis/audit/audit.js';
import { parseAsOf } from '../../analysis/fixes/as-of.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson } from '../output.js';
import type { CommandModule } from './index.js';

interface AuditCliOptions extends CommonOptions {
  branch: string;
  asOf?: string;
  since?: string;
  includeReverted?: boolean;
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
        .option('--include-reverted', 'also list fixes that upstream reverted'),
    ).action(async (opts: AuditCliOptions) => {
      await withContext(
        opts,
        (ctx) => {
          const asOf = parseAsOf(opts.asOf);
          const since = parseAsOf(opts.since);
          const r = auditBranch(ctx, opts.branch, { ...(asOf === undefined ? {} : { asOf }), ...(since === undefined ? {} : { since }), includeReverted: opts.includeReverted === true });
          if (ctx.json) return printJson(r);
          const rows = r.missing.map((m) => {
            const first = m.reasons[0]!;
            return [m.sha.slice(0, 12), new Date(m.commitTime * 1000).toISOString().slice(0, 10), m.depth, `${m.kind} ${first.edge.to.slice(0, 12)}${m.reasons.length > 1 ? ` +${m.reasons.length - 1}` : ''}`, m.subject];
          });
          process.stdout.write(`${formatTable(['sha', 'date', 'depth', 'fixes', 'subject'], rows)}\n${r.missing.length} missing fix(es) for ${r.branch} (tip ${r.tip.slice(0, 12)}); ${r.revertedSkipped} reverted upstream and left out\n`);
        },
        { mustExist: true },
      );
    });
  },
};
