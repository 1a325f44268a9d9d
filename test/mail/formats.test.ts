/**
 * The other ways a planned series goes out: the cherry-pick script (with its review list) and the quilt
 * series. Pure functions of the plan; the script is checked with `sh -n` (real shell, not run).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cherryPickScript, quiltSeries } from '../../src/report/mail/formats.js';
import type { SeriesPlan } from '../../src/report/series/plan.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const tree = (branch: string) => ({
  branch,
  version: branch.replace('stable-', ''),
  release: `RELEASE-${branch.replace('stable-', '')}.1`,
  tip: 'c'.repeat(40),
});
const plan = {
  trees: [tree('stable-4.22'), tree('stable-4.21')],
  members: [
    {
      sha: A,
      subject: "x86: fix the 'thing'",
      kind: 'dependency',
      neededBy: [B],
      trees: [tree('stable-4.22')],
      patch: 'From a\n---\ndiff --git a/x b/x\n',
      case: null,
      analysis: '',
    },
    {
      sha: B,
      subject: 'xen/credit: fix race',
      kind: 'pick',
      neededBy: [],
      trees: [tree('stable-4.22'), tree('stable-4.21')],
      patch: 'From b\n---\ndiff --git a/y b/y\n',
      case: null,
      analysis: '',
    },
  ],
  skipped: [{ sha: 'd'.repeat(40), subject: 'tools: other', reason: 'not mailed for stable-4.21: the queue does not apply' }],
  failed: [],
  judged: 3,
} as unknown as SeriesPlan;

describe('cherry-pick script', () => {
  const script = cherryPickScript(plan);
  it('switches to each branch and picks with -x, oldest first, after the review list', () => {
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    const at = (l: string) => lines.indexOf(l);
    expect(at('git switch stable-4.22')).toBeLessThan(at(`git cherry-pick -x ${A}  # x86: fix the 'thing'`));
    expect(at(`git cherry-pick -x ${A}  # x86: fix the 'thing'`)).toBeLessThan(at(`git cherry-pick -x ${B}  # xen/credit: fix race`));
    expect(lines.filter((l) => l === `git cherry-pick -x ${B}  # xen/credit: fix race`).length).toBe(2);
    expect(script).toContain(`#   branches: stable-4.22 (prerequisite of ${B.slice(0, 12)})`);
    expect(script).toContain('# not picked: dddddddddddd tools: other: not mailed for stable-4.21');
  });
  it('is a valid shell script', () => {
    const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('quilt series', () => {
  it('writes one folder per branch with its series file in order', () => {
    const files = quiltSeries(plan, (s) => s.replace(/[^A-Za-z0-9]+/g, '-'));
    expect(files.map((f) => f.path)).toEqual([
      'stable-4.22/0001-x86-fix-the-thing-.patch',
      'stable-4.22/0002-xen-credit-fix-race.patch',
      'stable-4.22/series',
      'stable-4.21/0001-xen-credit-fix-race.patch',
      'stable-4.21/series',
    ]);
    expect(files.find((f) => f.path === 'stable-4.22/series')!.text).toBe('0001-x86-fix-the-thing-.patch\n0002-xen-credit-fix-race.patch\n');
  });
});
