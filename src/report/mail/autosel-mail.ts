/**
 * One AUTOSEL patch mail, as `git format-patch` and `git send-email` write it, so `git am`,
 * `git send-email` and b4 read it:
 *
 *   From <sha> Mon Sep 17 00:00:00 2001           (mbox separator, like format-patch)
 *   From/To/Cc/Subject/Date/Message-ID[/In-Reply-To/References]
 *   X-stable: review, X-Patchwork-Hint: Ignore, X-stable-base: Linux 6.17.7, MIME headers
 *
 *   From: <author>                                (in-body, when the sender is someone else)
 *   Date: <author date>                           (in-body, so git am keeps the author date)
 *
 *   [ Upstream commit <sha> ]
 *
 *   <upstream body, trailers> + Signed-off-by: <sender>
 *   ---
 *
 *   <written case: plain text; lines git would take for a patch are indented>
 *
 *    <diffstat>
 *
 *   diff --git ...                                (the patch adapted to the newest tree)
 *
 * `git am` stops reading the message at the `---` line, so the commit it makes holds the upstream
 * message, the marker and the sign-off, never the analysis.
 */
import { StablepickError } from '../../errors.js';
import { assertHeaderSafe, addressHeader, formatMailbox, rfc2822Date, unstructuredHeader, type Mailbox, FOLD_AT } from './headers.js';
import { checkAnalysisText, escapePatchLines } from './check.js';
import { mboxFromLine, quoteFromLines } from './mbox.js';

export { writeMbox, splitMbox } from './mbox.js';
export { assertMailable, checkMailText } from './check.js';

export interface AutoselMailInput {
  /** The upstream commit (40 or 64 hex digits). */
  sha: string;
  author: Mailbox;
  /** Author date, unix seconds: the in-body `Date:` that `git am` gives the new commit. */
  authorTime: number;
  /** The upstream subject. */
  subject: string;
  /** The full upstream commit message (subject line, blank line, body with trailers). */
  message: string;
  /** Versions the subject names, newest first: ['6.17', '6.12'] → `[PATCH AUTOSEL 6.17-6.12]`. */
  trees: string[];
  /** The `X-stable-base` value, e.g. `Linux 6.17.7`. */
  stableBase: string;
  /** The sender; their `Signed-off-by:` closes the trailers. */
  from: Mailbox;
  /** Addresses as `Name <email>`. */
  to: string[];
  cc: string[];
  /** The written case as plain text: it goes after the `---` line, before the diffstat. */
  analysis: string;
  /** `git format-patch` text of the pick adapted to the newest tree (ApplyResult.patch). */
  patch: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** The mail's Date header; default now. */
  date?: Date;
}

export interface AutoselMail {
  messageId: string;
  /** The mbox entry: separator line, headers, body; ends with a newline. */
  text: string;
  /** The Subject, unencoded. */
  subject: string;
}

/** SMTP's limit on a line, in bytes, without the CRLF (RFC 5321 4.5.3.1.6). */
const MAX_LINE_BYTES = 998;
const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const MSGID_RE = /^<[^<>\s@]+@[^<>\s@]+>$/;

/** `<stablepick.<time>.<n>.<sha12>@<host>>`: unique per run and mail, and the same for the same inputs. */
export function makeMessageId(opts: { sha: string; n: number; time: number; host: string }): string {
  if (!/^[0-9a-f]{12,64}$/.test(opts.sha))
    throw new StablepickError('BAD_REVISION', { rev: opts.sha, expected: 'hex id', fix: 'give the full upstream commit id' });
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(opts.host))
    throw new StablepickError('BAD_MAIL', {
      input: `the Message-ID host ${opts.host}`,
      why: 'is not a host name',
      fix: 'use the domain of the sender address',
    });
  if (!Number.isInteger(opts.n) || opts.n < 0 || !Number.isInteger(opts.time) || opts.time < 0)
    throw new StablepickError('BAD_MAIL', { input: 'Message-ID', why: 'needs a whole time and mail number', fix: 'pass unix seconds and the mail index' });
  return `<stablepick.${opts.time}.${opts.n}.${opts.sha.slice(0, 12)}@${opts.host}>`;
}

