/**
 * The commit stream of the index (`git log -z --name-status --no-renames`, src/git/log.ts) on a real
 * repository: each commit's files with their status letter, whatever the path's bytes, for an added,
 * modified, deleted, type-changed and renamed file, an empty commit and a merge; the same files as
 * `git log --raw` names.
 */
import { isUtf8 } from 'node:buffer';
import { afterAll, describe, expect, it } from 'vitest';
import { streamCommits, type RawCommit } from '../../src/git/log.js';
import { openRepository } from '../../src/git/repo.js';
import { makeRepo } from '../helpers/repo-builder.js';

const r = makeRepo();
afterAll(() => r.cleanup());

const base = r.commit('base', { 'a.c': 'int a;\n', 'b.c': 'int b;\n', link: 'target\n', 'old name.txt': 'x\n' });
const latin1Name = Buffer.from('caf\xe9.txt', 'latin1').toString('latin1');
const change = r.commit('change', { 'a.c': 'int a = 1;\n', 'b.c': null, 'dir/new file.c': 'int n;\n' });
r.rm('link');
r.git(['-c', 'core.symlinks=true', 'update-index', '--add', '--cacheinfo', `120000,${r.git(['hash-object', '-w', '--stdin'], { input: 'a.c' }).trim()},link`]);
r.git(['commit', '-q', '-m', 'link becomes a symlink']);
const typeChange = r.revParse('HEAD');
r.rename('old name.txt', 'new name.txt');
const renamed = r.commit('rename');
const empty = r.commit('empty', {}, { allowEmpty: true });
r.git(['checkout', '-q', '-b', 'side', base]);
const side = r.commit('side', { 'side.c': 'int s;\n' });
r.git(['checkout', '-q', '-']);
const merge = r.merge('side');
// A path whose bytes are not UTF-8, written through the index (the work tree may not hold such a name).
const blob = r.git(['hash-object', '-w', '--stdin'], { input: 'latin\n' }).trim();
r.git(['update-index', '--add', '--cacheinfo', `100644,${blob},${latin1Name}`]);
r.git(['commit', '-q', '-m', 'latin-1 name']);
const latin = r.revParse('HEAD');

async function all(): Promise<Map<string, RawCommit>> {
  const repo = await openRepository(r.dir);
  const out = new Map<string, RawCommit>();
  await streamCommits(repo, ['--all'], (c) => out.set(c.sha, c));
  return out;
}

describe('streamCommits (--name-status)', () => {
  it('gives each commit its files and status letters', async () => {
    const got = await all();
    const files = (sha: string): string[] =>
      got
        .get(sha)!
        .files.map((f) => `${f.status} ${f.path}`)
        .sort();
    expect(files(base)).toEqual(['A a.c', 'A b.c', 'A link', 'A old name.txt']);
    expect(files(change)).toEqual(['A dir/new file.c', 'D b.c', 'M a.c']);
    expect(files(typeChange)).toEqual(['T link']);
    expect(files(renamed)).toEqual(['A new name.txt', 'D old name.txt']);
    expect(files(empty)).toEqual([]);
    expect(files(merge)).toEqual([]);
    expect(files(side)).toEqual(['A side.c']);
    expect(files(latin)).toEqual([`A ${latin1Name}`]);
    expect(got.get(merge)!.parents).toHaveLength(2);
    expect(got.get(empty)!.message).toBe('empty\n');
  });

  it('names the same files as git log --raw', async () => {
    const got = await all();
    const raw = r.gitBytes(['log', '--all', '-z', '--raw', '--no-renames', '--no-abbrev', '--format=%x01%H']).toString('latin1');
    for (const rec of raw.split('\x01').filter(Boolean)) {
      const [head, ...rest] = rec.split('\0');
      const sha = head!.trim();
      const paths: string[] = [];
      // Paths as bytes (the split was done on a Latin-1 view), decoded as the index does: UTF-8 when valid.
      const decode = (s: string): string => {
        const b = Buffer.from(s, 'latin1');
        return isUtf8(b) ? b.toString('utf8') : s;
      };
      for (let i = 0; i + 1 < rest.length; i += 2)
        if (rest[i]!.replace(/^\n/, '').startsWith(':')) paths.push(`${rest[i]!.trim().slice(-1)} ${decode(rest[i + 1]!)}`);
      const mine = got.get(sha)!.files.map((f) => `${f.status} ${f.path}`);
      expect(mine.sort(), sha).toEqual(paths.sort());
    }
  });
});
