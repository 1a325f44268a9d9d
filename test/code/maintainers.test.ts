import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainersForCommit, maintainersForPaths, matchMaintainers, parseMaintainers, patternMatches } from '../../src/analysis/code/maintainers.js';
import { openRepository, type Repository } from '../../src/git/repo.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';

const MAINTAINERS = `List of maintainers and how to submit kernel changes

Descriptions of section entries and preferred order
	M: *Mail* patches to: FullName <address@domain>
	F: *Files* and directories wildcard patterns.

Maintainers List
----------------

SCHEDULER
M:	Ingo Molnar <mingo@redhat.com>
M:	Peter Zijlstra <peterz@infradead.org>
R:	Juri Lelli <juri.lelli@redhat.com> (SCHED_DEADLINE)
L:	linux-kernel@vger.kernel.org
S:	Maintained
F:	kernel/sched/
X:	kernel/sched/ext*

SCHEDULER - SCHED_EXT
R:	Tejun Heo <tj@kernel.org>
M:	Tejun Heo <tj@kernel.org>
L:	sched-ext@lists.linux.dev
S:	Maintained
F:	kernel/sched/ext*
F:	include/linux/sched/ext.h
K:	\\bscx_kick_\\w+

NETWORKING DRIVERS
M:	Net Maintainer <net@example.org>
L:	netdev@vger.kernel.org
S:	Odd Fixes
F:	drivers/net/
N:	(?:^|/)net_[a-z]+\\.c$

DOCUMENTATION
M:	Doc Writer <doc@example.org>
L:	linux-doc@vger.kernel.org
F:	Documentation/*.rst

THE REST
M:	Linus Torvalds <torvalds@linux-foundation.org>
L:	linux-kernel@vger.kernel.org
S:	Buried alive in reporters
F:	*
F:	*/
`;

describe('MAINTAINERS parsing and matching', () => {
  const sections = parseMaintainers(MAINTAINERS);

  it('reads sections with their titles and tags, skipping the preamble', () => {
    expect(sections.map((s) => s.name)).toEqual(['SCHEDULER', 'SCHEDULER - SCHED_EXT', 'NETWORKING DRIVERS', 'DOCUMENTATION', 'THE REST']);
    expect(sections[0]).toMatchObject({
      line: 10,
      maintainers: ['Ingo Molnar <mingo@redhat.com>', 'Peter Zijlstra <peterz@infradead.org>'],
      reviewers: ['Juri Lelli <juri.lelli@redhat.com> (SCHED_DEADLINE)'],
      lists: ['linux-kernel@vger.kernel.org'],
      status: 'Maintained',
      files: ['kernel/sched/'],
      excludes: ['kernel/sched/ext*'],
    });
  });

  it('matches F: directories, globs and files, X: excludes and N: regexes', () => {
    expect(patternMatches('kernel/sched/', 'kernel/sched/core.c')).toBe(2);
    expect(patternMatches('kernel/sched/ext*', 'kernel/sched/ext_idle.c')).toBe(3);
    expect(patternMatches('Documentation/*.rst', 'Documentation/a.rst')).toBe(2);
    expect(patternMatches('Documentation/*.rst', 'Documentation/sub/a.rst')).toBe(-1);
    expect(patternMatches('*', 'README')).toBe(1);
    const r = matchMaintainers(sections, ['kernel/sched/ext.c']);
    // the scheduler section excludes ext*, so sched_ext comes first and THE REST last
    expect(r.sections.map((s) => s.section)).toEqual(['SCHEDULER - SCHED_EXT', 'THE REST']);
    expect(r.maintainers).toEqual(['Tejun Heo <tj@kernel.org>', 'Linus Torvalds <torvalds@linux-foundation.org>']);
    expect(r.lists).toEqual(['sched-ext@lists.linux.dev', 'linux-kernel@vger.kernel.org']);
    const n = matchMaintainers(sections, ['lib/net_core.c']);
    expect(n.sections[0]).toMatchObject({ section: 'NETWORKING DRIVERS', files: [{ path: 'lib/net_core.c', pattern: 'N: (?:^|/)net_[a-z]+\\.c$' }] });
    const core = matchMaintainers(sections, ['kernel/sched/core.c']);
    expect(core.sections[0]?.section).toBe('SCHEDULER');
    expect(core.uncovered).toEqual([]);
    expect(matchMaintainers(sections, ['README']).uncovered).toEqual(['README']);
  });

  it('matches K: keywords against the patch text', () => {
    const r = matchMaintainers(sections, ['kernel/fork.c'], '+\tfree(scx_kick_pseqs);');
    expect(r.sections.map((s) => [s.section, s.keyword ?? null])).toEqual([
      ['SCHEDULER - SCHED_EXT', '\\bscx_kick_\\w+'],
      ['THE REST', null],
    ]);
  });
});

describe('MAINTAINERS at a revision', () => {
  let repo: RepoBuilder;
  let target: Repository;
  let sha: string;
  let before: RepoStateSnapshot;
  beforeAll(async () => {
    repo = makeRepo();
    repo.commit('base', { MAINTAINERS, 'kernel/sched/ext.c': 'int a;\n', 'kernel/sched/core.c': 'int b;\n' });
    sha = repo.commit('sched_ext: change', { 'kernel/sched/ext.c': 'int a;\nint scx_kick_x;\n' });
    target = await openRepository(repo.dir);
    before = snapshotRepoState(repo.dir);
  });
  afterAll(() => {
    expectRepoUnchanged(repo.dir, before);
    repo.cleanup();
  });

  it('gives a commit its sections, maintainers, reviewers and lists', async () => {
    const r = await maintainersForCommit(target, sha);
    expect(r.source).toEqual({ path: 'MAINTAINERS', rev: sha });
    expect(r.files).toEqual(['kernel/sched/ext.c']);
    expect(r.sections[0]).toMatchObject({ section: 'SCHEDULER - SCHED_EXT', keyword: '\\bscx_kick_\\w+', line: 19 });
    expect(r.recipients).toEqual([
      'Tejun Heo <tj@kernel.org>',
      'Linus Torvalds <torvalds@linux-foundation.org>',
      'sched-ext@lists.linux.dev',
      'linux-kernel@vger.kernel.org',
    ]);
  });

  it('gives paths theirs, and fails clearly without a MAINTAINERS file', async () => {
    const r = await maintainersForPaths(target, ['kernel/sched/core.c']);
    expect(r.reviewers).toEqual(['Juri Lelli <juri.lelli@redhat.com> (SCHED_DEADLINE)']);
    await expect(maintainersForPaths(target, ['x'], { file: 'NOPE' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
