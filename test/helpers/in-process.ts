/**
 * Runs stablepick commands in this process (their modules registered on a fresh commander program that
 * throws instead of exiting) and returns what they printed on stdout.
 */
import { Command } from 'commander';
import { vi } from 'vitest';
import type { CommandModule } from '../../src/cli/command-module.js';

export async function runInProcess(mods: CommandModule | readonly CommandModule[], argv: readonly string[]): Promise<string> {
  const p = new Command();
  p.exitOverride();
  for (const m of Array.isArray(mods) ? mods : [mods as CommandModule]) m.register(p);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await p.parseAsync([...argv], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

/** The one line a command that must fail prints (its StablepickError's oneLine()); throws if it succeeds. */
export async function failureLine(run: Promise<unknown>, what = 'the command'): Promise<string> {
  const e = (await run.then(
    () => null,
    (x: unknown) => x,
  )) as { oneLine?: () => string } | null;
  if (!e) throw new Error(`${what} did not fail`);
  if (typeof e.oneLine !== 'function') throw e as Error;
  return e.oneLine();
}
