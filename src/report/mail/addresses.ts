/**
 * Who an AUTOSEL mail goes to. To: the stable list(s) from the configuration, plus any stable address
 * the commit's own `Cc: stable@...` trailers name. Cc: the commit's author, the people of its trailers
 * (Signed-off-by, Reviewed-by, Acked-by, Tested-by, Reported-by, Suggested-by, Co-developed-by, other
 * `...-by` trailers of the trailer block, Cc), the maintainers, reviewers and lists MAINTAINERS names
 * for its files, and configured extras. One entry per address (case-insensitive), never the sender,
 * every address well formed; what was left out is listed with the reason. `why` says, for every
 * address, where it came from.
 */
import { addressParser } from 'postal-mime';
import type { MaintainersResult } from '../../analysis/code/maintainers.js';
import { maintainersForCommit } from '../../analysis/code/maintainers.js';
import { isStablepickError } from '../../errors.js';
import type { GitTarget } from '../../git/run.js';
import { parseTrailers, type Trailer, type TrailerKind } from '../../conventions/trailers.js';
import { DEFAULT_CONVENTIONS, type Conventions } from '../../conventions/types.js';
import { displayMailbox, emailProblem, type Mailbox } from './headers.js';

export interface RecipientsInput {
  /** The upstream commit message (its trailers are read). */
  message: string;
  author: Mailbox;
  /** Who sends the mail: never a recipient. */
  sender: Mailbox;
  /** The configured stable list(s): the To line. */
  stableLists: readonly string[];
  /** Configured extra recipients. */
  extraTo?: readonly string[];
  extraCc?: readonly string[];
  /**
   * MAINTAINERS entries for the commit, already looked up (null: none). When absent and `repo` and `sha`
   * are given, mailRecipients() looks them up with maintainersForCommit.
   */
  maintainers?: MaintainersResult | null;
  repo?: GitTarget;
  sha?: string;
  /** Revision whose MAINTAINERS file to read (default the commit itself). */
  maintainersRev?: string;
  /** Path of the MAINTAINERS file (default `MAINTAINERS`). */
  maintainersFile?: string;
  conventions?: Conventions;
}

export interface SkippedAddress {
  /** The text as found. */
  value: string;
  /** Where it was found ('Reported-by trailer', 'MAINTAINERS: FOO (M)', 'config Cc'). */
  source: string;
  reason: string;
}

export interface Recipients {
  to: string[];
  cc: string[];
  /** Address (as in `to`/`cc`) → where it came from, in the order found. */
  why: Record<string, string[]>;
  skipped: SkippedAddress[];
  /** How MAINTAINERS was consulted: the file read, or why not. */
  maintainersNote: string;
}

const LABEL: Partial<Record<TrailerKind, string>> = {
  'signed-off-by': 'Signed-off-by',
  'reviewed-by': 'Reviewed-by',
  'acked-by': 'Acked-by',
  'tested-by': 'Tested-by',
  'reported-by': 'Reported-by',
  'suggested-by': 'Suggested-by',
  'co-developed-by': 'Co-developed-by',
  cc: 'Cc',
};

interface Entry {
  mailbox: Mailbox;
  list: 'to' | 'cc';
  reasons: string[];
}

/** Strips `# annotation` and a trailing `[note]` from a trailer value. */
function stripAnnotations(value: string): string {
  return value
    .replace(/\s*#.*$/, '')
    .replace(/\s*\[[^\]]*\]\s*$/, '')
    .trim();
}

/** The addresses in a header-like value ('Name <a@b>', 'a@b, c@d', 'a@b (Name)'). */
function addressesIn(value: string): { name: string; email: string; raw: string }[] {
  const v = stripAnnotations(value);
  if (!v) return [];
  const out: { name: string; email: string; raw: string }[] = [];
  for (const a of addressParser(v)) {
    if ('group' in a && Array.isArray(a.group)) {
      for (const g of a.group) out.push({ name: (g.name ?? '').trim(), email: (g.address ?? '').trim(), raw: v });
    } else if ('address' in a) {
      out.push({ name: (a.name ?? '').trim(), email: (a.address ?? '').trim(), raw: v });
    }
  }
  return out.length ? out : [{ name: v, email: '', raw: v }];
}

