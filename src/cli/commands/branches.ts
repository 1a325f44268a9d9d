/**
 * `stablepick branches`: the stable branches found, how each was found, its base and how many mainline
 * commits it holds; then the branches that looked stable but are not (work, topic and leftover heads,
 * heads built on a stable branch, branches the config excludes) and why.
 */
import type { Command } from 'commander';
import { listBranches } from '../../history/queries.js';
import { excludedBranches } from '../../history/requested.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { fmtInt, formatTable, printJson } from '../output.js';
import type { CommandModule } from '../command-module.js';
import { policiesNow } from '../../select/policy.js';

/** How many names of one group of excluded branches the text output shows. */
const SHOWN = 8;

export const branchesCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program.command('branches').description('list the stable branches and the mainline commits each holds, and the branches excluded and why'),
    )
      .option('--all', 'include the mainline branch')
      .option('--policy', "each branch's policy now: what it picked in the last 90 days, by kind (src/select/policy.ts)")
      .action(async (opts: CommonOptions & { all?: boolean; policy?: boolean }) => {
        await withContext(
          opts,
          (ctx) => {
            const rows = listBranches(ctx.db, { includeMainline: opts.all === true });
            const { excluded, others } = excludedBranches(ctx.db);
            const policies = opts.policy
              ? policiesNow(
                  ctx.db,
                  rows.filter((r) => r.role !== 'mainline').map((r) => r.name),
                )
              : null;
            if (ctx.json) return printJson({ branches: policies ? rows.map((r) => ({ ...r, policy: policies.get(r.name) ?? null })) : rows, excluded, others });
            if (!rows.length) {
              process.stdout.write(
                'no stable branches found (name them in stablepick.config.json: "conventions.stableBranchPatterns", or give one with --branch)\n',
              );
            } else {
              process.stdout.write(
                formatTable(
                  ['branch', 'role', 'version', 'base', 'base release', 'picks', 'own commits', 'last update', 'found by'],
                  rows.map((r) => [
                    r.name,
                    r.role,
                    r.version,
                    r.base?.slice(0, 12),
                    r.base_release,
                    fmtInt(r.picks),
                    fmtInt(r.own_commits),
                    r.last_update?.slice(0, 10),
                    r.detected_by,
                  ]),
                ) + '\n',
              );
            }
            if (excluded.length) {
              // Grouped by why; a long group (GNOME has 156 wip/ heads) names its first few (--json has all).
              process.stdout.write(`\nnot stable branches (${fmtInt(excluded.length)}):\n`);
              const byWhy = new Map<string, string[]>();
              for (const e of excluded) byWhy.set(e.reason, [...(byWhy.get(e.reason) ?? []), e.name]);
              for (const [why, names] of byWhy) {
                const shown = names.length > SHOWN ? `${names.slice(0, SHOWN).join(', ')}, ... (${fmtInt(names.length - SHOWN)} more)` : names.join(', ');
                process.stdout.write(`  ${fmtInt(names.length)} × ${why}: ${shown}\n`);
              }
            }
            if (others) process.stdout.write(`\n${fmtInt(others)} other branches: no stable version in the name, and too few of their own commits are picks\n`);
            if (policies) for (const [name, p] of policies) process.stdout.write(`${name}: ${p.text}\n`);
          },
          { mustExist: true },
        );
      });
  },
};
