/**
 * The user's git configuration cannot change stablepick's answers: the same repository, indexed and
 * analysed under an empty ~/.gitconfig and under a hostile one (log.showRoot=false,
 * diff.interHunkContext=20, a missing blame.ignoreRevsFile, colours, prefixes, another diff algorithm,
 * quoted paths, ...), gives the same facts (docs/reliability.md, "Git settings stablepick pins").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedBranches } from '../../src/analysis/affected/affected.js';
import { touched } from '../../src/analysis/code/touched.js';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { blameRanges } from '../../src/git/blame-range.js';
import { commitDiff } from '../../src/git/diff.js';
import { patchIdsOfCommits } from '../../src/git/patch-id.js';
import { openRepository, type Repository } from '../../src/git/repo.js';
import { openDb, type DB } from '../../src/history/db.js';
import { indexRepository } from '../../src/history/indexer.js';
import { commitView } from '../../src/history/queries.js';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';

const HOSTILE = `[log]
\tshowRoot = false
\tfollow = true
\tdecorate = full
[diff]
\tinterHunkContext = 20
\tcontext = 10
\tnoprefix = true
\tmnemonicPrefix = true
\talgorithm = patience
\trelative = true
\tsuppressBlankEmpty = true
\tsubmodule = log
[blame]
\tignoreRevsFile = /nonexistent/.git-blame-ignore-revs
\tmarkIgnoredLines = true
\tshowRoot = true
[color]
\tui = always
\tdiff = always
\tgrep = always
[core]
\tquotePath = true
\tabbrev = 7
[grep]
\tpatternType = perl
\tlineNumber = true
\tcolumn = true
[i18n]
\tlogOutputEncoding = ISO-8859-1
`;

let r: RepoBuilder;
let tmp: string;
const ids = labelledShas('root', 'twoHunks', 'fix');

const body = (n: number, edit: Record<number, string> = {}): string => {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(edit[i] ?? `int f${i}(void) { return ${i}; }`);
  return `${out.join('\n')}\n`;
};

/** Runs `fn` with HOME (hence ~/.gitconfig) set to a folder holding `gitconfig`. */
async function withHome<T>(gitconfig: string, fn: () => Promise<T>): Promise<T> {
  const home = mkdtempSync(path.join(tmp, 'home-'));
  writeFileSync(path.join(home, '.gitconfig'), gitconfig);
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL };
  process.env.HOME = home;
  delete process.env.XDG_CONFIG_HOME;
  delete process.env.GIT_CONFIG_GLOBAL;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

interface Facts {
  rootFiles: string[];
  touched: { path: string; added: number; removed: number }[];
  hunks: number;
  diffFiles: (string | null)[];
  blame: string[];
  patchId: string | null;
  introducers: string[];
}

async function facts(): Promise<Facts> {
  const repo: Repository = await openRepository(r.dir);
  const db: DB = openDb(path.join(mkdtempSync(path.join(tmp, 'db-')), 'index.sqlite'));
  try {
    await indexRepository(repo, db, { conventions: DEFAULT_CONVENTIONS });
    const t = await touched(repo, ids.twoHunks);
    const d = await commitDiff(repo, ids.twoHunks);
    const b = await blameRanges(repo, ids.twoHunks, 'src/a b.c', [{ start: 1, end: 40 }]);
    const pid = (await patchIdsOfCommits(repo, [ids.twoHunks])).get(ids.twoHunks) ?? null;
    const a = await affectedBranches({ repo, db, conventions: DEFAULT_CONVENTIONS }, ids.fix);
    return {
      rootFiles: commitView(db, ids.root)
        .files.map((f) => f.path)
        .sort(),
      touched: t.files.map((f) => ({ path: f.path, added: f.linesAdded, removed: f.linesRemoved })),
      hunks: d.files.reduce((n, f) => n + f.hunks.length, 0),
      diffFiles: d.files.map((f) => f.newPath),
      blame: b.map((l) => `${l.line}:${l.commit}:${l.boundary}`),
      patchId: pid,
      introducers: a.introducers.map((i) => i.sha),
    };
  } finally {
    db.close();
  }
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stablepick-pinned-'));
  r = makeRepo();
  ids.root = r.commit('import', { 'src/a b.c': body(40), 'src/é.c': 'int e;\n', README: 'read me\n' });
  r.tag('v1.0');
  r.branch('stable-1.0');
  // Two changes 12 lines apart: one hunk each at -U0, merged into one by interHunkContext=20.
  ids.twoHunks = r.commit('a: change two functions', { 'src/a b.c': body(40, { 10: 'int f10(void) { return -10; }', 22: 'int f22(void) { return -22; }' }) });
  ids.fix = r.commit('a: fix f10', { 'src/a b.c': body(40, { 10: 'int f10(void) { return 10; }', 22: 'int f22(void) { return -22; }' }) });
});
afterAll(() => {
  r?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a hostile ~/.gitconfig changes no answer', () => {
  it('index, code touched, diff, blame, patch-id and affected are the same as under an empty config', async () => {
    const clean = await withHome('', facts);
    expect(clean.rootFiles).toEqual(['README', 'src/a b.c', 'src/é.c']);
    expect(clean.hunks).toBe(2);
    expect(clean.touched).toEqual([{ path: 'src/a b.c', added: 2, removed: 2 }]);
    expect(clean.introducers).toEqual([ids.twoHunks]);
    const hostile = await withHome(HOSTILE, facts);
    expect(hostile).toEqual(clean);
  });
});
