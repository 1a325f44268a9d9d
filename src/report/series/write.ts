/**
 * A planned series as AUTOSEL mails: one per member, threaded to the first, each with the upstream
 * message (plus `Stable-dep-of:` for a prerequisite), the written case, and the patch adapted to the
 * newest tree it names; recipients from the config, MAINTAINERS and the commit's own trailers.
 */
import type { GitTarget } from '../../git/run.js';
import { isStablepickError, type ErrorCode } from '../../errors.js';
import type { DB } from '../../history/db.js';
import { assertMailable, formatAutoselMail, makeMessageId, messageIdHost, mailRecipients, parseMailbox, type Mailbox } from '../mail/index.js';
import { stableBaseOf, type SeriesMember, type SeriesPlan } from './plan.js';
import { commitWithMessage, type CommitRecord } from '../../history/tables/commits.js';

/** What formatting a mail throws for input it cannot mail: the mail is refused, the series goes on. */
const MAIL_INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BAD_MAIL', 'BAD_ADDRESS', 'BAD_REVISION']);

export interface WrittenMail {
  sha: string;
  subject: string;
  kind: SeriesMember['kind'];
  branches: string[];
  messageId: string;
  text: string;
  to: string[];
  cc: string[];
  /** Where the maintainers came from (the file and revision), or why none ("no MAINTAINERS file"). */
  maintainersNote: string;
}

export interface WriteOptions {
  from: string;
  to: readonly string[];
  cc?: readonly string[];
  /** Unix seconds for Message-IDs and Date headers (default now). */
  now?: number;
  /** The kernel's forms (`Linux 6.17.7` as the stable base). */
  kernel: boolean;
  /** The largest mail written, in bytes (default DEFAULT_MAX_MAIL_BYTES); a larger one is not mailed. */
  maxMailBytes?: number;
  /** Told once per mail that is not written (one line naming the commit), e.g. to print a warning. */
  onRefused?: (line: string) => void;
  /** Maintainers files to read, in order (the project's convention; default MAINTAINERS). */
  maintainerFiles?: readonly string[];
}

/**
 * The default size limit of one mail: 10 MiB, a common limit of SMTP servers and list software (a
 * chosen default, not a measured limit of any one list). A binary pick of 50 MB made a 72 MB mail.
 */
const DEFAULT_MAX_MAIL_BYTES = 10 * 1024 * 1024;

const short = (s: string): string => s.slice(0, 12);
const size = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

export async function writeSeries(repo: GitTarget, db: DB, plan: SeriesPlan, opts: WriteOptions): Promise<WrittenMail[]> {
  const from: Mailbox = parseMailbox(opts.from);
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const host = messageIdHost(from.email);
  const out: WrittenMail[] = [];
  const maxBytes = opts.maxMailBytes ?? DEFAULT_MAX_MAIL_BYTES;
  let root: string | null = null;
  // A mail that cannot be written (a CR in the author's name, a size over the limit) is refused by itself:
  // listed with the plan's skipped commits, the rest of the series is written.
  const refuse = (m: SeriesMember, reason: string): void => {
    plan.skipped.push({ sha: m.sha, subject: m.subject, reason: `not mailed: ${reason}` });
    opts.onRefused?.(`${short(m.sha)} ("${m.subject}") not mailed: ${reason}`);
  };
  for (const [i, m] of plan.members.entries()) {
    if (m.kind === 'pick') {
      for (const t of m.trees) {
        const b = m.case!.branches.find((x) => x.branch === t.branch);
        assertMailable({ verdict: b?.verdict ?? 'NO', already: b?.already ?? null, sha: m.sha, branch: t.branch });
      }
    }
    const row = commitWithMessage(db, m.sha) as CommitRecord & { message: string };
    let message = row.message;
    if (m.kind === 'dependency') {
      const deps = m.neededBy.map((s) => `Stable-dep-of: ${short(s)} ("${plan.members.find((x) => x.sha === s)?.subject ?? ''}")`);
      message = `${message.trimEnd()}\n${deps.join('\n')}\n`;
    }
    const author = { name: row.author_name, email: row.author_email };
    const files = opts.maintainerFiles ?? ['MAINTAINERS'];
    const messageId = makeMessageId({ sha: m.sha, n: i + 1, time: now, host });
    const newest = m.trees[0]!;
    let rcpt: Awaited<ReturnType<typeof mailRecipients>>;
    let mail: ReturnType<typeof formatAutoselMail>;
    try {
      rcpt = files.length
        ? await mailRecipients({
            message: row.message,
            author,
            sender: from,
            stableLists: opts.to,
            extraCc: opts.cc ?? [],
            repo,
            sha: m.sha,
            maintainersFile: files[0]!,
          })
        : await mailRecipients({ message: row.message, author, sender: from, stableLists: opts.to, extraCc: opts.cc ?? [], maintainers: null });
      if (!files.length) rcpt.maintainersNote = 'no maintainers file is known for this project';
      mail = formatAutoselMail({
        sha: m.sha,
        author,
        authorTime: row.author_time,
        subject: m.subject,
        message,
        trees: m.trees.map((t) => t.version),
        stableBase: stableBaseOf(newest, opts.kernel),
        from,
        to: rcpt.to,
        cc: rcpt.cc,
        analysis: m.analysis,
        patch: m.patch,
        messageId,
        ...(root ? { inReplyTo: root, references: [root] } : {}),
        date: new Date((now + i) * 1000),
      });
    } catch (e) {
      if (!isStablepickError(e) || !MAIL_INPUT_CODES.has(e.code)) throw e;
      refuse(m, e.message);
      continue;
    }
    const bytes = Buffer.byteLength(mail.text, 'utf8');
    if (bytes > maxBytes) {
      refuse(m, `the mail would be ${size(bytes)} (${bytes} bytes), over the limit of ${size(maxBytes)} (--max-mail-size)`);
      continue;
    }
    root ??= messageId;
    out.push({
      sha: m.sha,
      subject: mail.subject,
      kind: m.kind,
      branches: m.trees.map((t) => t.branch),
      messageId,
      text: mail.text,
      to: rcpt.to,
      cc: rcpt.cc,
      maintainersNote: rcpt.maintainersNote,
    });
  }
  return out;
}
