/**
 * `stablepick explain <sha> --branch S[,S2] [--format md|json]`: the written case of one commit for
 * the branches, built from computed facts and checked (every sha, file:line and function it names)
 * before it is printed.
 */
import type { Command } from 'commander';
import { StablepickError } from '../../errors.js';
import { buildCase, caseMarkdown, verifyCase } from '../../report/case/index.js';
import { reviewAdjuster } from '../../review/policy.js';
import { indexedCommit } from '../revisions.js';
import { branchList, withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface ExplainOptions extends CommonOptions {
  branch: string;
  format?: string;
  apply?: boolean;
  llm?: boolean;
}

export const explainCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('explain')
        .description(
          'the written case of a commit for stable branches: verdict, code evidence, bug analysis, follow-ups, prerequisites, stable rules, risk, target trees',
        )
        .argument('<sha>', 'the upstream commit (full or unique prefix)')
        .requiredOption('--branch <names>', 'stable branches, comma-separated (newest first reads best)')
        .option('--format <format>', 'md or json', 'md')
        .option('--no-apply', 'skip the trial picks (faster; apply status "not tried")')
        .option('--llm', 'also ask the language models of your config (docs/llm.md): grounded paragraphs and votes, marked as theirs'),
    ).action(async (sha: string, opts: ExplainOptions) => {
      const format = opts.json ? 'json' : (opts.format ?? 'md');
      if (format !== 'md' && format !== 'json')
        throw new StablepickError('BAD_OPTION', { option: '--format', why: `must be md or json, not ${format}`, fix: 'use --format md or --format json' });
      const branches = branchList(opts.branch);
      await withContext(
        opts,
        async (ctx) => {
          const bar = progress(format === 'md');
          bar.update('building the case…');
          const full = await indexedCommit(ctx, sha);
          const c = await buildCase(
            {
              repo: ctx.repo,
              db: ctx.db,
              conventions: ctx.conventions,
              configDir: ctx.repo.workTree ?? ctx.repo.gitDir,
              ...(opts.config ? { configFile: opts.config } : {}),
            },
            full,
            branches,
            // Recorded review decisions and the review policy, as `scan` and `mail` apply them.
            { noApply: opts.apply === false, adjust: reviewAdjuster(ctx.db, ctx.repo.workTree ?? ctx.repo.gitDir, opts.config) },
          );
          const md = caseMarkdown(c);
          bar.update('checking every cited fact…');
          await verifyCase(ctx.repo, ctx.db, c, [md]);
          bar.done();
          const llm = opts.llm ? await (await import('../llm.js')).llmForCase(ctx, c) : null;
          if (format === 'json') printJson(llm ? { ...c, llm: llm.report } : c);
          else process.stdout.write(llm ? `${md}\n${llm.markdown}` : md);
        },
        { mustExist: true },
      );
    });
  },
};