/** The domain of an address: a Message-ID host that says who sent the mail. */
export function messageIdHost(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** `[PATCH AUTOSEL 6.17-6.12]` for ['6.17', '6.12'], `[PATCH AUTOSEL 6.17]` for one tree. */
export function autoselPrefix(trees: readonly string[]): string {
  if (!trees.length)
    throw new StablepickError('BAD_MAIL', { input: 'an AUTOSEL mail', why: 'names at least one tree', fix: 'give the target trees, newest first' });
  for (const t of trees)
    if (!/^[A-Za-z0-9._+-]+$/.test(t))
      throw new StablepickError('BAD_MAIL', { input: JSON.stringify(t), why: 'is not a tree version', fix: "name trees like '6.17'" });
  const first = trees[0] as string;
  const last = trees[trees.length - 1] as string;
  return `[PATCH AUTOSEL ${trees.length === 1 || first === last ? first : `${first}-${last}`}]`;
}

/**
 * Lines `git mailinfo` ends the message at (its patchbreak()): `diff -`, `Index: `, `--- <name>`, and
 * `---` followed by white space only. In the upstream message they are indented by one space.
 */
const MAILINFO_BREAK = /^(?:diff -|Index: |--- \S|---\s*$)/;

/**
 * The subject as git shows it (`%s`): the message's first paragraph with its lines joined by one space
 * (Xen has 6,870 commits whose subject wraps onto a second line). `fallback` (the first line, as indexed)
 * when the message does not start with it.
 */
export function gitSubject(message: string, fallback: string): string {
  const first = fallback.replace(/\s*\n\s*/g, ' ').trim();
  // git trims only ASCII white space at the end of each line (a byte-order mark at the start stays).
  const para =
    message
      .replace(/\r\n/g, '\n')
      .replace(/^(?:[ \t\r]*\n)+/, '')
      .split(/\n[ \t\r]*\n/)[0] ?? '';
  const joined = para
    .split('\n')
    .map((l) => l.replace(/[ \t\r]+$/, ''))
    .filter((l) => l !== '')
    .join(' ');
  return joined.trim().startsWith(first) ? joined : first;
}

/** The message without its subject paragraph, trailing white space trimmed. */
function bodyOfMessage(message: string): string {
  const m = message.replace(/\r\n/g, '\n');
  const cut = m.search(/\n[ \t]*\n/);
  if (cut < 0) return '';
  return m
    .slice(cut)
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

const TRAILER_LINE = /^[A-Za-z0-9][A-Za-z0-9-]*:[ \t]*\S/;
const GIT_TRAILER = /^(?:Signed-off-by: |\(cherry picked from commit )/i;

/**
 * Appends `sob` to the trailer block (the last paragraph when it is all trailers, or at least a quarter
 * trailers with a Signed-off-by, as git decides), or as a new paragraph. Not appended when the block's
 * last trailer is the same sign-off (what `git commit -s` and `git am -s` do).
 */
function appendSignoff(body: string, sob: string, email: string): string {
  const b = body.trimEnd();
  if (!b) return sob;
  const paras = b.split(/\n[ \t]*\n/);
  const last = (paras[paras.length - 1] ?? '').split('\n');
  const heads = last.filter((l) => !/^[ \t]/.test(l));
  const trailers = heads.filter((l) => TRAILER_LINE.test(l) || GIT_TRAILER.test(l));
  const isBlock =
    paras.length > 1 &&
    heads.length > 0 &&
    (trailers.length === heads.length || (trailers.length * 4 >= heads.length && heads.some((l) => GIT_TRAILER.test(l))));
  if (isBlock) {
    const lastTrailer = trailers[trailers.length - 1] ?? '';
    const m = /^Signed-off-by:\s*.*<([^>]+)>\s*$/i.exec(lastTrailer);
    if (m && (m[1] ?? '').toLowerCase() === email.toLowerCase()) return b;
    return `${b}\n${sob}`;
  }
  return `${b}\n\n${sob}`;
}

/** The diffstat and diff of a `git format-patch` mail: everything after its own `---` line. */
function diffPartOfPatch(patch: string): string {
  const lines = patch.replace(/\r\n/g, '\n').split('\n');
  const d = lines.findIndex((l) => l.startsWith('diff --git '));
  if (d < 0)
    throw new StablepickError('BAD_MAIL', {
      input: 'the adapted patch',
      why: 'holds no diff',
      fix: 'mail only picks that apply (ApplyResult.patch of a clean pick)',
    });
  let s = d - 1;
  while (s >= 0 && lines[s] !== '---') s--;
  if (s < 0)
    throw new StablepickError('BAD_MAIL', {
      input: 'the adapted patch',
      why: "has no '---' line before its diff",
      fix: 'give the git format-patch text of the pick',
    });
  return `${lines
    .slice(s + 1)
    .join('\n')
    .replace(/\n*$/, '')}\n`;
}

function assertMessageId(what: string, id: string): void {
  if (!MSGID_RE.test(id))
    throw new StablepickError('BAD_MAIL', { input: what, why: `is not a message id: ${JSON.stringify(id)}`, fix: 'message ids look like <local@host>' });
}

function sameMailbox(a: Mailbox, b: Mailbox): boolean {
  return a.email.toLowerCase() === b.email.toLowerCase() && a.name.trim() === b.name.trim();
}

/** A header that lists message ids, one per line when they do not fit. */
function idListHeader(name: string, ids: readonly string[]): string {
  let line = `${name}:`;
  const lines: string[] = [];
  for (const id of ids) {
    if (line.length + 1 + id.length > FOLD_AT && line !== `${name}:`) {
      lines.push(line);
      line = ` ${id}`;
    } else line += ` ${id}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** True when a body line cannot travel as 8bit: too long for SMTP, or a bare CR or NUL in it. */
function needsQuotedPrintable(body: string): boolean {
  for (const l of body.split('\n')) {
    if (/[\r\0]/.test(l)) return true;
    if (l.length > MAX_LINE_BYTES / 4 && Buffer.byteLength(l, 'utf8') > MAX_LINE_BYTES) return true;
  }
  return false;
}

/** RFC 2045 quoted-printable of UTF-8 text, lines at most 76 characters, `From ` at a line start encoded. */
export function encodeQuotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const bytes = Buffer.from(line, 'utf8');
    const tokens: string[] = [];
    bytes.forEach((b, i) => {
      const atEnd = i === bytes.length - 1;
      const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !atEnd);
      tokens.push(plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
    });
    if (line.startsWith('From ')) tokens[0] = '=46';
    let cur = '';
    const pieces: string[] = [];
    for (const t of tokens) {
      if (cur.length + t.length > 75) {
        pieces.push(`${cur}=`);
        cur = '';
      }
      cur += t;
    }
    pieces.push(cur);
    out.push(...pieces);
  }
  return out.join('\n');
}

/** Builds one AUTOSEL mail (an mbox entry). Throws StablepickError on bad input or a leaked note in the analysis. */
export function formatAutoselMail(input: AutoselMailInput): AutoselMail {
  if (!SHA_RE.test(input.sha)) throw new StablepickError('BAD_REVISION', { rev: input.sha, expected: 'full id', fix: 'give the 40-hex upstream commit id' });
  assertMessageId('Message-ID', input.messageId);
  if (input.inReplyTo !== undefined) assertMessageId('In-Reply-To', input.inReplyTo);
  for (const r of input.references ?? []) assertMessageId('References', r);
  if (!input.to.length) throw new StablepickError('BAD_MAIL', { input: 'the mail', why: 'has no To address', fix: "give the project's stable list(s)" });
  if (!Number.isFinite(input.authorTime)) throw new StablepickError('BAD_MAIL', { input: 'the author time', why: 'is not a number', fix: 'give unix seconds' });
  assertHeaderSafe('X-stable-base', input.stableBase);
  if (!input.stableBase.trim())
    throw new StablepickError('BAD_MAIL', { input: 'X-stable-base', why: 'is empty', fix: "give the branch's latest release, e.g. 'Linux 6.17.7'" });
  checkAnalysisText(input.analysis);

  const subjectLine = gitSubject(input.message, input.subject);
  if (!subjectLine)
    throw new StablepickError('BAD_MAIL', { input: `commit ${input.sha.slice(0, 12)}`, why: 'has an empty subject', fix: 'a patch mail needs a subject' });
  const subject = `${autoselPrefix(input.trees)} ${subjectLine}`;
  const date = input.date ?? new Date();
  const authorDate = new Date(Math.trunc(input.authorTime) * 1000);

  const headers = [
    addressHeader('From', [input.from]),
    addressHeader('To', input.to),
    ...(input.cc.length ? [addressHeader('Cc', input.cc)] : []),
    unstructuredHeader('Subject', subject),
    `Date: ${rfc2822Date(date)}`,
    `Message-ID: ${input.messageId}`,
    ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`] : []),
    ...(input.references?.length ? [idListHeader('References', input.references)] : []),
    'X-stable: review',
    'X-Patchwork-Hint: Ignore',
    unstructuredHeader('X-stable-base', input.stableBase.trim()),
    'MIME-Version: 1.0',
  ];

  const inBody: string[] = [];
  if (!sameMailbox(input.author, input.from)) inBody.push(`From: ${formatMailbox(input.author)}`);
  if (Math.trunc(input.authorTime) !== Math.trunc(date.getTime() / 1000)) inBody.push(`Date: ${rfc2822Date(authorDate)}`);

  const upstreamBody = bodyOfMessage(input.message)
    .split('\n')
    .map((l) => (MAILINFO_BREAK.test(l) ? ` ${l}` : l))
    .join('\n');
  const sob = `Signed-off-by: ${input.from.name.trim() ? `${input.from.name.trim()} <${input.from.email}>` : input.from.email}`;
  const message = appendSignoff(`[ Upstream commit ${input.sha} ]\n\n${upstreamBody}`, sob, input.from.email);

  const analysis = escapePatchLines(input.analysis.replace(/\r\n/g, '\n').trimEnd()).replace(/^\n+/, '');
  const parts = [...(inBody.length ? [`${inBody.join('\n')}\n`] : []), `${message}\n---\n`];
  if (analysis) parts.push(`${analysis}\n`);
  parts.push(diffPartOfPatch(input.patch));
  let body = parts.join('\n');

  if (needsQuotedPrintable(body)) {
    headers.push('Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: quoted-printable');
    body = encodeQuotedPrintable(body);
  } else {
    headers.push('Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit');
  }
  const text = `${mboxFromLine(input.sha)}\n${quoteFromLines(`${headers.join('\n')}\n\n${body}`)}`.replace(/\n*$/, '\n');
  return { messageId: input.messageId, text, subject };
}
