/**
 * `stablepick deps <sha> --branch S [--as-of DATE] [--json]`: what must go with a pick — missing
 * prerequisites (blame, series, new symbols), the candidate, missing follow-up fixes and reverts — as an
 * ordered queue with the reason for each member.
 */
import type { Command } from 'commander';
import { pickQueue } from '../../analysis/deps/queue.js';
import { parseAsOf } from '../../analysis/fixes/as-of.js';
import { describeHolding } from '../../analysis/fixes/branch-state.js';
import { indexedCommit } from '../revisions.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { printJson } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface DepsOptions extends CommonOptions {
  branch: string;
  asOf?: string;
  depth?: string;
}

export const depsCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('deps')
        .description('prerequisites, follow-up fixes and reverts of a commit for a branch, as an ordered pick queue')
        .argument('<sha>', 'the upstream commit (full or unique prefix)')
        .requiredOption('--branch <name>', 'the stable branch')
        .option('--as-of <date>', 'replay: see only what existed before this date (Unix seconds or ISO date)')
        .option('--depth <n>', 'prerequisites of prerequisites up to this depth', '2'),
    ).action(async (sha: string, opts: DepsOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const full = await indexedCommit(ctx, sha);
          const asOf = parseAsOf(opts.asOf);
          const q = await pickQueue(ctx, full, opts.branch, { ...(asOf === undefined ? {} : { asOf }), depth: Number(opts.depth ?? 2) });
          if (ctx.json) return printJson(q);
          const lines = [`${full.slice(0, 12)} for ${opts.branch}: ${q.verdict}`, 'Queue (apply in this order):'];
          q.queue.forEach((m, i) => {
            lines.push(`  ${i + 1}. [${m.role}] ${m.sha.slice(0, 12)} ${m.subject}`);
            for (const w of m.why) lines.push(`       ${w}`);
          });
          if (q.prerequisites.alreadyHeld.length) {
            lines.push('Already in the branch:');
            for (const h of q.prerequisites.alreadyHeld) lines.push(`  ${h.sha.slice(0, 12)} (${h.rule}): ${describeHolding(h.holding)}`);
          }
          for (const f of q.followUps.followUps.filter((x) => x.inBranch)) lines.push(`  follow-up ${f.sha.slice(0, 12)}: ${describeHolding(f.inBranch!)}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        { mustExist: true },
      );
    });
  },
};
