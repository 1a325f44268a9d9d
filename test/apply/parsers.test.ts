import { describe, expect, it } from 'vitest';
import { locateBlocks, locateLines, parseConflictBlocks, splitLines } from '../../src/analysis/apply/conflict-markers.js';
import { comparePatches, parsePatch } from '../../src/analysis/apply/patch-hunks.js';
import { refNames, upstreamShasInMessage } from '../../src/analysis/apply/upstream-markers.js';
import { parseBlamePorcelain } from '../../src/git/blame-range.js';
import { rewriteCommit } from '../../src/git/cat-file-batch.js';
import { MergeTreeOutputParser } from '../../src/git/merge-tree.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('merge-tree -z --messages output', () => {
  const z = (...fields: string[]): string => fields.map((f) => `${f}\u0000`).join('');
  const conflicted =
    z('0', A, `100644 ${B} 1\tf`, `100644 ${B} 2\tf`, `100644 ${B} 3\tf`, '') +
    z('1', 'f', 'Auto-merging', 'Auto-merging f\n') +
    z('1', 'f', 'CONFLICT (contents)', 'CONFLICT (content): Merge conflict in f\n', '');
  const clean = z('1', B, '', '');

  it('parses a conflicted and a clean record', () => {
    const p = new MergeTreeOutputParser();
    const rs = p.push(Buffer.from(conflicted + clean));
    expect(rs).toHaveLength(2);
    expect(rs[0]).toMatchObject({ clean: false, tree: A });
    expect(rs[0]?.entries.map((e) => e.stage)).toEqual([1, 2, 3]);
    expect(rs[0]?.messages.map((m) => m.type)).toEqual(['Auto-merging', 'CONFLICT (contents)']);
    expect(rs[1]).toEqual({ clean: true, tree: B, entries: [], messages: [] });
  });

  it('answers a record only once its final NUL arrived, whatever the chunking', () => {
    const all = Buffer.from(conflicted + clean);
    for (const cut of [1, 7, 45, all.length - 1]) {
      const p = new MergeTreeOutputParser();
      const first = p.push(all.subarray(0, cut));
      const second = p.push(all.subarray(cut));
      expect([...first, ...second]).toHaveLength(2);
    }
    const p = new MergeTreeOutputParser();
    expect(p.push(Buffer.from(conflicted.slice(0, -1)))).toEqual([]); // the NUL git keeps until the next merge
    expect(p.push(Buffer.from('\u0000'))).toHaveLength(1);
  });
});

describe('patch parsing and comparison', () => {
  const up = `From ${A} Mon Sep 17 00:00:00 2001
Subject: [PATCH] x

---
 a.c | 2 +-

diff --git a/a.c b/a.c
index 1111111..2222222 100644
--- a/a.c
+++ b/a.c
@@ -10,3 +10,3 @@ int f(void)
 one
-two
+TWO
 three
@@ -40,2 +40,3 @@
 x
+y
 z
diff --git a/old.c b/old.c
index 3333333..4444444 100644
--- a/old.c
+++ b/old.c
@@ -1 +1 @@
-o
+O
--${' '}
2.39.5
`;

  it('reads files and hunks, not the signature', () => {
    const files = parsePatch(up);
    expect(files.map((f) => [f.oldPath, f.newPath, f.hunks.length])).toEqual([
      ['a.c', 'a.c', 2],
      ['old.c', 'old.c', 1],
    ]);
    expect(files[1]?.hunks[0]?.lines).toEqual(['-o', '+O']);
    expect(files[0]?.oldBlob).toBe('1111111');
  });

  it('tells moved hunks, changed context and followed renames apart', () => {
    const adapted = up
      .replace('@@ -10,3 +10,3 @@', '@@ -15,3 +15,3 @@')
      .replace(' x\n+y\n z', ' x2\n+y\n z')
      .replace(/old\.c/g, 'new.c');
    const a = comparePatches(parsePatch(up), parsePatch(adapted));
    expect(a.identicalChange).toBe(false);
    expect(a.shiftedHunks).toEqual([{ path: 'a.c', upstreamLine: 10, branchLine: 15, offset: 5 }]);
    expect(a.changedHunks).toEqual([{ path: 'a.c', upstreamLine: 40, branchLine: 40 }]);
    expect(a.movedFiles).toEqual([{ upstream: 'old.c', branch: 'new.c' }]);
    expect(comparePatches(parsePatch(up), parsePatch(up.replace('1111111', '9999999')))).toMatchObject({
      identicalChange: true,
      shiftedHunks: [],
      changedHunks: [],
    });
  });

  it('reports files the adapted patch leaves out', () => {
    const only = up.slice(0, up.indexOf('diff --git a/old.c'));
    expect(comparePatches(parsePatch(up), parsePatch(only)).droppedFiles).toEqual(['old.c']);
  });
});

