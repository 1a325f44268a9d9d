/** `stablepick train`: learn from the repository's own picks (all stable branches) and store the model in the index. */
import type { Command } from 'commander';
import { StablepickError } from '../../errors.js';
import { lagOption } from '../../select/config.js';
import { trainAndStore } from '../../select/train.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { fmtInt, formatTable, printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface TrainOptions extends CommonOptions {
  lag?: string;
  maxYears?: string;
}

export const trainCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('train')
        .description("learn which commits the stable branches pick, from this repository's history, and store the model with the index")
        .option('--lag <mode>', 'recent unpicked commits: weight (by how late picks come), drop, or none')
        .option('--max-years <n>', 'learn from at most this many years of history', '6'),
    ).action(async (opts: TrainOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const lag = lagOption(opts.lag, ctx.repo.workTree ?? ctx.repo.gitDir, opts.config);
          const maxYears = Number(opts.maxYears ?? 6);
          if (!(maxYears > 0))
            throw new StablepickError('BAD_OPTION', {
              option: '--max-years',
              value: String(opts.maxYears),
              why: 'is not a positive number',
              fix: 'e.g. --max-years 6',
            });
          const bar = progress(!ctx.json);
          const t0 = performance.now();
          const model = await trainAndStore(ctx.db, ctx.repo, { lag, maxYears, onProgress: (what) => bar.update(`${what}…`) });
          bar.done();
          const seconds = (performance.now() - t0) / 1000;
          const summary = {
            examples: model.examples,
            picked: model.picked,
            threshold: model.threshold,
            reviewThreshold: model.reviewThreshold,
            validation: model.cv,
            lag: model.lag,
            rules: model.rules,
            seconds,
            db: ctx.dbPath,
          };
          if (ctx.json) return printJson(summary);
          const lines = [
            `learned from ${fmtInt(model.examples)} mainline commits, ${fmtInt(model.picked)} of them picked by a stable branch (${seconds.toFixed(1)} s)`,
            `picks come ${model.lag.medianDays.toFixed(0)} days after the upstream commit (median; 75 %: ${model.lag.q75Days.toFixed(0)}, 90 %: ${model.lag.q90Days.toFixed(0)}); recent commits: ${model.lag.mode}`,
            `YES from a calibrated ${model.threshold.toFixed(2)}, NEEDS-REVIEW from ${model.reviewThreshold.toFixed(2)}${model.cv.note ? ` (${model.cv.note})` : ''}`,
          ];
          if (model.cv.folds.length) {
            lines.push('', 'validation on later periods (trained on earlier history only):');
            lines.push(
              formatTable(
                ['period', 'commits', 'picked', 'precision', 'recall', 'F1'],
                model.cv.folds.map((f) => [`${f.from}..${f.to}`, f.n, f.picked, f.precision.toFixed(3), f.recall.toFixed(3), f.f1.toFixed(3)]),
              ),
            );
          }
          lines.push('', 'rules on history:');
          lines.push(
            formatTable(
              ['rule', 'fired', 'right', 'decides'],
              Object.entries(model.rules)
                .filter(([, s]) => s.n > 0)
                .map(([id, s]) => [id, Math.round(s.n), `${Math.round(s.precision * 100)} %`, s.decides ? 'yes' : 'no (a feature)']),
            ),
          );
          lines.push('', `model stored in ${ctx.dbPath}`);
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        { mustExist: true, writes: true },
      );
    });
  },
};
