/**
 * Recipients of an AUTOSEL mail: stable lists in To, author, trailer people, MAINTAINERS and extras in
 * Cc, deduplicated, without the sender, malformed addresses skipped with a reason — on a real
 * repository with a MAINTAINERS file, and on one without.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepository } from '../../src/git/repo.js';
import { mailRecipients, recipientsFrom } from '../../src/report/mail/addresses.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';
import { AUTHOR, buildWorld, SENDER, type World } from './world.js';

let w: World;
let bare: RepoBuilder;
let bareFix: string;

beforeAll(async () => {
  w = await buildWorld();
  bare = makeRepo({ prefix: 'sp-mail-nomaint-' });
  bare.commit('init', { 'a.c': 'int a;\n' });
  bareFix = bare.commit(
    'a: fix',
    { 'a.c': 'int a = 1;\n' },
    { body: 'Fix it.\n\nReviewed-by: R <r@example.org>\nSigned-off-by: A <a@example.org>', author: 'A <a@example.org>' },
  );
});

afterAll(() => {
  w?.cleanup();
  bare?.cleanup();
});

describe('mailRecipients', () => {
  it('puts the stable lists in To and everyone else in Cc, with reasons, once each, without the sender', async () => {
    const before = snapshotRepoState(w.repo.dir);
    const r = await mailRecipients({
      message: w.fixMessage,
      author: AUTHOR,
      sender: SENDER,
      stableLists: ['stable@vger.kernel.org', 'patches@lists.linux.dev'],
      extraCc: ['Extra Person <extra@example.org>', 'TEJUN HEO <TJ@KERNEL.EXAMPLE.ORG>', `${SENDER.name} <${SENDER.email.toUpperCase()}>`],
      repo: await openRepository(w.repo.dir),
      sha: w.fix,
    });
    expect(r.to).toEqual(['stable@vger.kernel.org', 'patches@lists.linux.dev']);
    expect(r.cc).toEqual([
      'Tejun Heo <tj@kernel.example.org>',
      'Phil Auld <pauld@redhat.example.com>',
      'Andrea Righi <arighi@nvidia.example.com>',
      'Emil Tsalapatis <emil@etsalapatis.example.com>',
      'David Vernet <void@manifault.example.com>',
      'sched-ext@lists.example.dev',
      'Linus Torvalds <torvalds@linux-foundation.example.org>',
      'linux-kernel@vger.example.org',
      'Extra Person <extra@example.org>',
    ]);
    expect(r.why['stable@vger.kernel.org']).toEqual(['stable list (config)', 'Cc: stable trailer']);
    expect(r.why['Tejun Heo <tj@kernel.example.org>']).toEqual(['commit author', 'Signed-off-by trailer', 'MAINTAINERS: SCHED_EXT (M)', 'config Cc']);
    expect(r.why['Phil Auld <pauld@redhat.example.com>']).toEqual(['Reported-by trailer', 'Reviewed-by trailer']);
    expect(r.why['Andrea Righi <arighi@nvidia.example.com>']).toEqual(['Cc trailer', 'MAINTAINERS: SCHED_EXT (R)']);
    expect(r.why['sched-ext@lists.example.dev']).toEqual(['MAINTAINERS: SCHED_EXT (L)']);
    expect(r.why['linux-kernel@vger.example.org']).toEqual(['MAINTAINERS: THE REST (L)']);
    expect(r.skipped).toEqual([
      { value: 'Nobody Without Address', source: 'Tested-by trailer', reason: 'no address' },
      { value: `${SENDER.name} <${SENDER.email.toUpperCase()}>`, source: 'config Cc', reason: 'the sender' },
    ]);
    expect(r.maintainersNote).toBe(`MAINTAINERS at ${w.fix.slice(0, 12)}`);
    expectRepoUnchanged(w.repo.dir, before);
  });

  it('works without a MAINTAINERS file', async () => {
    const r = await mailRecipients({
      message: bare.git(['log', '-1', '--format=%B', bareFix]),
      author: { name: 'A', email: 'a@example.org' },
      sender: SENDER,
      stableLists: ['stable@vger.kernel.org'],
      repo: await openRepository(bare.dir),
      sha: bareFix,
    });
    expect(r.to).toEqual(['stable@vger.kernel.org']);
    expect(r.cc).toEqual(['A <a@example.org>', 'R <r@example.org>']);
    expect(r.maintainersNote).toBe('no MAINTAINERS file');
  });

  it('drops annotations, splits lists of addresses, quotes names with specials, skips malformed ones and noautosel', () => {
    const message = [
      'x: fix',
      '',
      'Body.',
      '',
      'Cc: stable+noautosel@kernel.org # not for autosel',
      'Cc: <stable@vger.kernel.org> # 5.10.x: 0123abcd: prerequisite',
      'Cc: a@example.org, "Last, First" <lf@example.org>',
      'Reported-by: syzbot+1234abcd@syzkaller.appspotmail.com',
      'Suggested-by: Broken <broken@localhost>',
      'Acked-by: Bad Address <bad address@example.org>',
      'Co-developed-by: Co Dev <co@example.org>',
      'Reported-and-tested-by: Both <both@example.org>',
      'Link: https://lore.example.org/r/x@y',
      'Signed-off-by: Co Dev <co@example.org> [adjusted]',
    ].join('\n');
    const r = recipientsFrom({ message, author: { name: 'Co Dev', email: 'co@example.org' }, sender: SENDER, stableLists: ['stable@vger.kernel.org'] }, null);
    expect(r.to).toEqual(['stable@vger.kernel.org']);
    expect(r.cc).toEqual([
      'Co Dev <co@example.org>',
      'a@example.org',
      '"Last, First" <lf@example.org>',
      'syzbot+1234abcd@syzkaller.appspotmail.com',
      'Both <both@example.org>',
    ]);
    expect(r.why['Co Dev <co@example.org>']).toEqual(['commit author', 'Co-developed-by trailer', 'Signed-off-by trailer']);
    expect(r.why['Both <both@example.org>']).toEqual(['Reported-and-tested-by trailer']);
    expect(r.skipped.map((s) => `${s.source}: ${s.reason}`)).toEqual([
      'Cc trailer: stable+noautosel is a request, not a list',
      'Suggested-by trailer: not an address: broken@localhost',
      expect.stringMatching(/^Acked-by trailer: /),
    ]);
  });
});
