/**
 * `stablepick mail <A..B | sha...> --branch S[,S2] [--out FILE.mbox] [--from ...] [--to ...] [--send]`:
 * the AUTOSEL mails of the YES commits (never a NO), threaded, each with its checked written case and
 * the patch adapted to the newest tree it names. Review decisions are honoured (a rejected pick is not
 * mailed again); the Message-IDs are recorded so that `stablepick review import` can thread replies.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { StablepickError } from '../../errors.js';
import { gitConfigValue } from '../../git/config.js';
import { projectMail, type MailFormat } from '../../conventions/project-mail.js';
import { writeMbox } from '../../report/mail/index.js';
import { cherryPickScript, quiltSeries } from '../../report/mail/formats.js';
import { sendMbox } from '../../report/mail/send.js';
import { mailConfig } from '../../report/series/config.js';
import { planSeries } from '../../report/series/plan.js';
import { writeSeries } from '../../report/series/write.js';
import { applyReview, reviewConfig } from '../../review/policy.js';
import { ReviewStore } from '../../review/store.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson, progress } from '../output.js';
import { patchSlug } from './apply-check.js';
import { branchList } from './explain.js';
import type { CommandModule } from './index.js';

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
  format?: string;
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
        .option('--format <kind>', "autosel (an mbox of patch mails), cherry-pick (a script with the review list) or quilt (a series per branch in --out-dir); default: the project's convention")
        .option('--first-parent', 'for a range: only the commits on the first-parent chain')
        .option('--send', 'send the mails by SMTP (mail.smtp of the config, or --smtp-host); the password comes from STABLEPICK_SMTP_PASS')
        .option('--smtp-host <host>', 'SMTP server')
        .option('--smtp-port <port>', 'SMTP port (default 587)')
        .option('--smtp-user <user>', 'SMTP user'),
    ).action(async (commits: string[], opts: MailOptions) => {
      const branches = branchList(opts.branch);
      if (opts.out && existsSync(opts.out) && !opts.force) throw new StablepickError('BAD_ARGUMENT', `${opts.out} already exists`, 'give another --out, or --force to overwrite it');
      if (opts.outDir && existsSync(opts.outDir) && readdirSync(opts.outDir).length && !opts.force) throw new StablepickError('BAD_ARGUMENT', `${opts.outDir} is not empty`, 'give a new or empty --out-dir, or --force');
      const isRange = commits.length === 1 && commits[0]!.includes('..');
      await withContext(
        opts,
        async (ctx) => {
          const configDir = ctx.repo.workTree ?? ctx.repo.gitDir;
          const mc = mailConfig(configDir, opts.config);
          const from = opts.from ?? mc.from ?? (await gitIdentity(ctx.repo));
          if (!from) throw new StablepickError('BAD_ARGUMENT', 'no sender for the mails', 'give --from "Name <address>", or set mail.from in stablepick.config.json');
          const kernel = branches.some((b) => /^linux-\d+\.\d+\.y$/.test(b));
          const mainTip = ctx.db.prepare("SELECT tip FROM branches WHERE role = 'mainline'").pluck().get() as string | undefined;
          const project = await projectMail(ctx.repo, mainTip ?? 'HEAD', kernel);
          if (opts.format !== undefined && !['autosel', 'cherry-pick', 'quilt'].includes(opts.format)) throw new StablepickError('BAD_ARGUMENT', `unknown --format ${opts.format}`, 'use autosel, cherry-pick or quilt');
          const format = (opts.format ?? project.format) as MailFormat;
          if (format === 'quilt' && !opts.outDir) throw new StablepickError('BAD_ARGUMENT', '--format quilt needs --out-dir', 'give --out-dir DIR: one folder per branch with its series file');
          const to = opts.to?.length ? opts.to : mc.to.length ? mc.to : [...project.to];
          if (!to.length && format === 'autosel') throw new StablepickError('BAD_ARGUMENT', `no To address for the mails (${project.project === 'other' ? 'no list is known for this project' : `no stable list is known for ${project.project}`})`, `${project.toHint}, or set mail.to in stablepick.config.json`);
          const policy = reviewConfig(configDir, opts.config);
          const store = new ReviewStore(ctx.db);
          const bar = progress(!ctx.json);
          const plan = await planSeries(
            { repo: ctx.repo, db: ctx.db, conventions: ctx.conventions, configDir, ...(opts.config ? { configFile: opts.config } : {}) },
            {
              branches,
              ...(isRange ? { range: commits[0]! } : { shas: commits }),
              firstParent: opts.firstParent === true,
              adjust: (v, files) => applyReview(v, files, store.get(v.sha, v.branch), policy),
              onProgress: (t) => bar.update(t),
            },
          );
          if (format !== 'autosel') {
            bar.done();
            if (format === 'cherry-pick') {
              const script = cherryPickScript(plan);
              if (opts.out) writeFileSync(opts.out, script);
              else process.stdout.write(script);
              if (ctx.json) printJson({ format, judged: plan.judged, picks: plan.members.map((m) => ({ sha: m.sha, kind: m.kind, branches: m.trees.map((t) => t.branch) })), skipped: plan.skipped, failed: plan.failed, out: opts.out ?? null });
              else if (opts.out) process.stdout.write(`cherry-pick script for ${plan.members.length} commit(s) written to ${opts.out}\n`);
            } else {
              const files = quiltSeries(plan, patchSlug);
              for (const f of files) {
                mkdirSync(path.dirname(path.join(opts.outDir!, f.path)), { recursive: true });
                writeFileSync(path.join(opts.outDir!, f.path), f.text);
              }
              if (ctx.json) printJson({ format, judged: plan.judged, files: files.map((f) => f.path), skipped: plan.skipped, failed: plan.failed, outDir: opts.outDir });
              else process.stdout.write(`quilt series in ${opts.outDir}: ${files.filter((f) => f.path.endsWith('/series')).map((f) => path.dirname(f.path)).join(', ')}\n`);
            }
            const f = plan.failed[0];
            if (f) throw new StablepickError('UNVERIFIED_FACT', `${plan.failed.length} case(s) failed the fact check and were left out (first: ${f.reason})`, 'this is a bug in stablepick — report it with the commit');
            return;
          }
          const mails = await writeSeries(ctx.repo, ctx.db, plan, { from, to, cc: [...mc.cc, ...(opts.cc ?? [])], kernel, maintainerFiles: project.maintainerFiles });
          bar.done();
          const noSource = [...new Set(mails.map((m) => m.maintainersNote).filter((n) => n.startsWith('no ')))];
          if (noSource.length && !ctx.json) process.stderr.write(`warning: ${noSource.join('; ')}: the Cc lists only the commit's own people and --cc/mail.cc; no list or maintainer was added from a maintainers file\n`);
          const mbox = writeMbox(mails);
          if (opts.out) writeFileSync(opts.out, mbox);
          if (opts.outDir) {
            mkdirSync(opts.outDir, { recursive: true });
            mails.forEach((m, i) => writeFileSync(path.join(opts.outDir!, `${String(i + 1).padStart(4, '0')}-${patchSlug(m.subject)}.patch`), m.text));
          }
          for (const m of mails) store.recordMail({ messageId: m.messageId, sha: m.sha, branches: m.branches, subject: m.subject });
          let sent: Awaited<ReturnType<typeof sendMbox>> = [];
          if (opts.send) {
            const host = opts.smtpHost ?? mc.smtp?.host;
            if (!host) throw new StablepickError('BAD_ARGUMENT', '--send without an SMTP server', 'give --smtp-host, or set mail.smtp.host in stablepick.config.json');
            const port = Number(opts.smtpPort ?? mc.smtp?.port ?? 587);
            const user = opts.smtpUser ?? mc.smtp?.user ?? undefined;
            const pass = process.env.STABLEPICK_SMTP_PASS;
            sent = await sendMbox(mails, { host, port, secure: mc.smtp?.secure ?? false, ...(user ? { user } : {}), ...(pass ? { pass } : {}) });
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
            if (f) throw new StablepickError('UNVERIFIED_FACT', `${plan.failed.length} case(s) failed the fact check and were not mailed (first: ${f.reason})`, `the other ${mails.length} mail(s) were written; this is a bug in stablepick — report it with the commit`);
          };
          if (ctx.json) {
            if (!opts.out) throw new StablepickError('BAD_ARGUMENT', '--json needs --out (the mbox and the JSON cannot share standard output)', 'add --out FILE.mbox');
            printJson(summary);
            return failure();
          }
          if (!opts.out) {
            process.stdout.write(mbox);
            process.stderr.write(`${mails.length} mail(s) of ${plan.judged} commit(s); ${plan.skipped.length} not mailed\n`);
            return failure();
          }
          const lines = [`${mails.length} mail(s) for ${plan.judged} commit(s) judged, written to ${opts.out}`];
          if (mails.length) lines.push(formatTable(['commit', 'kind', 'subject'], mails.map((m) => [m.sha.slice(0, 12), m.kind, m.subject])));
          if (plan.skipped.length) {
            lines.push('', 'Not mailed:');
            for (const s of plan.skipped) lines.push(`  ${s.sha.slice(0, 12)} ${s.subject}: ${s.reason}`);
          }
          if (sent.length) lines.push('', `sent: ${sent.filter((s) => s.status === 'sent').length}/${sent.length}`);
          process.stdout.write(`${lines.join('\n')}\n`);
          failure();
        },
        { mustExist: true },
      );
    });
  },
};

async function gitIdentity(repo: Parameters<typeof gitConfigValue>[0]): Promise<string | null> {
  const name = await gitConfigValue(repo, 'user.name');
  const email = await gitConfigValue(repo, 'user.email');
  return name && email ? `${name} <${email}>` : null;
}
