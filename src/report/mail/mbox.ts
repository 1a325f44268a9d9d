/**
 * The mbox framing of patch mails, as `git format-patch` writes it: each mail starts with the line
 * `From <sha> Mon Sep 17 00:00:00 2001` and ends with a blank line. Body lines that start with `From `
 * (after any number of `>`) get one more `>` (mboxrd), so no mail reader takes them for the start of a
 * mail, and `git am --patch-format=mboxrd` (or `git mailsplit --mboxrd`) gives them back exactly.
 */
import { StablepickError } from '../../errors.js';

/** format-patch's fixed date on the mbox separator line. */
const MBOX_MAGIC_DATE = 'Mon Sep 17 00:00:00 2001';
const FROM_LINE = /^From (\S+) Mon Sep 17 00:00:00 2001$/;

/** The mbox separator line for a mail about `sha`. */
export function mboxFromLine(sha: string): string {
  return `From ${sha} ${MBOX_MAGIC_DATE}`;
}

/** mboxrd quoting: `From ` and `>From ` ... at the start of a line get one more `>`. */
export function quoteFromLines(text: string): string {
  return text.replace(/^(>*From )/gm, '>$1');
}

/** Undoes quoteFromLines. */
export function unquoteFromLines(text: string): string {
  return text.replace(/^>(>*From )/gm, '$1');
}

/**
 * The RFC 5322 message in one mbox entry (what goes over SMTP): without the `From <sha> ...` separator
 * line and with the mboxrd quoting undone.
 */
export function mboxEntryToMessage(entry: string): string {
  const nl = entry.indexOf('\n');
  const first = nl < 0 ? entry : entry.slice(0, nl);
  const rest = FROM_LINE.test(first) ? entry.slice(nl + 1) : entry;
  return unquoteFromLines(rest).replace(/\n*$/, '\n');
}

/** Mails one after another, each ending with one blank line, as `git format-patch --stdout` does. */
export function writeMbox(mails: readonly { text: string }[]): string {
  return mails
    .map((m, i) => {
      if (!m.text.startsWith('From ') || !FROM_LINE.test(m.text.slice(0, m.text.indexOf('\n')))) {
        throw new StablepickError('BAD_MAIL', {
          input: `mail ${i + 1}`,
          why: `does not start with an mbox 'From <sha> ${MBOX_MAGIC_DATE}' line`,
          fix: 'build the mails with formatAutoselMail',
        });
      }
      return m.text.replace(/\n*$/, '\n\n');
    })
    .join('');
}

/** Cuts an mbox into its entries (at `From <id> Mon Sep 17 00:00:00 2001` lines). */
export function splitMbox(mbox: string): string[] {
  const starts: number[] = [];
  const re = /^From \S+ Mon Sep 17 00:00:00 2001$/gm;
  for (const m of mbox.matchAll(re)) starts.push(m.index ?? 0);
  return starts.map((s, k) => mbox.slice(s, starts[k + 1] ?? mbox.length));
}
