/**
 * `git patch-id --stable` of patch texts (mails or plain diffs), many in one git process.
 */
import { runGit, type GitTarget } from './run.js';

/**
 * The stable patch id of each text, in order; null for a text without a diff. Each text is given a
 * synthetic `From <n>` line so the answers can be matched to the inputs.
 */
export async function patchIdsOfTexts(target: GitTarget, texts: readonly string[]): Promise<(string | null)[]> {
  if (!texts.length) return [];
  const parts: string[] = [];
  texts.forEach((t, i) => {
    const id = i.toString(16).padStart(40, '0');
    // Only the diff: patch-id would take a message line that starts with an object id for a new patch.
    const at = t.search(/^diff --git /m);
    const body = at < 0 ? '' : t.slice(at);
    parts.push(`From ${id} Mon Sep 17 00:00:00 2001\n${body}${body.endsWith('\n') ? '' : '\n'}`);
  });
  const r = await runGit(target, ['patch-id', '--stable'], { input: parts.join('') });
  const out: (string | null)[] = texts.map(() => null);
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [pid, id] = line.split(' ');
    if (!pid || !id) continue;
    const i = parseInt(id, 16);
    if (i >= 0 && i < out.length) out[i] = pid;
  }
  return out;
}

/**
 * `git patch-id --stable` of commits against their first parent, from the diff `git log -p` shows (the
 * porcelain's rename detection, like format-patch and `git show`); two processes for all of them.
 */
export async function patchIdsOfCommits(target: GitTarget, shas: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const s of shas) out.set(s, null);
  if (!shas.length) return out;
  const diff = await runGit(
    target,
    [
      'log',
      '--no-walk=unsorted',
      '--stdin',
      '-p',
      '--format=commit %H',
      '--no-color',
      '--full-index',
      '--binary',
      '--first-parent',
      '--diff-merges=first-parent',
    ],
    { input: `${shas.join('\n')}\n` },
  );
  const r = await runGit(target, ['patch-id', '--stable'], { input: diff.stdout });
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [pid, sha] = line.split(' ');
    if (pid && sha && out.has(sha)) out.set(sha, pid);
  }
  return out;
}
