/** The options every command takes; opening the workspace they name is the library's (src/workspace.ts). */
import type { Command } from 'commander';
import { StablepickError } from '../errors.js';

export { openContext, withContext, type CommonOptions, type Context, type ContextMode } from '../workspace.js';

/** Adds --repo, --db, --config and --json to a command. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--repo <dir>', 'the git repository (default: the current directory)')
    .option('--db <file>', 'the index file (default: one per repository in ~/.cache/stablepick)')
    .option('--config <file>', "a stablepick.config.json to use instead of the repository's")
    .option('--json', 'machine-readable output, no progress');
}

export function branchList(spec: string): string[] {
  const branches = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!branches.length)
    throw new StablepickError('BAD_OPTION', {
      option: '--branch',
      why: 'names no branch',
      fix: 'e.g. --branch linux-6.17.y or --branch linux-6.17.y,linux-6.12.y',
    });
  return branches;
}

/** format-patch's file name for a subject. */
export function patchSlug(subject: string): string {
  const s = subject
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/[^A-Za-z0-9._]+/g, '-')
    .replace(/\.+/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '');
  return s.slice(0, 52).replace(/[-.]+$/, '') || 'patch';
}
