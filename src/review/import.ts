/**
 * Replies to stablepick's own mails, read from an mbox, become review decisions.
 *
 * Threading: a reply belongs to the mail stablepick wrote (table review_mail) that its In-Reply-To or
 * References names, nearest first. Failing that, an `[ Upstream commit <sha> ]` line in the reply (quoted
 * or not) names the commit, and the branches come from the latest mail stablepick wrote about it, or from
 * the version in the subject tag (`[PATCH AUTOSEL 6.12]`) matched against the indexed branches.
 *
 * Classification reads only the reply's own text: quoted lines (`>`), the attribution line ("On ...
 * wrote:") and everything after the signature separator (`-- `) are ignored.
 *   - NAK, Nacked-by:, "please drop", "drop this", "not a fix", "don't/do not backport", "not for stable"
 *     → rejected, the sentence quoted as the reason;
 *   - an Acked-by:/Reviewed-by:/Tested-by: line, or a line that is just "ACK" or "queued" → accepted;
 *   - anything else → needs-review ("reply from <who> needs a person: <first line>").
 * When the config lists reviewers, an ACK or NAK from anyone else is needs-review too.
 * Each reply is recorded once per (Message-ID, commit, branch): importing the same mbox again adds nothing.
 */
import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';
import type { DB } from '../history/db.js';
import { splitMbox } from './mbox.js';
import { isReviewer, type ReviewPolicy } from './policy.js';
import { normaliseMessageId, ReviewStore, type ReviewStatus } from './store.js';
import { allBranches } from '../history/tables/branches.js';

export type ReplyOutcome = 'recorded' | 'duplicate' | 'unthreaded' | 'own-mail' | 'not-a-reply';

export interface ImportedReply {
  /** Position in the mbox, from 1. */
  index: number;
  messageId: string;
  from: string;
  subject: string;
  date: number | null;
  outcome: ReplyOutcome;
  /** For recorded and duplicate replies. */
  status?: ReviewStatus;
  why?: string;
  sha?: string;
  branches?: string[];
  /** How the reply was threaded: 'in-reply-to', 'references', 'upstream-line'. */
  threadedBy?: string;
  /** The mail of stablepick it answers (when threaded through review_mail). */
  inReplyTo?: string;
  /** Why it was not recorded (unthreaded, not-a-reply). */
  note?: string;
}

export interface ImportSummary {
  messages: number;
  recorded: number;
  duplicates: number;
  unthreaded: number;
  skipped: number;
  byStatus: Record<ReviewStatus, number>;
  replies: ImportedReply[];
}

interface Classified {
  status: ReviewStatus;
  why: string;
}

const REJECT = [
  /\bnak(?:ed)?\b/i,
  /\bnacked-by:/i,
  /\bplease\s+drop\b/i,
  /\bdrop\s+this\b/i,
  /\bnot\s+a\s+fix\b/i,
  /\bdon[’']?t\s+backport\b/i,
  /\bdo\s+not\s+backport\b/i,
  /\bnot\s+for\s+stable\b/i,
];
const ACCEPT_TRAILER = /^\s*(?:acked|reviewed|tested)-by:\s*\S/i;
const ACCEPT_BARE = /^\s*(?:ack(?:ed)?|(?:now\s+)?queued(?:\s+up)?(?:,?\s*thanks?(?:\s+you)?)?)\s*[.!]*\s*$/i;
const ATTRIBUTION = /^\s*(?:on\b.*\bwrote:|.*\bwrote:)\s*$/i;
const UPSTREAM_LINE = /\[\s*upstream commit ([0-9a-f]{40})\s*\]/i;
const FULL_SHA = /^[0-9a-f]{40}$/;
const IMPORT_CHUNK = 500;

/** The lines a reply's author wrote: no quotes, no attribution, nothing after the signature. */
export function ownLines(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '-- ' || line === '--') break;
    if (/^\s*>/.test(line)) continue;
    // "On Mon, 3 Nov 2025, Jane wrote:" introduces a quote: drop it (it may wrap onto two lines).
    if (ATTRIBUTION.test(line)) continue;
    const next = lines[i + 1] ?? '';
    if (/^\s*on\b/i.test(line) && /\bwrote:\s*$/i.test(next) && /^\s*>/.test(lines[i + 2] ?? '>')) continue;
    out.push(line);
  }
  while (out.length && out[out.length - 1]!.trim() === '') out.pop();
  return out;
}

