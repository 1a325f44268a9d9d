import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { makeRepo, makeTempDir } from '../helpers/repo-builder.js';
import { repoStateHash } from '../helpers/repo-state.js';
import { openRepository } from '../../src/git/repo.js';
import { diffFactsOf, hasFact, oneTokenChange, DIFF_FACTS, type DiffFacts, type DiffFactName } from '../../src/analysis/diff/facts.js';
import { openDb } from '../../src/history/db.js';
import { cachedNumstats } from '../../src/select/store.js';
import { indexRepository } from '../../src/history/indexer.js';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { History } from '../../src/select/history.js';
import { extractFeatures, newStats } from '../../src/select/features.js';

const BASE_C = `#include <errno.h>
#include <stdlib.h>

struct conf {
\tint port;
};

int parse(struct conf *c, const char *p, size_t len)
{
\tc->port = atoi(p);
\treturn 0;
}
`;

const r = makeRepo();
const base = r.commit('conf: first version', {
  'src/conf.c': BASE_C,
  'meson_options.txt': "option('a', type: 'boolean')\n",
  'tools/run.sh': 'run() {\n  echo hi\n}\n',
});
const guard = r.commit('conf: reject a NULL or overlong value', {
  'src/conf.c': BASE_C.replace(
    '\tc->port = atoi(p);\n',
    '\tif (!p)\n\t\treturn -EINVAL;\n\tif (len > PORT_MAX_LEN)\n\t\tgoto err;\n\tc->port = atoi(p);\n\treturn 0;\nerr:\n\tfree(c);\n',
  ),
});
const FEATURE_C = `${BASE_C.replace('\tint port;\n', '\tint port;\n\tint timeout;\n')}\nint parse_timeout(struct conf *c, const char *p)\n{\n\tc->timeout = atoi(p);\n\treturn 0;\n}\n`;
const feature = r.commit('conf: add a timeout option', {
  'src/conf.c': FEATURE_C,
  'meson_options.txt': "option('a', type: 'boolean')\noption('timeout', type: 'integer', value: 30)\n",
  'cmd/tool/main.go': 'package main\n\nfunc Timeout(s string) int {\n\treturn len(s)\n}\n',
});
const oneLine = r.commit('conf: use the right default', {
  'src/conf.c': FEATURE_C.replace('return 0;\n}\n\nint parse_timeout', 'return 1;\n}\n\nint parse_timeout'),
});
const polyglot = r.commit('tools: stop on errors', {
  'tools/run.sh': 'run() {\n  cd "$1" || exit 1\n  echo hi\n}\n',
  'tools/check.py': 'def check(x):\n    if x is None:\n        raise ValueError("x")\n    return x\n',
});
const testsOnly = r.commit('tests: cover parse', {
  'tests/test_conf.c': 'static int t(void)\n{\n\tif (!parse(0, 0, 0))\n\t\treturn -EINVAL;\n\treturn 0;\n}\n',
});
const ci = r.commit('ci: run the tests on arm64', { '.github/workflows/ci.yml': 'jobs: {}\n' });
const before = repoStateHash(r.dir);
const dir = makeTempDir();

afterAll(() => r.cleanup());

function names(f: DiffFacts | null | undefined): DiffFactName[] {
  return DIFF_FACTS.map((x) => x.name).filter((n) => f && hasFact(f, n));
}

