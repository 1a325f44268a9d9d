/** `stablepick index`: build or update the history index. */
import type { Command } from 'commander';
import { indexRepository, type IndexProgress } from '../../history/indexer.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { fmtInt, printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';

export const indexCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(program.command('index').description('build the index of every commit reachable from any ref, or update it incrementally')).action(
      async (opts: CommonOptions) => {
        await withContext(
          opts,
          async (ctx) => {
            const bar = progress(!ctx.json);
            const t0 = Date.now();
            const label = (p: IndexProgress): string => {
              const secs = (Date.now() - t0) / 1000;
              if (p.phase === 'commits') return `indexing commits: ${fmtInt(p.done)} (${fmtInt(Math.round(p.done / Math.max(secs, 0.001)))}/s)`;
              if (p.phase === 'branches' && p.total) return `stable branches: ${p.done}/${p.total}`;
              return `${p.phase}…`;
            };
            const report = await indexRepository(ctx.repo, ctx.db, { conventions: ctx.conventions, onProgress: (p) => bar.update(label(p)) });
            bar.done();
            if (ctx.json) {
              printJson({ ...report, db: ctx.dbPath });
              return;
            }
            const lines = [
              `indexed ${fmtInt(report.newCommits)} new commits (${fmtInt(report.totalCommits)} in all) in ${report.seconds.toFixed(1)} s`,
              `mainline: ${report.mainline || '(none)'}; stable branches: ${report.stableBranches} (${report.branchesUpdated} updated)`,
              `resolved references: ${fmtInt(report.resolved.trailers)} trailers, ${fmtInt(report.resolved.markers)} markers, ${fmtInt(report.resolved.ambiguous)} ambiguous`,
              `index: ${ctx.dbPath}`,
            ];
            if (report.removedCommits) lines.splice(1, 0, `dropped ${fmtInt(report.removedCommits)} commits no ref reaches any more`);
            if (report.shallow) lines.push('note: this is a shallow clone; history before its boundary is not indexed (`git fetch --unshallow` for all of it)');
            process.stdout.write(`${lines.join('\n')}\n`);
          },
          { integrity: true },
        );
      },
    );
  },
};
