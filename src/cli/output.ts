/**
 * Printing: JSON for machines, aligned tables for people, progress on a terminal only.
 *
 * The --json rule (docs/cli.md), the same for every command: standard output is JSON Lines, every line
 * one complete JSON value and nothing else. A command whose answer is one object prints one line
 * (printJson); a command whose answer is a list of records prints one line per record as it goes
 * (printJsonLine). Messages go to standard error; progress is off.
 */

/** The command's whole answer, as one line. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** One record of a command that answers with a list, as one line. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

let requestedExit = 0;

/**
 * An exit status other than 0 that is an answer, not an error (apply-check: a pick conflicts). The
 * highest requested wins; the CLI exits with it after the command has printed everything.
 */
export function setExitStatus(code: number): void {
  requestedExit = Math.max(requestedExit, code);
}

/** The status requested by the command that ran (and forget it). */
export function takeExitStatus(): number {
  const c = requestedExit;
  requestedExit = 0;
  return c;
}

/** An aligned text table. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = [header.map(String), ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = header.map((_, i) => cells.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

/** A one-line progress display on stderr when it is a terminal (and not --json); silent otherwise. */
export function progress(enabled: boolean): Progress {
  const tty = enabled && process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(text: string) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      shown = true;
      process.stderr.write(`\r\x1b[2K${text}`);
    },
    done(text?: string) {
      if (!tty) return;
      if (shown) process.stderr.write('\r\x1b[2K');
      if (text) process.stderr.write(`${text}\n`);
    },
  };
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