describe('what a diff does (git diff-tree -p -U0 on a built repository)', () => {
  it('a guard added: check, error return, jump to an error path, bounds check, a free; no feature sign', async () => {
    const repo = await openRepository(r.dir);
    const f = (await diffFactsOf(repo, [guard])).get(guard)!;
    expect(names(f)).toEqual(expect.arrayContaining(['guard', 'err-return', 'goto-err', 'bounds', 'free']));
    for (const n of ['new-function', 'new-type', 'new-field', 'new-option', 'new-export', 'more-removed'] as const) expect(hasFact(f, n)).toBe(false);
    expect(f.quotes.guard).toBe('src/conf.c: if (!p)');
    expect(f.quotes['err-return']).toBe('src/conf.c: return -EINVAL;');
    expect(f.quotes['goto-err']).toBe('src/conf.c: goto err;');
  });

  it('a feature added: new function, struct field, config option, exported Go function; no guard', async () => {
    const repo = await openRepository(r.dir);
    const f = (await diffFactsOf(repo, [feature])).get(feature)!;
    expect(names(f)).toEqual(expect.arrayContaining(['new-function', 'new-field', 'new-option', 'new-export']));
    expect(hasFact(f, 'guard')).toBe(false);
    expect(f.quotes['new-field']).toBe('src/conf.c: int timeout;');
    expect(f.quotes['new-option']).toBe("meson_options.txt: option('timeout', type: 'integer', value: 30)");
    expect(f.quotes['new-function']).toMatch(/^(?:src\/conf\.c: int parse_timeout|cmd\/tool\/main\.go: func Timeout)/);
  });

  it('a one-line constant change, shell and Python guards, a test-only commit with no code facts', async () => {
    const repo = await openRepository(r.dir);
    const got = await diffFactsOf(repo, [oneLine, polyglot, testsOnly, base]);
    expect(names(got.get(oneLine))).toEqual(['one-line-const']);
    expect(got.get(oneLine)!.quotes['one-line-const']).toBe('src/conf.c: return 0; → return 1;');
    expect(names(got.get(polyglot))).toEqual(expect.arrayContaining(['guard', 'err-return', 'new-function']));
    expect(got.get(polyglot)!.quotes.guard).toMatch(/^tools\/(?:run\.sh: cd "\$1" \|\| exit 1|check\.py: if x is None:)$/);
    const t = got.get(testsOnly)!;
    expect(t.bits).toBe(0);
    expect(t.codeAdded + t.codeRemoved).toBe(0);
    expect(hasFact(got.get(base)!, 'new-type')).toBe(true);
  });

  it('is cached in the index file with the line counts (asked for; off by default), and the repository is left alone', async () => {
    const repo = await openRepository(r.dir);
    const db = openDb(path.join(dir, 'x.sqlite'));
    const first = await cachedNumstats(db, repo, [guard, feature], { diffFacts: true });
    const again = await cachedNumstats(db, null, [guard, feature], { diffFacts: true });
    expect(again.get(guard)!.facts).toEqual(first.get(guard)!.facts);
    expect(names(again.get(feature)!.facts)).toEqual(names(first.get(feature)!.facts));
    expect(hasFact(again.get(guard)!.facts!, 'guard')).toBe(true);
    const off = await cachedNumstats(db, null, [guard], { diffFacts: false });
    expect(off.get(guard)!).not.toHaveProperty('facts');
    // Off by default (no gain measured on the dev windows, a loss on unseen projects).
    expect((await cachedNumstats(db, null, [guard])).get(guard)!).not.toHaveProperty('facts');
    db.close();
    expect(repoStateHash(r.dir)).toBe(before);
  });

  it('are features of the model, each quoting the line that showed it; off when the family is off', async () => {
    const repo = await openRepository(r.dir);
    const db = openDb(path.join(dir, 'f.sqlite'));
    await indexRepository(repo, db, { conventions: DEFAULT_CONVENTIONS });
    const h = History.load(db);
    const feats = async (sha: string, diffFacts: boolean): Promise<Map<string, string>> => {
      const c = h.commits.get(sha)!;
      h.loadDetails([c.id]);
      const ns = (await cachedNumstats(db, repo, [sha], { diffFacts })).get(sha) ?? null;
      const fs = extractFeatures({
        commit: c,
        details: h.detailsOf(c.id),
        hits: [],
        stats: newStats(),
        numstat: ns,
        visibleUntil: Infinity,
        forkTime: null,
        history: h,
      });
      return new Map(fs.map((f) => [f.key, f.label]));
    };
    const g = await feats(guard, true);
    expect(g.get('d:guard')).toBe('adds a check: "src/conf.c: if (!p)"');
    expect(g.get('d:goto-err')).toBe('adds a jump to an error path: "src/conf.c: goto err;"');
    expect(g.has('d:new-function')).toBe(false);
    expect((await feats(feature, true)).get('d:new-option')).toBe(
      `adds a command-line or config option: "meson_options.txt: option('timeout', type: 'integer', value: 30)"`,
    );
    expect((await feats(ci, true)).get('m:only-ci')).toBe('touches only CI files');
    expect((await feats(testsOnly, true)).get('d:no-code')).toBe('changes no C, Go, Python or shell code outside tests');
    const off = await feats(guard, false);
    expect([...off.keys()].filter((k) => k.startsWith('d:') || k === 'm:only-ci')).toEqual([]);
    db.close();
  });

  it('one token: a constant or an operator, nothing else', () => {
    expect(oneTokenChange('if (a < b)', 'if (a <= b)')).toBe(true);
    expect(oneTokenChange('x = 0x10;', 'x = 0x20;')).toBe(true);
    expect(oneTokenChange('foo(a);', 'bar(a);')).toBe(false);
    expect(oneTokenChange('x = 1;', 'x = 2 + 1;')).toBe(false);
  });
});

describe('a struct field, not a local of a function returning a struct', () => {
  it('counts a declaration as a field only in a hunk of a struct definition', async () => {
    const q = makeRepo();
    const body = (extra: string): string =>
      `struct conf {\n\tint a;\n\tint b;\n\tint c;\n\tint d;\n};\n\nstruct conf *make(void)\n{\n\tint x;\n\tint y;\n\tint z;\n${extra}\treturn 0;\n}\n`;
    q.commit('first', { 'm.c': body('') });
    const local = q.commit('add a local', { 'm.c': body('\tint w;\n') });
    const repo = await openRepository(q.dir);
    const f = (await diffFactsOf(repo, [local])).get(local)!;
    expect(hasFact(f, 'new-field')).toBe(false);
    q.cleanup();
  });
});
