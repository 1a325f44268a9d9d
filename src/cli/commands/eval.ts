/**
 * `stablepick eval --window A..B --branch S`: replays a window by the cut-back protocol (every stable
 * branch cut back to what it held when the window opened; nothing in the repository is touched), trains
 * on what is left, judges the window and compares with the labels.
 */
import type { Command } from 'commander';
import { isStablepickError, StablepickError } from '../../errors.js';
import { lagOption, optOutMatchers, selectConfig } from '../../select/config.js';
import { evaluateWindow, readLabels } from '../../select/evaluate.js';
import { History } from '../../select/history.js';
import { cachedNumstats } from '../../select/store.js';
import { indexedRange } from '../revisions.js';
import { outsideRepository } from '../validate.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';
import { writeOutputFile } from '../../report/output-file.js';

interface EvalOptions extends CommonOptions {
  window: string;
  branch: string;
  labels?: string;
  firstParent?: boolean;
  lag?: string;
  out?: string;
  llmVote?: string | boolean;
}

export const evalCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('eval')
        .description('measure selection on a past window: branches cut back to its start, train, judge, compare with the labels')
        .requiredOption('--window <A..B>', 'the upstream window')
        .requiredOption('--branch <name>', 'the stable branch whose picks are the answer')
        .option('--labels <file>', '"<sha> <0|1>" per line (default: what the branch picked later)')
        .option('--first-parent', 'the window is the first-parent chain of B')
        .option('--lag <mode>', 'recent unpicked commits in training: weight, drop or none')
        .option('--out <file>', 'also write the per-commit predictions there, one JSON object per line (- for standard output; never inside the repository)')
        .option(
          '--llm-vote [rows]',
          'also score the votes of the language models of your config on the NEEDS-REVIEW rows ("all": every row) against the labels (docs/llm.md)',
        ),
    ).action(async (opts: EvalOptions) => {
      if (opts.out === '-' && opts.json)
        throw new StablepickError('BAD_OPTION', {
          option: '--out',
          value: '-',
          why: 'and --json both want standard output',
          fix: 'give --out FILE with --json',
        });
      await withContext(
        opts,
        async (ctx) => {
          if (opts.out && opts.out !== '-') outsideRepository(ctx.repo, opts.out, '--out');
          const cfg = selectConfig(ctx.repo.workTree ?? ctx.repo.gitDir, opts.config);
          const lag = lagOption(opts.lag, ctx.repo.workTree ?? ctx.repo.gitDir, opts.config);
          const labels = opts.labels ? readLabels(opts.labels) : undefined;
          const bar = progress(!ctx.json);
          const h = History.load(ctx.db);
          const r = await evaluateWindow(h, {
            window: await indexedRange(ctx, opts.window),
            branch: opts.branch,
            firstParent: opts.firstParent === true,
            labels,
            lag,
            optOut: optOutMatchers(cfg),
            numstats: (shas) => cachedNumstats(ctx.db, ctx.repo, shas),
            onProgress: (t) => bar.update(`training: ${t}…`),
          });
          bar.done();
          // Nothing is written unless the user names the place (never the work tree by default).
          const out = opts.out ?? null;
          const predictions = r.rows.map((x) => JSON.stringify(x)).join('\n') + (r.rows.length ? '\n' : '');
          if (out === '-') {
            process.stdout.write(predictions);
            return;
          }
          if (out) {
            try {
              writeOutputFile(out, predictions);
            } catch (e) {
              if (isStablepickError(e)) throw e;
              throw new StablepickError('IO', { op: 'write', target: out, path: out, why: (e as Error).message, fix: 'give --out a writable path' });
            }
          }
          const { rows: _rows, ...summary } = r;
          void _rows;
          const llm = opts.llmVote ? await (await import('../llm.js')).llmEvalVotes(ctx, opts.branch, r.rows, opts.llmVote) : null;
          if (ctx.json) return printJson({ ...summary, predictions: out, ...(llm ? { llm } : {}) });
          const line = (name: string, p: { precision: number; recall: number; f1: number; tp: number; fp: number }): (string | number)[] => [
            name,
            p.tp + p.fp,
            p.precision.toFixed(3),
            p.recall.toFixed(3),
            p.f1.toFixed(3),
          ];
          const lines = [
            `window ${r.window} for ${r.branch}: ${r.n} commits, ${r.picked} picked; branches cut back to ${r.cut}`,
            `trained on ${r.model.examples} earlier commits (${r.model.picked} picked); YES from ${r.model.threshold.toFixed(2)}, NEEDS-REVIEW from ${r.model.reviewThreshold.toFixed(2)}`,
            '',
            formatTable(
              ['predictor', 'YES', 'precision', 'recall', 'F1'],
              [
                line('stablepick', r.stablepick),
                line('stablepick YES+REVIEW', r.withReview),
                line('has a stable tag', r.baselines.stableTag),
                line('has a Fixes-like trailer', r.baselines.fixes),
                line('fix word in the subject', r.baselines.fixWord),
                line('YES for everything', r.baselines.allYes),
              ],
            ),
            '',
            `time: ${r.seconds.total.toFixed(1)} s (training ${r.seconds.train.toFixed(1)} s); ${out ? `predictions in ${out}` : 'per-commit predictions: give --out FILE (or --out - for standard output)'}`,
          ];
          if (llm?.length)
            lines.push(
              '',
              `LLM votes on ${llm[0]!.rows} row(s), against the labels (UNSURE counts as not YES):`,
              formatTable(
                ['predictor', 'YES', 'UNSURE', 'precision', 'recall', 'F1'],
                llm.map((x) => [x.predictor, x.yes, x.unsure, x.precision.toFixed(3), x.recall.toFixed(3), x.f1.toFixed(3)]),
              ),
            );
          if (r.unmatched.labelsNotInRange || r.unmatched.rangeNotLabelled)
            lines.push(
              `note: ${r.unmatched.labelsNotInRange} labelled commits are not in the range, ${r.unmatched.rangeNotLabelled} commits of the range have no label`,
            );
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        { mustExist: true },
      );
    });
  },
};
