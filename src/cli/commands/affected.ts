/** `stablepick affected <sha> [--json]`: where the bug a fix fixes came in, and per stable branch vulnerable-since : fixed-by. */
import type { Command } from 'commander';
import { affectedBranches } from '../../analysis/affected/affected.js';
import { parseAsOf } from '../../analysis/fixes/as-of.js';
import { indexedCommit } from '../revisions.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface AffectedCliOptions extends CommonOptions {
  asOf?: string;
}

export const affectedCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('affected')
        .description('which stable branches hold the bug a commit fixes (from Fixes:, or the blame of the removed lines)')
        .argument('<sha>', 'the fix (full or unique prefix)')
        .option('--as-of <date>', 'replay: see only what existed before this date (Unix seconds or ISO date)'),
    ).action(async (sha: string, opts: AffectedCliOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const full = await indexedCommit(ctx, sha);
          const asOf = parseAsOf(opts.asOf);
          const r = await affectedBranches(ctx, full, asOf === undefined ? {} : { asOf });
          if (ctx.json) return printJson(r);
          const lines = [`${full.slice(0, 12)} ${r.subject}`];
          for (const i of r.introducers)
            lines.push(
              `  introduced by ${i.sha.slice(0, 12)} ("${i.subject}")${i.firstRelease ? `, first in ${i.firstRelease}` : ''} [${i.how}${i.edge ? `: ${i.edge.evidence.line}` : i.lines ? `: ${i.lines.slice(0, 3).join(', ')}` : ''}]`,
            );
          lines.push(
            formatTable(
              ['branch', 'status', 'vulnerable-since', 'fixed-by'],
              r.branches.map((b) => [b.branch, b.status, b.vulnerableSince?.sha.slice(0, 12) ?? '-', b.fixedBy ? b.fixedBy.sha.slice(0, 12) : '-']),
            ),
          );
          lines.push(`Target: ${r.summary}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        { mustExist: true },
      );
    });
  },
};