describe('conflict markers', () => {
  const merged = splitLines(
    [
      'a',
      'b',
      '<<<<<<< ours',
      'O1',
      'O2',
      '||||||| base',
      'B1',
      '=======',
      'T1',
      '>>>>>>> theirs',
      'c',
      '<<<<<<< ours',
      '||||||| base',
      'B2',
      '=======',
      'T2',
      '>>>>>>> theirs',
      'd',
      '',
    ].join('\n'),
  );

  it('parses diff3 blocks', () => {
    const blocks = parseConflictBlocks(merged);
    expect(blocks.map((b) => [b.startIndex, b.endIndex, b.ours, b.base, b.theirs])).toEqual([
      [2, 9, ['O1', 'O2'], ['B1'], ['T1']],
      [11, 16, [], ['B2'], ['T2']],
    ]);
  });

  it('places each side in its own file, nearest occurrence first', () => {
    expect(locateLines(['x', 'O1', 'y', 'O1'], ['O1'], 3)).toBe(3);
    expect(locateLines(['x'], ['nope'], 0)).toBeNull();
    const ours = ['a', 'b', 'O1', 'O2', 'c', 'd'];
    const base = ['a', 'b', 'B1', 'c', 'B2', 'd'];
    const located = locateBlocks(merged, parseConflictBlocks(merged), ours, base);
    expect(located.map((l) => [l.ours, l.base])).toEqual([
      [
        { index: 2, count: 2 },
        { index: 2, count: 1 },
      ],
      [
        { index: 5, count: 0 },
        { index: 4, count: 1 },
      ],
    ]);
  });
});

describe('upstream markers', () => {
  it('finds the forms of DPDK, Linux, git cherry-pick -x and Xen', () => {
    const msg = `x\n\n[ upstream commit ${A} ]\n\ncommit ${B} upstream.\n\n(cherry picked from commit 1234567abc)\nmaster commit: cafe1234567\n`;
    expect(upstreamShasInMessage(msg)).toEqual([A, B, '1234567abc', 'cafe1234567']);
    expect(upstreamShasInMessage('Fixes: 1234567890ab ("x")')).toEqual([]);
    expect(refNames('1234567', `1234567${'0'.repeat(33)}`)).toBe(true);
    expect(refNames('123456', `123456${'0'.repeat(34)}`)).toBe(false);
  });
});

describe('blame porcelain', () => {
  it('reads commits, boundaries and line numbers', () => {
    const text = `${A} 3 10 2\nauthor X\nsummary first\nfilename f.c\n\tline\n${A} 4 11\n\tline\n${B} 7 12 1\nauthor Y\nsummary old\nboundary\nfilename f.c\n\tline\n`;
    expect(parseBlamePorcelain(text)).toEqual([
      { line: 10, commit: A, origLine: 3, origPath: 'f.c', boundary: false, summary: 'first' },
      { line: 11, commit: A, origLine: 4, origPath: 'f.c', boundary: false, summary: 'first' },
      { line: 12, commit: B, origLine: 7, origPath: 'f.c', boundary: true, summary: 'old' },
    ]);
  });
});

describe('rewriting a commit', () => {
  it('keeps author, committer, encoding and message, drops signatures', () => {
    const raw = Buffer.from(
      `tree ${A}\nparent ${B}\nauthor A U <a@x> 1 +0100\ncommitter C <c@x> 2 +0000\nencoding ISO-8859-1\ngpgsig -----BEGIN\n sig\n -----END\n\nmsg \xe9\n`,
      'latin1',
    );
    const out = rewriteCommit(raw, B, [A]).toString('latin1');
    expect(out).toBe(`tree ${B}\nparent ${A}\nauthor A U <a@x> 1 +0100\ncommitter C <c@x> 2 +0000\nencoding ISO-8859-1\n\nmsg \xe9\n`);
  });
});
