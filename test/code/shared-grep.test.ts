/**
 * findCallersMany (the walks of several functions sharing one git grep per level) answers exactly what
 * one findCallers per function answers, and the shared grep hands each question exactly the lines its own
 * `git grep -w` prints (real git on a repository built here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCallers, findCallersMany } from '../../src/analysis/code/callers.js';
import { openCodeContext } from '../../src/analysis/code/scan.js';
import { SharedGrep } from '../../src/analysis/code/shared-grep.js';
import { streamGrepWords, type GrepHit } from '../../src/git/grep.js';
import { openRepository, type Repository } from '../../src/git/repo.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { repoStateHash } from '../helpers/repo-state.js';

const CORE = `#include "core.h"

static int helper_a(int x)
{
	return x + 1;
}

int helper_b(int x)
{
	return helper_a(x) * 2;
}

static int helper_c(int x)
{
	int helper_a_count = helper_a(x); /* helper_a helper_b_x xhelper_b */
	return helper_b(helper_a_count) + helper_c_table[x];
}

int top(int x)
{
	return helper_c(x) + helper_b(x);
}
EXPORT_SYMBOL(top);

static const struct ops core_ops = {
	.run = helper_c,
};

int main(void)
{
	return top(1);
}
`;

const OTHER = `#include "core.h"

/* A static function of the same name as core.c's: its callers are its own. */
static int helper_a(int x)
{
	return x;
}

int user(void)
{
	const char *s = "helper_b";
	int r = helper_a(1) + helper_b(2) + top(3);
	int café_helper_b = helper_b(r); /* non-ASCII next to a name */
	return r + café_helper_b + é_helper_a;
}
`;

const HEADER = `int helper_b(int x);
int top(int x);
#define CALL_TOP(x) top(x)
`;

const MAP = `DPDK_25 {
	global:
	helper_b;
	top;
};
`;

let repo: RepoBuilder;
let target: Repository;
let sha: string;
let before: string;
const NAMES = ['helper_a', 'helper_b', 'helper_c', 'top', 'user', 'helper_a'];

beforeAll(async () => {
  repo = makeRepo();
  sha = repo.commit('core', { 'lib/core.c': CORE, 'lib/other.c': OTHER, 'lib/core.h': HEADER, 'lib/version.map': MAP });
  target = await openRepository(repo.dir);
  before = repoStateHash(repo.dir);
});

afterAll(() => {
  expect(repoStateHash(repo.dir)).toBe(before);
  repo.cleanup();
});

async function grepOf(names: readonly string[], pathspecs: readonly string[]): Promise<GrepHit[]> {
  const hits: GrepHit[] = [];
  await streamGrepWords(target, sha, names, (h) => hits.push(h), { pathspecs });
  return hits;
}

describe('SharedGrep', () => {
  it('hands each question the lines of its own git grep -w, in git order, from one grep of all names', async () => {
    const pathspecs = ['*.c', '*.h', '*.map'];
    const questions = [['helper_a'], ['helper_b', 'top'], ['helper_c'], ['user', 'helper_a'], ['no_such_name']];
    const shared = new SharedGrep(target, sha, questions.length);
    const got = await Promise.all(
      questions.map(async (names) => {
        const hits: GrepHit[] = [];
        await shared.source(names, pathspecs, (h) => hits.push(h));
        shared.leave();
        return hits;
      }),
    );
    for (const [i, names] of questions.entries()) expect(got[i], names.join(',')).toEqual(await grepOf(names, pathspecs));
    expect(got[0]!.length).toBeGreaterThan(3);
  });
});

describe('findCallersMany', () => {
  it.each([
    { depth: 1, stopAtEntry: true },
    { depth: 2, stopAtEntry: true },
    { depth: 3, stopAtEntry: false },
  ])('answers as one findCallers per name (depth $depth, stopAtEntry $stopAtEntry)', async (o) => {
    const one = [];
    for (const n of NAMES) one.push(await findCallers(target, n, { rev: sha, ...o }));
    const ctx = await openCodeContext(target);
    try {
      const many = await findCallersMany(target, NAMES, { rev: sha, ...o, context: ctx });
      expect(many).toEqual(one);
    } finally {
      ctx.close();
    }
    // The fixture exercises what matters: static namesakes, registrations, exports, calls found.
    expect(one[0]!.root).toEqual(['helper_a@lib/core.c', 'helper_a@lib/other.c']);
    expect(one[2]!.edges.some((e) => e.kind === 'registration')).toBe(true);
    expect(one[3]!.nodes[0]!.entry.map((e) => e.kind)).toContain('exported');
  });
});