/** The sentence of `paragraph` around index `at`, with the next one when it says little by itself. */
function sentenceAt(paragraph: string, at: number): string {
  // A sentence ends at . ! or ? followed by a blank or the end ("1.0" and "e.g.x" do not end one).
  const parts: { start: number; end: number }[] = [];
  let start = 0;
  for (const m of paragraph.matchAll(/[.!?]+(?=\s|$)/g)) {
    const end = (m.index ?? 0) + m[0].length;
    parts.push({ start, end });
    start = end;
  }
  if (start < paragraph.length && paragraph.slice(start).trim() !== '') parts.push({ start, end: paragraph.length });
  const i = parts.findIndex((p) => at >= p.start && at < p.end);
  if (i < 0) return paragraph.trim();
  let s = paragraph.slice(parts[i]!.start, parts[i]!.end).trim();
  // "NAK." alone says nothing of why: take the sentence after it too.
  if (s.replace(/\bnak(?:ed)?\b|[^a-z]/gi, '').length < 12 && parts[i + 1]) s = `${s} ${paragraph.slice(parts[i + 1]!.start, parts[i + 1]!.end).trim()}`;
  return s;
}

/** Classifies a reply by its own lines. */
export function classifyReply(own: readonly string[], who: string): Classified {
  const paragraphs: string[] = [];
  let cur: string[] = [];
  for (const l of own) {
    if (l.trim() === '') {
      if (cur.length) paragraphs.push(cur.join(' '));
      cur = [];
    } else cur.push(l.trim());
  }
  if (cur.length) paragraphs.push(cur.join(' '));
  for (const [pi, p] of paragraphs.entries()) {
    for (const re of REJECT) {
      const m = re.exec(p);
      if (!m) continue;
      let why = sentenceAt(p, m.index);
      // A bare "NAK" paragraph: the reason is the next paragraph.
      if (why.replace(/\bnak(?:ed)?\b|[^a-z]/gi, '').length < 12 && paragraphs[pi + 1]) why = `${why} ${sentenceAt(paragraphs[pi + 1]!, 0)}`;
      return { status: 'rejected', why: why.replace(/\s+/g, ' ').trim() };
    }
  }
  for (const l of own) {
    if (ACCEPT_TRAILER.test(l) || ACCEPT_BARE.test(l)) return { status: 'accepted', why: l.trim() };
  }
  const first = own.find((l) => l.trim() !== '')?.trim() ?? '(no text of its own)';
  return { status: 'needs-review', why: `reply from ${who} needs a person: ${first}` };
}

function mailbox(a: Address | undefined): string {
  if (!a) return '';
  const box = a.address !== undefined ? a : a.group[0];
  if (!box) return a.name;
  return box.name ? `${box.name} <${box.address}>` : box.address;
}

/** Message-IDs in a References / In-Reply-To value, in order. */
function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]+>/g);
  if (ids) return ids.map(normaliseMessageId);
  return value
    .split(/\s+/)
    .filter((s) => s.includes('@'))
    .map(normaliseMessageId);
}

function dateOf(e: Email): number | null {
  if (!e.date) return null;
  const t = Date.parse(e.date);
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

function plainText(e: Email): string {
  if (e.text !== undefined) return e.text;
  if (e.html !== undefined) {
    return e.html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|blockquote)>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&gt;/g, '>')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
  }
  return '';
}

interface Thread {
  sha: string;
  branches: string[];
  threadedBy: string;
  inReplyTo?: string;
}

/**
 * Reads `mbox` (its bytes) and records the decisions of the replies it holds. `now` is the time given to
 * replies without a usable Date header.
 */
