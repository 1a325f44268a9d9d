/** Conventions detected from history: a project's own Fixes-like key, its stable address, its marker forms. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, nth, type RepoBuilder } from '../helpers/repo-builder.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';
import { detectConventions } from '../../src/conventions/detect.js';

let r: RepoBuilder;
let cache: string;
const targets: string[] = [];
const fixers: string[] = [];
const cli = (...a: string[]) => runCli([...a, '--repo', r.dir], { env: { STABLEPICK_CACHE_DIR: cache } });

beforeAll(() => {
  r = makeRepo({ branch: 'main' });
  r.commit('init', { 'a.c': '0\n' });
  for (let i = 0; i < 12; i++) {
    targets.push(r.commit(`lib: add feature ${i}`, { [`f${i}.c`]: `${i}\n` }));
    fixers.push(
      r.commit(
        `lib: repair feature ${i}`,
        { [`f${i}.c`]: `${i}+1\n` },
        {
          body: `Broken since the start.\n\nRegression-from: ${nth(targets, i).slice(0, 10)} (lib: add feature ${i})\nCc: stable@lists.example.org\nSigned-off-by: A <a@x.org>`,
        },
      ),
    );
  }
  // A key that names commits but means "see also": never fixes-like.
  for (let i = 0; i < 12; i++) r.commit(`doc: note ${i}`, { [`n${i}.txt`]: 'x\n' }, { body: `Text.\n\nSee-also: ${nth(targets, i).slice(0, 10)}` });
  cache = tempCacheDir();
  expect(cli('index').code).toBe(0);
});
afterAll(() => r.cleanup());

describe('detected conventions', () => {
  it('finds a project-specific Fixes-like key and treats it as Fixes', () => {
    const s = parseJson<{ detected: { fixesKeys: { key: string; total: number; resolved: number }[] }; fixesRefs: { resolved: number } }>(
      cli('stats', '--json'),
    );
    expect(s.detected.fixesKeys).toEqual([{ key: 'regression-from', total: 12, resolved: 12 }]);
    expect(s.fixesRefs.resolved).toBe(12);
    const v = parseJson<{ fixedBy: { sha: string }[] }>(cli('show', nth(targets, 3), '--json'));
    expect(v.fixedBy.map((f) => f.sha)).toEqual([fixers[3]]);
  });

  it('reports the stable address the project writes', () => {
    const s = parseJson<{ detected: { stableAddresses: { address: string; n: number }[] } }>(cli('stats', '--json'));
    expect(s.detected.stableAddresses[0]).toEqual({ address: 'stable@lists.example.org', n: 12 });
  });

  it('needs enough uses that name real commits', () => {
    const d = detectConventions({
      otherKeys: [
        { key: 'introduced-by', total: 9, withRef: 9, resolved: 9 },
        { key: 'bug-origin', total: 20, withRef: 20, resolved: 10 },
        { key: 'upstream-commit', total: 50, withRef: 50, resolved: 50 },
        { key: 'caused-by', total: 10, withRef: 10, resolved: 9 },
      ],
      stableAddresses: [],
      markerKinds: { 'cherry-picked': 3, 'upstream-commit': 7 },
    });
    expect(d.fixesKeys.map((k) => k.key)).toEqual(['caused-by']);
    expect(d.markerKinds.map((m) => m.kind)).toEqual(['upstream-commit', 'cherry-picked']);
  });

  it("does not take a stable commit's own upstream line (Xen's `master commit:`) for a Fixes-like key", () => {
    const d = detectConventions({
      otherKeys: [
        { key: 'master commit', total: 900, withRef: 900, resolved: 890 },
        { key: 'master changeset', total: 40, withRef: 40, resolved: 39 },
        { key: 'master-commit-id', total: 12, withRef: 12, resolved: 12 },
        { key: 'caused-by', total: 10, withRef: 10, resolved: 9 },
      ],
      stableAddresses: [],
      markerKinds: {},
    });
    expect(d.fixesKeys.map((k) => k.key)).toEqual(['caused-by']);
  });
});
