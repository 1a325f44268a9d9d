/** Printing: JSON for machines, aligned tables for people, progress on a terminal only. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
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
