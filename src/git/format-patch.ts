/**
 * `git format-patch` of one commit, with the options pinned so the user's format.* configuration (cover
 * letters, numbering, extra headers, sign-offs) cannot change the text. The diff part honours the
 * repository's diff configuration (algorithm, renames), as format-patch does.
 */
import { gitText, type GitTarget } from './run.js';

export interface FormatPatchOptions {
  /** Full blob ids on `index` lines (default true): exact evidence, and `git am -3` can use them. */
  fullIndex?: boolean;
  /** Write this id on the mbox `From <id> Mon Sep 17 00:00:00 2001` line instead of the commit's own. */
  fromId?: string;
}

/** Options that keep format.* configuration out of the text. */
const PINNED = [
  '--no-numbered',
  '--no-signoff',
  '--no-cover-letter',
  '--no-thread',
  '--no-attach',
  '--no-to',
  '--no-cc',
  '--no-add-header',
  '--no-base',
  '--no-notes',
  '--encode-email-headers',
];

/** The mail format-patch writes for `commit` against its first parent. */
export async function formatPatch(target: GitTarget, commit: string, opts: FormatPatchOptions = {}): Promise<string> {
  const args = ['format-patch', '-1', '--stdout', ...PINNED];
  if (opts.fullIndex ?? true) args.push('--full-index');
  args.push(commit);
  let text = (await gitText(target, args)).replace(/\n*$/, '\n\n');
  if (opts.fromId) text = text.replace(/^From [0-9a-f]+ /, `From ${opts.fromId} `);
  return text;
}

const MAIL_FROM = /^From ([0-9a-f]{40}|[0-9a-f]{64}) Mon Sep 17 00:00:00 2001$/gm;
const CHUNK = 400;

/**
 * format-patch of many commits (each against its first parent) in few processes (`--no-walk`): the mail
 * of each commit by id. Merge commits are skipped by format-patch and are absent from the answer.
 */
export async function formatPatches(
  target: GitTarget,
  commits: readonly string[],
  opts: Omit<FormatPatchOptions, 'fromId'> = {},
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const want = [...new Set(commits)];
  for (let i = 0; i < want.length; i += CHUNK) {
    const chunk = want.slice(i, i + CHUNK);
    // One commit alone would mean "<commit>..HEAD" to format-patch: -1 says "this one".
    const args = ['format-patch', '--stdout', chunk.length === 1 ? '-1' : '--no-walk', ...PINNED];
    if (opts.fullIndex ?? true) args.push('--full-index');
    args.push(...chunk);
    const text = `${await gitText(target, args)}\n`;
    const wanted = new Set(chunk);
    const starts: { at: number; sha: string }[] = [];
    for (const m of text.matchAll(MAIL_FROM)) if (m[1] && wanted.has(m[1])) starts.push({ at: m.index ?? 0, sha: m[1] });
    // Each mail ends as `git format-patch -1 --stdout` ends it (signature, one blank line); between mails
    // of one run format-patch puts one more.
    starts.forEach((s, k) => out.set(s.sha, text.slice(s.at, starts[k + 1]?.at ?? text.length).replace(/\n*$/, '\n\n')));
  }
  return out;
}
