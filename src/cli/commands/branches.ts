/** `stablepick branches`: the stable branches found, their base and how many mainline commits they hold. */
import type { Command } from 'commander';
import { listBranches } from '../../history/queries.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { fmtInt, formatTable, printJson } from '../output.js';
import type { CommandModule } from './index.js';
import { policiesNow } from '../../select/policy.js';

export const branchesCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(program.command('branches').description('list the stable branches and the mainline commits each holds'))
      .option('--all', 'include the mainline branch')
      .option('--policy', "each branch's policy now: what it picked in the last 90 days, by kind (src/select/policy.ts)")
      .action(async (opts: CommonOptions & { all?: boolean; policy?: boolean }) => {
        await withContext(
          opts,
          (ctx) => {
            const rows = listBranches(ctx.db, { includeMainline: opts.all === true });
            const policies = opts.policy ? policiesNow(ctx.db, rows.filter((r) => r.role !== 'mainline').map((r) => r.name)) : null;
            if (ctx.json) return printJson(policies ? rows.map((r) => ({ ...r, policy: policies.get(r.name) ?? null })) : rows);
            if (!rows.length) {
              process.stdout.write('no stable branches found (name them in stablepick.config.json: "conventions.stableBranchPatterns")\n');
              return;
            }
            process.stdout.write(
              formatTable(
                ['branch', 'role', 'version', 'base', 'base release', 'picks', 'own commits', 'last update', 'found by'],
                rows.map((r) => [r.name, r.role, r.version, r.base?.slice(0, 12), r.base_release, fmtInt(r.picks), fmtInt(r.own_commits), r.last_update?.slice(0, 10), r.detected_by]),
              ) + '\n',
            );
            if (policies) for (const [name, p] of policies) process.stdout.write(`${name}: ${p.text}\n`);
          },
          { mustExist: true },
        );
      });
  },
};
