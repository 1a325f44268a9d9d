/**
 * `stablepick review ...`: the review state of (commit, branch) pairs.
 *   review list [--branch S] [--status X]
 *   review accept|reject|defer|needs-review <sha> --branch S [--why TEXT] [--who NAME]
 *   review history <sha> --branch S
 *   review import FILE.mbox
 *   review export --branch S --format mbox|cherry-pick|quilt --out PATH
 * Decisions live in the index; nothing is written to the repository.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { StablepickError } from '../../errors.js';
import { gitConfigValue } from '../../git/config.js';
import { EXPORT_FORMATS, exportQueue, outputFree, type ExportFormat, type ExportResult } from '../../review/export.js';
import { importMbox, type ImportSummary } from '../../review/import.js';
import { mailboxBytes } from '../../review/mail-input.js';
import { reviewConfig } from '../../review/policy.js';
import { isReviewStatus, REVIEW_STATUSES, ReviewStore, type ReviewRecord, type ReviewStatus } from '../../review/store.js';
import { indexedCommit } from '../revisions.js';
import { identityOption, mustBeBranch, outsideRepository } from '../validate.js';
import { withCommonOptions, withContext, type CommonOptions, type Context } from '../context.js';
import { formatTable, printJson, printJsonLine } from '../output.js';
import type { CommandModule } from '../command-module.js';
import { commitSubject } from '../../history/tables/commits.js';

interface DecideOptions extends CommonOptions {
  branch: string[];
  why?: string;
  who?: string;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

const DECISIONS: readonly { name: string; status: ReviewStatus; what: string }[] = [
  { name: 'accept', status: 'accepted', what: 'accept a commit for a branch' },
  { name: 'reject', status: 'rejected', what: 'reject a commit for a branch (needs --why); it is never proposed for it again' },
  { name: 'defer', status: 'deferred', what: 'put a commit off for a branch (proposed as NEEDS-REVIEW)' },
  { name: 'needs-review', status: 'needs-review', what: 'mark a commit as waiting for a person' },
];

export const reviewCommand: CommandModule = {
  register(program: Command) {
    const review = program
      .command('review')
      .description('review decisions per (commit, branch): list, decide, history, import mail replies, export the accepted queue');

    withCommonOptions(review.command('list').description('current decisions'))
      .option('--branch <branch>', 'only this branch')
      .option('--status <status>', `only this status (${REVIEW_STATUSES.join(', ')})`)
      .action(async (opts: CommonOptions & { branch?: string; status?: string }) => {
        await withContext(opts, (ctx) => runList(ctx, opts), { mustExist: true });
      });

    for (const d of DECISIONS) {
      withCommonOptions(review.command(d.name).description(d.what).argument('<sha>', 'the upstream commit (full id or unique prefix)'))
        .requiredOption('--branch <branch>', 'the stable branch (repeatable)', collect)
        .option('--why <text>', 'the reason (required to reject)')
        .option('--who <name>', 'who decides (default: git config user.name <user.email>)')
        .action(async (sha: string, opts: DecideOptions) => {
          await withContext(opts, (ctx) => runDecide(ctx, d.status, sha, opts), { mustExist: true, writes: true });
        });
    }

    withCommonOptions(review.command('history').description('every decision on a commit for a branch, oldest first').argument('<sha>', 'the upstream commit'))
      .requiredOption('--branch <branch>', 'the stable branch')
      .action(async (sha: string, opts: CommonOptions & { branch: string }) => {
        await withContext(
          opts,
          async (ctx) => {
            const full = await indexedCommit(ctx, sha);
            const h = new ReviewStore(ctx.db).history(full, opts.branch);
            if (ctx.json) return printJson(h);
            if (!h.length) return void process.stdout.write(`no decision on ${full.slice(0, 12)} for ${opts.branch}\n`);
            process.stdout.write(`${h.map(describeRecord).join('\n')}\n`);
          },
          { mustExist: true },
        );
      });

    withCommonOptions(
      review
        .command('import')
        .description("record the decisions of replies to stablepick's mails")
        .argument('<file>', 'an mbox or one mail, plain, .gz or .xz; - reads standard input'),
    ).action(async (file: string, opts: CommonOptions) => {
      const data = await mailboxBytes(file === '-' ? readFileSync(0) : readInput(file), file === '-' ? 'standard input' : file);
      await withContext(
        opts,
        async (ctx) => {
          const policy = reviewConfig(ctx.repo.workTree ?? ctx.repo.gitDir, opts.config);
          const s = await importMbox(ctx.db, data, policy);
          if (ctx.json) {
            for (const r of s.replies) printJsonLine(r);
            return;
          }
          process.stdout.write(describeImport(s));
        },
        { mustExist: true, writes: true },
      );
    });

    withCommonOptions(review.command('export').description('write the accepted queue of a branch, in upstream order'))
      .requiredOption('--branch <branch>', 'the stable branch')
      .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
      .requiredOption('--out <path>', 'the file (mbox, cherry-pick) or new folder (quilt) to write')
      .action(async (opts: CommonOptions & { branch: string; format: string; out: string }) => {
        if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) {
          throw new StablepickError('BAD_OPTION', {
            form: 'unknown',
            option: 'export format',
            value: opts.format,
            fix: `use one of ${EXPORT_FORMATS.join(', ')}`,
          });
        }
        const format = opts.format as ExportFormat;
        await withContext(
          opts,
          async (ctx) => {
            await mustBeBranch(ctx, opts.branch);
            const out = outsideRepository(ctx.repo, opts.out, '--out');
            if (!outputFree(out, format)) {
              throw new StablepickError('BAD_OUTPUT', {
                path: out,
                why: 'exists',
                fix: format === 'quilt' ? 'give a new or empty folder' : 'give a new file name',
              });
            }
            const r = await exportQueue(ctx.repo, ctx.db, opts.branch, format, out);
            if (ctx.json) printJson(r);
            else process.stdout.write(describeExport(r));
            if (r.conflict) {
              const written = r.members.filter((m) => m.state === 'written').length;
              throw new StablepickError('DOES_NOT_APPLY', {
                sha: r.conflict.sha,
                subject: r.conflict.subject,
                branch: opts.branch,
                reason: r.conflict.reason,
                written,
                total: r.members.length,
                out,
              });
            }
          },
          { mustExist: true },
        );
      });
  },
};

/** `p` with symbolic links of its existing part resolved (so a link cannot hide the repository). */
function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StablepickError('NOT_FOUND', { what: 'file', file, fix: 'give the path of an mbox file' });
    if (code === 'EISDIR') throw new StablepickError('BAD_INPUT', { input: file, why: 'is a directory', fix: 'give the path of an mbox file' });
    throw new StablepickError('IO', { op: 'read', target: file, path: file, why: (e as Error).message, fix: 'check the file permissions' });
  }
}

