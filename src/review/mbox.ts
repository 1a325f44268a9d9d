/**
 * Reading and writing mbox files. Reading splits at `From ` separator lines (at the start of the file or
 * after an empty line) and undoes the mboxrd quoting of body lines (`>From ` → `From `, `>>From ` →
 * `>From `). Bytes are kept as they are (latin1 round trip), so each message can be parsed with its own
 * charset. Writing quotes the same way.
 */

/** A From_ separator: `From <sender> <date>` (format-patch writes `From <sha> Mon Sep 17 00:00:00 2001`). */
const SEPARATOR = /^From \S+ .*\S/;

/** Splits mbox text (read as latin1) into the raw messages, each as bytes. */
export function splitMbox(data: Buffer): Buffer[] {
  const text = data.toString('latin1').replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  const messages: string[][] = [];
  let current: string[] | null = null;
  let prevEmpty = true;
  for (const line of lines) {
    if (prevEmpty && SEPARATOR.test(line)) {
      if (current) messages.push(current);
      current = [];
      prevEmpty = false;
      continue;
    }
    prevEmpty = line === '';
    if (current) current.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  if (current) messages.push(current);
  return messages
    .map((m) => {
      // The empty line before the next separator belongs to the mbox, not to the message.
      while (m.length && m[m.length - 1] === '') m.pop();
      return m;
    })
    .filter((m) => m.some((l) => l.trim() !== ''))
    .map((m) => Buffer.from(`${m.join('\n')}\n`, 'latin1'));
}

/** One message as an mbox entry: a From_ line, the message with body `From ` lines quoted, an empty line. */
function mboxEntry(message: string, from = 'stablepick', date = new Date(0)): string {
  const body = message.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
  const quoted = body.replace(/^(>*From )/gm, '>$1');
  return `From ${from} ${asctime(date)}\n${quoted}\n`;
}

/** A format-patch text already starts with its own From_ line: quote the rest and end it with an empty line. */
export function patchAsMboxEntry(patch: string): string {
  const text = patch.replace(/\r\n/g, '\n').replace(/\n*$/, '\n');
  const nl = text.indexOf('\n');
  const first = text.slice(0, nl);
  if (!SEPARATOR.test(first)) return mboxEntry(text);
  return `${first}\n${text.slice(nl + 1).replace(/^(>*From )/gm, '>$1')}\n`;
}

function asctime(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