/** Builds the recipient lists from what is already known (no git). */
export function recipientsFrom(input: RecipientsInput, maintainers: MaintainersResult | null, maintainersNote = ''): Recipients {
  const entries = new Map<string, Entry>();
  const order: string[] = [];
  const skipped: SkippedAddress[] = [];
  const sender = input.sender.email.toLowerCase();

  const add = (list: 'to' | 'cc', value: string, source: string): void => {
    // A CR (or any control character) inside one value could smuggle a second header or address into the
    // mail: the whole value is left out, never split into addresses.
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
      skipped.push({ value: JSON.stringify(value), source, reason: 'a control character (CR, LF or NUL) inside the value' });
      return;
    }
    for (const a of addressesIn(value)) {
      const problem = emailProblem(a.email);
      if (problem) {
        skipped.push({ value: a.raw, source, reason: problem });
        continue;
      }
      const key = a.email.toLowerCase();
      if (key === sender) {
        if (!skipped.some((s) => s.source === source && s.reason === 'the sender')) skipped.push({ value: a.raw, source, reason: 'the sender' });
        continue;
      }
      const e = entries.get(key);
      if (e) {
        if (!e.mailbox.name && a.name) e.mailbox.name = a.name;
        if (list === 'to') e.list = 'to';
        if (!e.reasons.includes(source)) e.reasons.push(source);
      } else {
        entries.set(key, { mailbox: { name: a.name, email: a.email }, list, reasons: [source] });
        order.push(key);
      }
    }
  };

  for (const l of input.stableLists) add('to', l, 'stable list (config)');
  for (const l of input.extraTo ?? []) add('to', l, 'config To');

  add('cc', displayMailbox(input.author), 'commit author');
  const trailers: Trailer[] = parseTrailers(input.message, input.conventions ?? DEFAULT_CONVENTIONS);
  for (const t of trailers) {
    if (t.kind === 'stable') {
      if (t.stable?.noautosel) {
        skipped.push({ value: t.value, source: `${t.key} trailer`, reason: 'stable+noautosel is a request, not a list' });
        continue;
      }
      add('to', t.stable?.address ?? t.value, `${t.key}: stable trailer`);
      continue;
    }
    const label = LABEL[t.kind] ?? (t.kind === 'other' && t.inBlock && /-by$/i.test(t.key) ? t.key : null);
    if (!label) continue;
    add('cc', t.value, `${label} trailer`);
  }
  if (maintainers) {
    for (const s of maintainers.sections) {
      for (const m of s.maintainers) add('cc', m, `MAINTAINERS: ${s.section} (M)`);
      for (const r of s.reviewers) add('cc', r, `MAINTAINERS: ${s.section} (R)`);
      for (const l of s.lists) add('cc', l, `MAINTAINERS: ${s.section} (L)`);
    }
  }
  for (const l of input.extraCc ?? []) add('cc', l, 'config Cc');

  const to: string[] = [];
  const cc: string[] = [];
  const why: Record<string, string[]> = {};
  for (const key of order) {
    const e = entries.get(key) as Entry;
    const shown = displayMailbox(e.mailbox);
    (e.list === 'to' ? to : cc).push(shown);
    why[shown] = e.reasons;
  }
  return { to, cc, why, skipped, maintainersNote };
}

/**
 * The recipients of the mail for a commit, reading MAINTAINERS when `repo` and `sha` are given and no
 * `maintainers` were passed. A repository without a MAINTAINERS file is not an error.
 */
export async function mailRecipients(input: RecipientsInput): Promise<Recipients> {
  let maintainers: MaintainersResult | null = input.maintainers ?? null;
  let note = input.maintainers ? `${input.maintainers.source.path} at ${input.maintainers.source.rev.slice(0, 12)}` : 'MAINTAINERS not consulted';
  if (input.maintainers === undefined && input.repo && input.sha) {
    const file = input.maintainersFile ?? 'MAINTAINERS';
    try {
      maintainers = await maintainersForCommit(input.repo, input.sha, {
        ...(input.maintainersRev ? { rev: input.maintainersRev } : {}),
        file,
      });
      note = `${file} at ${maintainers.source.rev.slice(0, 12)}`;
    } catch (e) {
      if (!isStablepickError(e) || e.code !== 'NOT_FOUND') throw e;
      maintainers = null;
      note = `no ${file} file`;
    }
  }
  return recipientsFrom(input, maintainers, note);
}
