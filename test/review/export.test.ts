/** The pieces of the export that need no repository: the script's lines and the -x line in a patch. */
import { describe, expect, it } from 'vitest';
import { cherryPickScript, patchFileName, withCherryPickLine } from '../../src/review/export.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

const patch = (message: string): string =>
  `From ${A} Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@x.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] x: fix y\n${message}---\n x.c | 2 +-\n 1 file changed\n\ndiff --git a/x.c b/x.c\n`;

describe('export pieces', () => {
  it('comments out a commit the branch already holds', () => {
    const s = cherryPickScript('linux-1.0.y', [
      { sha: A, subject: 'x: fix y', onBranchAs: null },
      { sha: B, subject: 'x: fix z', onBranchAs: 'c'.repeat(40) },
    ]);
    expect(s.split('\n').slice(4)).toEqual([
      `git cherry-pick -x ${A}  # x: fix y`,
      `# git cherry-pick -x ${B}  # x: fix z (already on the branch as cccccccccccc)`,
      '',
    ]);
  });

  it('adds the cherry-pick line as git cherry-pick -x does: in the trailer block, or as its own paragraph', () => {
    expect(withCherryPickLine(patch('\nWhy.\n\nSigned-off-by: Dev <dev@x.org>\n'), A)).toContain(
      `\nSigned-off-by: Dev <dev@x.org>\n(cherry picked from commit ${A})\n---\n`,
    );
    expect(withCherryPickLine(patch('\nWhy it is needed.\n'), A)).toContain(`\nWhy it is needed.\n\n(cherry picked from commit ${A})\n---\n`);
    expect(withCherryPickLine(patch(''), A)).toContain(`Subject: [PATCH] x: fix y\n\n(cherry picked from commit ${A})\n---\n`);
    const once = withCherryPickLine(patch('\nWhy.\n'), A);
    expect(withCherryPickLine(once, A)).toBe(once);
  });

  it('names patch files as format-patch does', () => {
    expect(patchFileName(3, '[PATCH] net: fix a/b (again)')).toBe('0003-net-fix-a-b-again.patch');
    expect(patchFileName(12, '...')).toBe('0012-patch.patch');
  });
});
