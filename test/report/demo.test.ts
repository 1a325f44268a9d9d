/** The demo builds its sample repository and shows the facts the seed mail's case rests on. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/repo-builder.js';
import { parseJson, runCli } from '../helpers/cli.js';

const dir = path.join(makeTempDir('stablepick-demo-test-'), 'out');
afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('stablepick demo', () => {
  it('builds the sample repository, indexes it and reports the facts of the lazy-allocation fix', () => {
    const r = runCli(['demo', '--dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Sample repository: ${path.join(dir, 'demo-kernel')}`);
    expect(r.stdout).toMatch(/linux-6\.12\.y\s+v6\.12\s+31\s+32/);
    expect(r.stdout).toMatch(
      /follow-up: \w{12} \("sched_ext: Fix scx_kick_pseqs corruption on concurrent scheduler loads"\) says Fixes: \w{12} — must go with it/,
    );
    for (const fn of ['kick_cpus_irq_workfn', 'scx_enable', 'scx_disable_workfn', 'init_sched_ext_class', 'alloc_kick_pseqs']) {
      expect(r.stdout).toMatch(new RegExp(`(modified|added)\\s+${fn}\\(\\)\\s+kernel/sched/ext\\.c:\\d+`));
    }
    expect(r.stdout).toMatch(/scx_enable\(\) is called by bpf_scx_reg\(\) at kernel\/sched\/ext\.c:\d+/);
    expect(r.stdout).toMatch(/entry point: bpf_scx_reg\(\) — ops: \.reg of struct bpf_struct_ops bpf_sched_ext_ops/);
    // Selection, the written case, the mails and git am.
    expect(r.stdout).toMatch(/Written case of [0-9a-f]{12}: .*YES for linux-6\.17\.y, linux-6\.12\.y\..*It must be backported together with [0-9a-f]{12}/);
    expect(r.stdout).toContain('[PATCH AUTOSEL 6.17-6.12] sched_ext: Allocate scx_kick_pseqs lazily using kvzalloc()');
    expect(r.stdout).toContain('[PATCH AUTOSEL 6.17] net/foo: Fix Tx packet counter overflow');
    expect(r.stdout).toMatch(/git am onto linux-6\.17\.y: 6 commit\(s\) applied/);
    expect(r.stdout).toMatch(/git am onto linux-6\.12\.y: 2 commit\(s\) applied/);
    expect(existsSync(path.join(dir, 'autosel.mbox'))).toBe(true);
    expect(readdirSync(path.join(dir, 'cases')).filter((f) => f.endsWith('.md')).length).toBe(4);
  });

  it('refuses to overwrite a previous demo and says what to do', () => {
    const again = runCli(['demo', '--dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^stablepick: .*demo-kernel already exists and is not empty — give --dir a new or empty folder\n$/);
  });

  it('prints the sample shas as JSON', () => {
    const j = parseJson<{ shas: Record<string, string>; index: { totalCommits: number } }>(runCli(['demo', '--json', '--dir', `${dir}-json`]));
    expect(Object.keys(j.shas)).toEqual(
      expect.arrayContaining(['lazyAlloc', 'lazyFollowUp', 'kickStats', 'rename', 'seriesHelper', 'seriesFix', 'statsOverflow']),
    );
    expect(j.index.totalCommits).toBe(114);
    rmSync(`${dir}-json`, { recursive: true, force: true });
  });
});
