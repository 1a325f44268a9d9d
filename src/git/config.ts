/** Reading one value of the git configuration a repository sees (`git config --get`). */
import { runGit, type GitTarget } from './run.js';

/** The value of `key` (e.g. 'user.email'), or null when it is not set. */
export async function gitConfigValue(target: GitTarget, key: string): Promise<string | null> {
  const r = await runGit(target, ['config', '--get', key], { okCodes: [1] });
  if (r.code !== 0) return null;
  const v = r.stdout.toString('utf8').replace(/\n$/, '');
  return v === '' ? null : v;
}