export async function importMbox(db: DB, mbox: Buffer, policy: ReviewPolicy, opts: { now?: number } = {}): Promise<ImportSummary> {
  const store = new ReviewStore(db);
  const raw = splitMbox(mbox);
  const parsed: { index: number; email: Email; raw: Buffer }[] = [];
  for (const [i, r] of raw.entries()) parsed.push({ index: i + 1, email: await PostalMime.parse(r), raw: r });
  // Oldest reply first, so the latest word on a commit is its current state.
  parsed.sort((a, b) => (dateOf(a.email) ?? 0) - (dateOf(b.email) ?? 0) || a.index - b.index);
  const summary: ImportSummary = {
    messages: raw.length,
    recorded: 0,
    duplicates: 0,
    unthreaded: 0,
    skipped: 0,
    byStatus: { accepted: 0, rejected: 0, 'needs-review': 0, deferred: 0 },
    replies: [],
  };
  const branchesByVersion = indexedBranchesByVersion(db);
  // Replies are recorded 500 to a transaction: one commit per reply dominated a large import.
  const chunk = db.transaction((items: typeof parsed) => {
    for (const item of items) importOne(item);
  });
  for (let i = 0; i < parsed.length; i += IMPORT_CHUNK) chunk.immediate(parsed.slice(i, i + IMPORT_CHUNK));
  summary.replies.sort((a, b) => a.index - b.index);
  return summary;

  function importOne({ index, email, raw: bytes }: (typeof parsed)[number]): void {
    const messageId =
      normaliseMessageId(email.messageId ?? '') || `<sha256-${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}@stablepick.invalid>`;
    const from = mailbox(email.from);
    const subject = (email.subject ?? '').trim();
    const date = dateOf(email);
    const base: ImportedReply = { index, messageId, from, subject, date, outcome: 'unthreaded' };
    const text = plainText(email);
    const own = ownLines(text);
    if (store.mailById(messageId)) {
      summary.skipped++;
      summary.replies.push({ ...base, outcome: 'own-mail', note: 'a mail stablepick wrote' });
      return;
    }
    if (/^\s*\[PATCH/i.test(subject) || own.some((l) => l.startsWith('diff --git '))) {
      summary.skipped++;
      summary.replies.push({ ...base, outcome: 'not-a-reply', note: 'a patch, not a reply' });
      return;
    }
    const thread = threadOf(store, email, text, subject, branchesByVersion);
    if ('note' in thread) {
      summary.unthreaded++;
      summary.replies.push({ ...base, note: thread.note });
      return;
    }
    // A reply's text or sender may hold a NUL or CR (a broken mailer): kept visibly (\0, \r), never cut.
    const who = visibleControls(from) || '(unknown sender)';
    let c = classifyReply(
      own.map((l) => visibleControls(l)),
      who,
    );
    if (c.status !== 'needs-review' && !isReviewer(policy, who)) {
      c = { status: 'needs-review', why: `reply from ${who} (not a listed reviewer) needs a person: ${c.why}` };
    }
    const at = date ?? opts.now ?? Math.floor(Date.now() / 1000);
    let added = false;
    // One lookup per decision (reading the commit's whole log before and after made 20,000 replies to one
    // mail quadratic).
    for (const branch of thread.branches) {
      if (store.record({ sha: thread.sha, branch, status: c.status, who, why: c.why, source: 'mail', messageId, at }).added) added = true;
    }
    const reply: ImportedReply = {
      ...base,
      outcome: added ? 'recorded' : 'duplicate',
      status: c.status,
      why: c.why,
      sha: thread.sha,
      branches: thread.branches,
      threadedBy: thread.threadedBy,
    };
    if (thread.inReplyTo) reply.inReplyTo = thread.inReplyTo;
    if (added) {
      summary.recorded++;
      summary.byStatus[c.status]++;
    } else summary.duplicates++;
    summary.replies.push(reply);
  }
}

/** Control characters (but tab) written as escapes, so a reason keeps all its text and the store accepts it. */
function visibleControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (ch) => (ch === '\0' ? '\\0' : ch === '\r' ? '\\r' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

function threadOf(store: ReviewStore, email: Email, text: string, subject: string, byVersion: Map<string, string[]>): Thread | { note: string } {
  const irt = messageIds(email.inReplyTo);
  const refs = messageIds(email.references).reverse();
  for (const [how, ids] of [
    ['in-reply-to', irt],
    ['references', refs],
  ] as const) {
    for (const id of ids) {
      const m = store.mailById(id);
      if (m) return { sha: m.sha, branches: m.branches, threadedBy: how, inReplyTo: m.messageId };
    }
  }
  const up = UPSTREAM_LINE.exec(text);
  const sha = up?.[1]?.toLowerCase();
  if (sha && FULL_SHA.test(sha)) {
    const mails = store.mailsForCommit(sha);
    const latest = mails[mails.length - 1];
    if (latest) return { sha, branches: latest.branches, threadedBy: 'upstream-line', inReplyTo: latest.messageId };
    if (!store.isIndexed(sha)) return { note: `names upstream commit ${sha.slice(0, 12)}, which is not in the index` };
    const version = /\[[^\]]*?\b(\d+(?:\.\d+)+)\b[^\]]*\]/.exec(subject)?.[1];
    const branches = version ? byVersion.get(version) : undefined;
    if (branches?.length) return { sha, branches, threadedBy: 'upstream-line' };
    return { note: `names upstream commit ${sha.slice(0, 12)} but no branch: no mail of stablepick about it and no known branch version in the subject` };
  }
  if (!irt.length && !refs.length) return { note: 'not a reply (no In-Reply-To or References) and no [ Upstream commit ] line' };
  return { note: `answers ${[...irt, ...refs][0]}, which is not a mail stablepick recorded, and has no [ Upstream commit ] line` };
}

function indexedBranchesByVersion(db: DB): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of allBranches(db)) if (r.version !== null) out.set(r.version, [...(out.get(r.version) ?? []), r.name]);
  return out;
}
