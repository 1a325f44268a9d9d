/** Command-line options for the bench scripts: `--key value` pairs after the script's name. */
export const argv: readonly string[] = process.argv.slice(2);

/** The value after `--key`, or undefined when the flag is absent (or last). */
export function opt(key: string): string | undefined {
  const i = argv.indexOf(key);
  return i >= 0 ? argv[i + 1] : undefined;
}
