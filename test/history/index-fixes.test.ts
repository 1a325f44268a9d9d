/** Trailers as typed records in the index: Fixes: resolved (short, ambiguous, malformed, unknown), stable tags. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixesRepo, type FixesFixture } from '../helpers/fixtures.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';

interface TrailerJson {
  kind: string;
  key: string;
  value: string;
  ref?: { prefix: string; subject: string | null; sha: string | null; status: string };
  detail?: { noautosel?: boolean; versions?: string[]; prerequisites?: string[]; condition?: string | null; malformed?: string };
}
interface ShowJson {
  trailers: TrailerJson[];
  fixedBy: { sha: string; kind: string }[];
}

let fx: FixesFixture;
let cache: string;
const cli = (...args: string[]) => runCli([...args, '--repo', fx.repo.dir], { env: { STABLEPICK_CACHE_DIR: cache } });
const trailersOf = (sha: string): TrailerJson[] => parseJson<ShowJson>(cli('show', sha, '--json')).trailers;
const fixesOf = (sha: string): TrailerJson[] => trailersOf(sha).filter((t) => t.kind === 'fixes');

beforeAll(() => {
  fx = fixesRepo();
  cache = tempCacheDir();
  expect(cli('index').code).toBe(0);
});
afterAll(() => fx.cleanup());

describe('Fixes: trailers', () => {
  it('resolves a 12-character sha', () => {
    expect(fixesOf(fx.fixFull)).toEqual([
      expect.objectContaining({ ref: { prefix: fx.introduced.slice(0, 12), subject: 'foo: add foo', sha: fx.introduced, status: 'resolved' } }),
    ]);
  });

  it('resolves a unique 7-character sha', () => {
    expect(fixesOf(fx.fixShort7)[0]!.ref).toMatchObject({ sha: fx.introducedBar, status: 'resolved' });
  });

  it('settles an ambiguous short sha by the quoted subject', () => {
    expect(fx.ambiguousA.slice(0, 4)).toBe(fx.ambiguousB.slice(0, 4));
    expect(fixesOf(fx.fixAmbiguous)[0]!.ref).toMatchObject({ prefix: fx.ambiguousPrefix, sha: fx.ambiguousB, status: 'resolved' });
  });

  it('resolves a sha with no subject when it is unique', () => {
    expect(fixesOf(fx.fixBareSha)[0]!.ref).toMatchObject({ sha: fx.introduced, status: 'resolved' });
  });

  it('keeps a sha that names no commit as unknown, and non-sha values as malformed', () => {
    expect(fixesOf(fx.fixUnknown)[0]!.ref).toMatchObject({ prefix: fx.unknownSha, sha: null, status: 'unknown' });
    for (const sha of [fx.fixIssueNumber, fx.fixUrl]) {
      const f = fixesOf(sha);
      expect(f).toHaveLength(1);
      expect(f[0]!.ref).toBeUndefined();
      expect(f[0]!.detail?.malformed).toBeTruthy();
    }
    const noSubject = fixesOf(fx.fixNoSubject)[0]!;
    expect(noSubject.ref?.sha ?? null).toBeNull();
  });

  it('reads systemd Follow-up for: and util-linux Addresses: as fixes', () => {
    expect(fixesOf(fx.followUpFor)[0]!.ref).toMatchObject({ sha: fx.introduced, status: 'resolved' });
    expect(fixesOf(fx.addresses)[0]!.ref).toMatchObject({ sha: fx.introducedBar, status: 'resolved' });
  });

  it('lists the commits that fix a commit', () => {
    const v = parseJson<ShowJson>(cli('show', fx.introduced, '--json'));
    expect(v.fixedBy.map((f) => f.sha).sort()).toEqual([fx.fixFull, fx.fixBareSha, fx.followUpFor].sort());
  });

  it('counts fixes by resolution status in stats', () => {
    const s = parseJson<{ fixesRefs: Record<string, number>; trailers: Record<string, number> }>(cli('stats', '--json'));
    // fixFull, fixShort7, fixAmbiguous, fixBareSha, followUpFor, addresses
    expect(s.fixesRefs.resolved).toBe(6);
    expect(s.fixesRefs.unknown).toBeGreaterThanOrEqual(1);
    expect(s.trailers['signed-off-by']).toBeGreaterThan(10);
  });
});

describe('stable tags and other trailers', () => {
  it('reads the stable tag annotations', () => {
    const v = trailersOf(fx.ccStableVersion).find((t) => t.kind === 'stable')!;
    expect(v.detail).toMatchObject({ versions: ['6.1'], noautosel: false });
    const rc = trailersOf(fx.ccStableAfterRc).find((t) => t.kind === 'stable')!;
    expect(rc.detail?.condition).toMatch(/after -rc3/);
    const pre = trailersOf(fx.ccStablePrereq).filter((t) => t.kind === 'stable');
    expect(pre[0]!.detail?.prerequisites).toEqual([fx.prereq.slice(0, 7)]);
    const no = trailersOf(fx.ccNoAutosel).find((t) => t.kind === 'stable')!;
    expect(no.detail?.noautosel).toBe(true);
  });

  it('types every review and link trailer', () => {
    const kinds = trailersOf(fx.manyTrailers).map((t) => t.kind);
    for (const k of [
      'reported-by',
      'closes',
      'suggested-by',
      'co-developed-by',
      'signed-off-by',
      'reviewed-by',
      'tested-by',
      'acked-by',
      'link',
      'message-id',
      'backport-to',
    ]) {
      expect(kinds).toContain(k);
    }
  });
});