function runList(ctx: Context, opts: { branch?: string; status?: string }): void {
  if (opts.status !== undefined && !isReviewStatus(opts.status)) {
    throw new StablepickError('BAD_OPTION', { form: 'unknown', option: 'status', value: String(opts.status), fix: `use one of ${REVIEW_STATUSES.join(', ')}` });
  }
  const filter: { branch?: string; status?: ReviewStatus } = {};
  if (opts.branch !== undefined) filter.branch = opts.branch;
  if (opts.status !== undefined) filter.status = opts.status as ReviewStatus;
  const rows = new ReviewStore(ctx.db).list(filter).map((r) => ({ ...r, subject: commitSubject(ctx.db, r.sha) ?? '' }));
  if (ctx.json) return printJson(rows);
  if (!rows.length) return void process.stdout.write('no review decisions\n');
  const table = formatTable(
    ['commit', 'branch', 'status', 'who', 'date', 'subject', 'why'],
    rows.map((r) => [r.sha.slice(0, 12), r.branch, r.status, r.who, day(r.at), r.subject, r.why]),
  );
  process.stdout.write(`${table}\n`);
}

async function runDecide(ctx: Context, status: ReviewStatus, sha: string, opts: DecideOptions): Promise<void> {
  const full = await indexedCommit(ctx, sha);
  for (const b of opts.branch) await mustBeBranch(ctx, b);
  const who = opts.who !== undefined ? identityOption(opts.who) : await defaultWho(ctx);
  const store = new ReviewStore(ctx.db);
  const out: ReviewRecord[] = [];
  for (const branch of opts.branch) {
    const input = { sha: full, branch, status, who, source: 'cli' as const, ...(opts.why !== undefined ? { why: opts.why } : {}) };
    out.push(store.set(input));
  }
  if (ctx.json) return printJson(out);
  process.stdout.write(`${out.map(describeRecord).join('\n')}\n`);
}

/** `git config user.name <user.email>` of the repository. */
async function defaultWho(ctx: Context): Promise<string> {
  const [name, email] = await Promise.all([gitConfigValue(ctx.repo, 'user.name'), gitConfigValue(ctx.repo, 'user.email')]);
  if (name && email) return `${name} <${email}>`;
  if (name || email) return (name ?? email)!;
  throw new StablepickError('BAD_OPTION', {
    form: 'missing',
    option: '--who',
    why: 'who decides is not known',
    fix: 'give --who "Name <email>" or set git config user.name and user.email',
  });
}

function day(at: number): string {
  return new Date(at * 1000).toISOString().slice(0, 10);
}

function describeRecord(r: ReviewRecord): string {
  return `${r.sha.slice(0, 12)} ${r.branch}: ${r.status} by ${r.who} on ${day(r.at)} (${r.source})${r.why ? `: ${r.why}` : ''}`;
}

function describeImport(s: ImportSummary): string {
  const lines = [
    `${s.messages} messages: ${s.recorded} replies recorded (${s.byStatus.accepted} accepted, ${s.byStatus.rejected} rejected, ${s.byStatus['needs-review']} need a person), ${s.duplicates} already imported, ${s.unthreaded} unthreaded, ${s.skipped} skipped`,
  ];
  for (const r of s.replies) {
    const head = `  #${r.index} ${r.from || '(no From)'} ${r.messageId}`;
    if (r.outcome === 'recorded' || r.outcome === 'duplicate') {
      lines.push(`${head}: ${r.outcome === 'duplicate' ? 'already imported, ' : ''}${r.status} ${r.sha?.slice(0, 12)} for ${r.branches?.join(', ')}: ${r.why}`);
    } else lines.push(`${head}: ${r.outcome}: ${r.note ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeExport(r: ExportResult): string {
  const lines = [
    `${r.format} export of ${r.branch} to ${r.out}: ${r.members.filter((m) => m.state === 'written').length} of ${r.members.length} accepted commits`,
  ];
  for (const m of r.members)
    lines.push(
      `  ${m.sha.slice(0, 12)} ${m.state}${m.file && m.file !== r.out ? ` ${m.file}` : ''}: ${m.subject}${m.state === 'written' ? '' : ` — ${m.reason}`}`,
    );
  return `${lines.join('\n')}\n`;
}
