/**
 * `stablepick serve --range A..B --branch S[,S2]`: the review dashboard on 127.0.0.1. Judges the range
 * once, then serves the page and its JSON API until interrupted; prints the address with the session
 * token (every request needs it).
 */
import { env } from '../../env.js';
import type { Command } from 'commander';
import { StablepickError } from '../../errors.js';
import { gitConfigValue } from '../../git/config.js';
import type { GitTarget } from '../../git/run.js';
import { loadLlmConfig, userConfigPath } from '../../llm/config.js';
import { reviewConfig } from '../../review/policy.js';
import { RepoSource } from '../../server/repo-source.js';
import { startDashboard } from '../../server/server.js';
import { indexedRange } from '../revisions.js';
import { identityOption } from '../validate.js';
import { openContext, withCommonOptions, type CommonOptions } from '../context.js';
import { printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';

interface ServeOptions extends CommonOptions {
  llm?: boolean;
  range: string;
  branch: string;
  port?: string;
  host?: string;
  who?: string;
  open?: boolean;
  firstParent?: boolean;
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1']);

/** Who browser decisions are recorded as: --who, else git's user.name <user.email>, else the config's only reviewer. */
async function dashboardReviewer(who: string | undefined, reviewers: readonly string[], repo: GitTarget): Promise<string | null> {
  if (who?.trim()) return who.trim();
  const [name, email] = await Promise.all([gitConfigValue(repo, 'user.name'), gitConfigValue(repo, 'user.email')]);
  if (name && email) return `${name} <${email}>`;
  if (reviewers.length === 1) return reviewers[0]!;
  return name ?? email ?? null;
}

export const serveCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('serve')
        .description('the review dashboard: candidates per branch, the written case, the diff, accept/reject/defer (127.0.0.1 only by default)')
        .requiredOption('--range <A..B>', 'upstream commits to judge, A..B')
        .requiredOption('--branch <names>', 'stable branches, comma-separated')
        .option('--port <n>', 'port to listen on (0: any free port)', '8017')
        .option('--host <addr>', 'address to listen on', '127.0.0.1')
        .option('--who <identity>', 'record decisions as "Name <email>" (default: git config user.name <user.email>)')
        .option('--first-parent', 'only the commits on the first-parent chain of B')
        .option('--no-open', 'accepted for scripts; the address is only printed, never opened')
        .option(
          '--llm',
          'the written case on the commit page also carries language-model paragraphs, each sentence checked against the facts (needs a configured endpoint, see docs/llm.md)',
        ),
    ).action(async (opts: ServeOptions) => {
      const branches = opts.branch
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!branches.length)
        throw new StablepickError('BAD_OPTION', { option: '--branch', why: 'names no branch', fix: 'e.g. --branch linux-6.12.y,linux-6.17.y' });
      const port = Number(opts.port ?? 8017);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new StablepickError('BAD_OPTION', {
          option: '--port',
          value: String(opts.port),
          why: 'is not a port number',
          fix: 'give 0-65535 (0: any free port)',
        });
      const host = opts.host ?? '127.0.0.1';
      const ctx = await openContext(opts, { mustExist: true, writes: true });
      const llm = opts.llm === true ? loadLlmConfig() : null;
      if (opts.llm === true && !llm)
        process.stderr.write(
          `stablepick serve: no LLM endpoint configured (set "llm" in ${userConfigPath()} or STABLEPICK_LLM_URL and STABLEPICK_LLM_MODELS); the commit page shows stablepick's case alone\n`,
        );
      try {
        const configDir = ctx.repo.workTree ?? ctx.repo.gitDir;
        const policy = reviewConfig(configDir, opts.config);
        const bar = progress(!ctx.json);
        const source = await RepoSource.load({
          repo: ctx.repo,
          db: ctx.db,
          conventions: ctx.conventions,
          configDir,
          ...(opts.config ? { configFile: opts.config } : {}),
          range: await indexedRange(ctx, opts.range),
          branches,
          firstParent: opts.firstParent === true,
          ...(llm ? { llm } : {}),
          reviewer: await dashboardReviewer(opts.who === undefined ? undefined : identityOption(opts.who), policy.reviewers, ctx.repo),
          onProgress: (t) => bar.update(t),
        });
        bar.done();
        const d = await startDashboard({
          source,
          host,
          port,
          onInternalError: (e) =>
            process.stderr.write(`stablepick serve: internal error: ${e instanceof Error ? (env.debug() ? e.stack : e.message) : String(e)}\n`),
        });
        const counts = branches.map((b) => `${b}: ${source.rows(b).length}`).join(', ');
        if (ctx.json) printJson({ url: d.url, range: opts.range, rows: Object.fromEntries(branches.map((b) => [b, source.rows(b).length])) });
        else process.stdout.write(`stablepick dashboard for ${opts.range} (${counts})\n${d.url}\n`);
        if (!LOCAL.has(host))
          process.stderr.write(`stablepick serve: listening on ${host}, not only this machine — anyone with the address and token can record decisions\n`);
        if (!source.reviewer) process.stderr.write('stablepick serve: no reviewer known, decisions cannot be recorded — give --who "Name <email>"\n');
        const say = ctx.json ? process.stderr : process.stdout;
        say.write('Trial picks of every commit onto every branch run in the background; the apply column fills in as they finish.\n');
        const t0 = Date.now();
        void source.applyDone.then(() => say.write(`trial picks done (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`));
        say.write('Press Ctrl-C to stop.\n');
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void d.close().then(resolve);
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
      } finally {
        ctx.close();
      }
    });
  },
};
