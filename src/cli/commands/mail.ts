/**
 * `stablepick mail <A..B | sha...> --branch S[,S2] [--out FILE.mbox] [--from ...] [--to ...] [--send]`:
 * the AUTOSEL mails of the YES commits (never a NO), threaded, each with its checked written case and
 * the patch adapted to the newest tree it names. Review decisions are honoured (a rejected pick is not
 * mailed again); the Message-IDs are recorded so that `stablepick review import` can thread replies.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { FACT_CHECK, InternalError, StablepickError } from '../../errors.js';
import { gitConfigValue } from '../../git/config.js';
import { projectMail, type MailFormat } from '../../conventions/project-mail.js';
import { writeMbox } from '../../report/mail/index.js';
import { cherryPickScript, quiltSeries } from '../../report/mail/formats.js';
import { sendMbox } from '../../report/mail/send.js';
import { refuseRepositorySmtp, smtpSettings } from '../../report/mail/smtp-config.js';
import { loadConfig, userConfigPath } from '../../conventions/config.js';
import { mailConfig } from '../../report/series/config.js';
import { planSeries } from '../../report/series/plan.js';
import { writeSeries } from '../../report/series/write.js';
import { reviewAdjuster } from '../../review/policy.js';
import { ReviewStore } from '../../review/store.js';
import { indexedCommit, indexedRange, isRange } from '../revisions.js';
import { addressOption, mustBeBranch, outsideRepository } from '../validate.js';
import { branchList, patchSlug, withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';
import { writeOutputFile } from '../../report/output-file.js';
import { mainlineBranch } from '../../history/tables/branches.js';

interface MailOptions extends CommonOptions {
  branch: string;
  out?: string;
  outDir?: string;
  from?: string;
  to?: string[];
  cc?: string[];
  send?: boolean;
  smtpHost?: string;
  smtpPort?: string;
  smtpUser?: string;
  firstParent?: boolean;
  force?: boolean;
  llm?: boolean;
  maxMailSize?: string;
  format?: string;
}

/** `--max-mail-size`: bytes, or with a K or M suffix (KiB, MiB). */
function mailSizeLimit(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)i?[bB]?$/.exec(v.trim());
  const n = m ? Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1024 : 1024 * 1024) : 1) : NaN;
  if (!Number.isFinite(n) || n < 1024)
    throw new StablepickError('BAD_OPTION', {
      option: '--max-mail-size',
      value: v,
      why: 'is not a size of at least 1K',
      fix: 'give bytes, or a size like 512K or 10M',
    });
  return Math.floor(n);
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export const mailCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('mail')
        .description('write the AUTOSEL mails of the YES commits of a range (or of some commits) for stable branches, as an mbox; optionally send them')
        .argument('<commits...>', 'an upstream range A..B, or commits')
        .requiredOption('--branch <names>', 'stable branches, comma-separated')
        .option('--out <file>', 'write the mbox here (default: standard output)')
        .option('--out-dir <dir>', 'also write one file per mail there (0001-<subject>.patch), as format-patch does, for `git send-email DIR/*.patch`')
        .option('--force', 'overwrite --out if it exists')
        .option('--from <address>', 'the sender, "Name <address>" (default: mail.from of the config, else git user.name/user.email)')
        .option('--to <address>', 'the stable list (repeatable; default: mail.to of the config)', collect)
        .option('--cc <address>', 'also copy (repeatable)', collect)
        .option(
          '--format <kind>',
          "autosel (an mbox of patch mails), cherry-pick (a script with the review list) or quilt (a series per branch in --out-dir); default: the project's convention",
        )
        .option('--first-parent', 'for a range: only the commits on the first-parent chain')
        .option('--max-mail-size <size>', 'the largest mail written (bytes, or 512K, 10M; default 10M): a larger one is not mailed, with a warning')
        .option(
          '--send',
          "send the mails by SMTP: --smtp-host, else STABLEPICK_SMTP_HOST, else mail.smtp of ~/.config/stablepick/config.json (never a repository's config); the password comes from STABLEPICK_SMTP_PASS",
        )
        .option('--smtp-host <host>', 'SMTP server')
        .option('--smtp-port <port>', 'SMTP port (default 587)')
        .option('--smtp-user <user>', 'SMTP user')
        .option('--llm', 'add the grounded paragraphs and votes of the language models of your config (docs/llm.md), each marked with its model'),
    ).action(async (commits: string[], opts: MailOptions) => {
      const branches = branchList(opts.branch);
      const maxMailBytes = mailSizeLimit(opts.maxMailSize);
      if (opts.out && existsSync(opts.out) && !opts.force)
        throw new StablepickError('BAD_OUTPUT', { path: opts.out, why: 'exists', fix: 'give another --out, or --force to overwrite it' });
      if (opts.outDir && existsSync(opts.outDir) && readdirSync(opts.outDir).length && !opts.force)
        throw new StablepickError('BAD_OUTPUT', { path: opts.outDir, why: 'not-empty', fix: 'give a new or empty --out-dir, or --force' });
      const range = commits.length === 1 && isRange(commits[0]!);
      if (!range)
        for (const c of commits)
          if (isRange(c))
            throw new StablepickError('BAD_OPTION', {
              option: 'a range',
              value: `(${c})`,
              why: 'must be the only argument',
              fix: 'give one range A..B, or commits',
            });
      await withContext(
        opts,
        async (ctx) => {
          const configDir = ctx.repo.workTree ?? ctx.repo.gitDir;
          const loaded = loadConfig(configDir, opts.config);
          refuseRepositorySmtp(loaded.path, loaded.config, [ctx.repo.workTree, ctx.repo.gitDir, ctx.repo.commonDir]);
          const mc = mailConfig(configDir, opts.config);
          for (const b of branches) await mustBeBranch(ctx, b);
          // Written only where the user says, and never into the repository (as review export).
          if (opts.out) outsideRepository(ctx.repo, opts.out, '--out');
          if (opts.outDir) outsideRepository(ctx.repo, opts.outDir, '--out-dir');
          if (opts.from !== undefined) addressOption(opts.from, '--from');
          for (const a of opts.to ?? []) addressOption(a, '--to');
          for (const a of opts.cc ?? []) addressOption(a, '--cc');
          const from = opts.from ?? mc.from ?? (await gitIdentity(ctx.repo));
          if (!from)
            throw new StablepickError('BAD_OPTION', {
              form: 'missing',
              option: 'sender for the mails',
              fix: 'give --from "Name <address>", or set mail.from in stablepick.config.json',
            });
          const kernel = branches.some((b) => /^linux-\d+\.\d+\.y$/.test(b));
          const mainTip = mainlineBranch(ctx.db)?.tip;
          const project = await projectMail(ctx.repo, mainTip ?? 'HEAD', kernel);
          if (opts.format !== undefined && !['autosel', 'cherry-pick', 'quilt'].includes(opts.format))
            throw new StablepickError('BAD_OPTION', { form: 'unknown', option: '--format', value: opts.format, fix: 'use autosel, cherry-pick or quilt' });
          const format = (opts.format ?? project.format) as MailFormat;
          if (format === 'quilt' && !opts.outDir)
            throw new StablepickError('BAD_OPTION', {
              option: '--format',
              value: 'quilt',
              why: 'needs --out-dir',
              fix: 'give --out-dir DIR: one folder per branch with its series file',
            });
          const to = opts.to?.length ? opts.to : mc.to.length ? mc.to : [...project.to];
          if (!to.length && format === 'autosel')
            throw new StablepickError('BAD_OPTION', {
              form: 'missing',
              option: 'To address for the mails',
              why: project.project === 'other' ? 'no list is known for this project' : `no stable list is known for ${project.project}`,
              fix: `${project.toHint}, or set mail.to in stablepick.config.json`,
            });
          const adjust = reviewAdjuster(ctx.db, configDir, opts.config);
          const bar = progress(!ctx.json);
          const plan = await planSeries(
            { repo: ctx.repo, db: ctx.db, conventions: ctx.conventions, configDir, ...(opts.config ? { configFile: opts.config } : {}) },
            {
              branches,
              ...(range ? { range: await indexedRange(ctx, commits[0]!) } : { shas: await Promise.all(commits.map((c) => indexedCommit(ctx, c))) }),
              firstParent: opts.firstParent === true,
              adjust,
              onProgress: (t) => bar.update(t),
            },
          );
          if (opts.llm) await (await import('../llm.js')).llmForPlan(ctx, plan);
          if (format !== 'autosel') {
            bar.done();
            if (format === 'cherry-pick') {
              const script = cherryPickScript(plan);
              if (opts.out) writeOutputFile(opts.out, script);
              else process.stdout.write(script);
              if (ctx.json)
                printJson({
                  format,
                  judged: plan.judged,
                  picks: plan.members.map((m) => ({ sha: m.sha, kind: m.kind, branches: m.trees.map((t) => t.branch) })),
                  skipped: plan.skipped,
                  failed: plan.failed,
                  out: opts.out ?? null,
                });
              else if (opts.out) process.stdout.write(`cherry-pick script for ${plan.members.length} commit(s) written to ${opts.out}\n`);
            } else {
              const files = quiltSeries(plan, patchSlug);
              for (const f of files) {
                mkdirSync(path.dirname(path.join(opts.outDir!, f.path)), { recursive: true });
                writeOutputFile(path.join(opts.outDir!, f.path), f.text);
              }
              if (ctx.json)
                printJson({ format, judged: plan.judged, files: files.map((f) => f.path), skipped: plan.skipped, failed: plan.failed, outDir: opts.outDir });
              else
                process.stdout.write(
                  `quilt series in ${opts.outDir}: ${files
                    .filter((f) => f.path.endsWith('/series'))
                    .map((f) => path.dirname(f.path))
                    .join(', ')}\n`,
                );
            }
            const f = plan.failed[0];
            if (f) throw new InternalError(FACT_CHECK, `${plan.failed.length} case(s) failed the fact check and were left out (first: ${f.reason})`);
            return;
          }
          const refused: string[] = [];
          const mails = await writeSeries(ctx.repo, ctx.db, plan, {
            from,
            to,
            cc: [...mc.cc, ...(opts.cc ?? [])],
            kernel,
            maintainerFiles: project.maintainerFiles,
            ...(maxMailBytes ? { maxMailBytes } : {}),
            onRefused: (l) => refused.push(l),
          });
          bar.done();
          for (const l of refused) process.stderr.write(`stablepick: warning: ${l}\n`);
          const noSource = [...new Set(mails.map((m) => m.maintainersNote).filter((n) => n.startsWith('no ')))];
          if (noSource.length && !ctx.json)
            process.stderr.write(
              `warning: ${noSource.join('; ')}: the Cc lists only the commit's own people and --cc/mail.cc; no list or maintainer was added from a maintainers file\n`,
            );
          const mbox = writeMbox(mails);
          if (opts.out) writeOutputFile(opts.out, mbox);
          if (opts.outDir) {
            mkdirSync(opts.outDir, { recursive: true });
            mails.forEach((m, i) => writeOutputFile(path.join(opts.outDir!, `${String(i + 1).padStart(4, '0')}-${patchSlug(m.subject)}.patch`), m.text));
          }
          const store = new ReviewStore(ctx.db);
          for (const m of mails) store.recordMail({ messageId: m.messageId, sha: m.sha, branches: m.branches, subject: m.subject });
          let sent: Awaited<ReturnType<typeof sendMbox>> = [];
          if (opts.send) {
            // Only the command line, the environment and the user's own config file name the server.
            const smtp = smtpSettings({ host: opts.smtpHost, port: opts.smtpPort, user: opts.smtpUser });
            if (!smtp)
              throw new StablepickError('BAD_OPTION', {
                form: 'missing',
                option: 'SMTP server',
                why: 'for --send',
                fix: `give --smtp-host, set STABLEPICK_SMTP_HOST, or set mail.smtp.host in ${userConfigPath()}`,
              });
            sent = await sendMbox(mails, smtp);
          }
          const summary = {
            judged: plan.judged,
            mails: mails.map((m) => ({ sha: m.sha, kind: m.kind, subject: m.subject, branches: m.branches, messageId: m.messageId, to: m.to, cc: m.cc })),
            skipped: plan.skipped,
            failed: plan.failed,
            out: opts.out ?? null,
            outDir: opts.outDir ?? null,
            sent: sent.map((s) => ({ messageId: s.messageId, status: s.status })),
          };
          const failure = (): void => {
            const f = plan.failed[0];
            if (f)
              throw new InternalError(
                FACT_CHECK,
                `${plan.failed.length} case(s) failed the fact check and were not mailed (first: ${f.reason}); the other ${mails.length} mail(s) were written`,
              );
          };
          if (ctx.json) {
            if (!opts.out)
              throw new StablepickError('BAD_OPTION', {
                option: '--json',
                why: 'needs --out (the mbox and the JSON cannot share standard output)',
                fix: 'add --out FILE.mbox',
              });
            printJson(summary);
            return failure();
          }
          if (!opts.out) {
            process.stdout.write(mbox);
            process.stderr.write(`${mails.length} mail(s) of ${plan.judged} commit(s); ${plan.skipped.length} not mailed\n`);
            return failure();
          }
          const lines = [`${mails.length} mail(s) for ${plan.judged} commit(s) judged, written to ${opts.out}`];
          if (mails.length)
            lines.push(
              formatTable(
                ['commit', 'kind', 'subject'],
                mails.map((m) => [m.sha.slice(0, 12), m.kind, m.subject]),
              ),
            );
          if (plan.skipped.length) {
            lines.push('', 'Not mailed:');
            for (const s of plan.skipped) lines.push(`  ${s.sha.slice(0, 12)} ${s.subject}: ${s.reason}`);
          }
          if (sent.length) lines.push('', `sent: ${sent.filter((s) => s.status === 'sent').length}/${sent.length}`);
          process.stdout.write(`${lines.join('\n')}\n`);
          failure();
        },
        { mustExist: true, writes: true },
      );
    });
  },
};

async function gitIdentity(repo: Parameters<typeof gitConfigValue>[0]): Promise<string | null> {
  const name = await gitConfigValue(repo, 'user.name');
  const email = await gitConfigValue(repo, 'user.email');
  return name && email ? `${name} <${email}>` : null;
}
