/**
 * The demo repository, built commit by commit: mainline releases v6.11, v6.12 and v6.17, the stable
 * branches linux-6.12.y and linux-6.17.y with `commit X upstream.` picks and their point releases, then
 * the window after v6.17 that the demo judges:
 *   - the lazy-allocation fix (the seed's 14c1da3895a1, with its review tags) and its `Fixes:` follow-up;
 *   - a feature, a cleanup and a documentation fix;
 *   - a three-patch series whose last patch fixes a bug and needs the first;
 *   - a fix for a bug introduced after v6.12 (linux-6.12.y never had it).
 * Names, code and messages are the project's own, written for the demo.
 */
import { ScratchRepo, type Identity } from '../git/scratch-repo.js';
import { CHANGES, DRIVERS, driverC, driverH, fill } from './history.js';
import { CORE_C, DOC_SCHED_EXT, EXT_BASE, extC, FOO_BASE, fooC, fooH, MAKEFILE, README, SCHED_H, type ExtState, type FooState } from './sources.js';

const P = {
  linus: { name: 'Linus Demo', email: 'linus@demo-kernel.org' },
  tejun: { name: 'Tejun Demo', email: 'tj@demo-kernel.org' },
  andrea: { name: 'Andrea Demo', email: 'andrea@demo-kernel.org' },
  phil: { name: 'Phil Demo', email: 'phil@demo-kernel.org' },
  emil: { name: 'Emil Demo', email: 'emil@demo-kernel.org' },
  greg: { name: 'Greg Demo', email: 'greg@demo-kernel.org' },
  nina: { name: 'Nina Demo', email: 'nina@demo-net.org' },
  jakub: { name: 'Jakub Demo', email: 'jakub@demo-net.org' },
  docs: { name: 'Dora Docs', email: 'dora@demo-kernel.org' },
} satisfies Record<string, Identity>;

const sob = (p: Identity): string => `Signed-off-by: ${p.name} <${p.email}>`;
const tag = (k: string, p: Identity): string => `${k}: ${p.name} <${p.email}>`;

export interface DemoShas {
  /** Mainline. */
  import: string;
  extIntro: string;
  v612: string;
  nullFix: string;
  dumpState: string;
  fooStats: string;
  v617: string;
  /** The window v6.17..master. */
  lazyAlloc: string;
  kickStats: string;
  lazyFollowUp: string;
  rename: string;
  seriesHelper: string;
  seriesUse: string;
  seriesFix: string;
  statsOverflow: string;
  docTypo: string;
  /** Stable picks. */
  nullFix612: string;
  nullFix617: string;
}

export interface DemoRepo {
  repo: ScratchRepo;
  dir: string;
  mainline: string;
  branches: { old: string; new: string };
  window: string;
  shas: DemoShas;
}

/** Builds the demo repository in `dir` (created; must not exist or be empty). */
export async function buildDemoRepo(dir: string): Promise<DemoRepo> {
  const r = await ScratchRepo.create(dir, 'master');
  let t = Date.UTC(2024, 8, 1) / 1000; // 2024-09-01
  const day = 86400;
  const next = (days = 1): number => (t += days * day);
  let ext: ExtState = { ...EXT_BASE };
  let foo: FooState = { ...FOO_BASE };

  const commit = (files: Record<string, string | null>, message: string, author: Identity, committer?: Identity): Promise<string> =>
    r.commit({ files, message, author, committer: committer ?? author, time: next() });

  const shas: Partial<DemoShas> = {};
  shas.import = await commit(
    {
      Makefile: MAKEFILE('6.11'),
      README,
      'kernel/sched/core.c': CORE_C,
      'kernel/sched/sched.h': SCHED_H,
      'drivers/net/foo/foo_main.c': fooC(foo),
      'drivers/net/foo/foo.h': fooH(foo),
    },
    'Linux 6.11\n',
    P.linus,
  );
  await r.tag('v6.11', 'Linux 6.11', P.linus, t);
  shas.extIntro = await commit(
    { 'kernel/sched/ext.c': extC(ext), 'Documentation/scheduler/sched-ext.rst': DOC_SCHED_EXT(false) },
    `sched_ext: Implement the extensible scheduler class

Add a scheduler class whose policy is a set of BPF programs, registered
through struct sched_ext_ops and enabled by bpf_scx_reg().

${sob(P.tejun)}
`,
    P.tejun,
  );
  const owners = [P.nina, P.emil, P.andrea, P.phil];
  const intro = new Map<string, string>();
  for (const [i, d] of DRIVERS.entries()) {
    const who = owners[i % owners.length]!;
    intro.set(
      d.name,
      await commit(
        { [d.path]: driverC(d, new Set()), [d.path.replace(/[^/]+$/, `${d.name}.h`)]: driverH(d) },
        `${d.prefix}: Add the ${d.title} driver\n\nA new driver for the ${d.title}.\n\n${sob(who)}\n`,
        who,
      ),
    );
  }
  shas.v612 = await commit({ Makefile: MAKEFILE('6.12') }, 'Linux 6.12\n', P.linus);
  await r.tag('v6.12', 'Linux 6.12', P.linus, t);
  await r.branch('linux-6.12.y', 'v6.12');

  // Fixes and features in the drivers; linux-6.12.y picks the fixes a few days later.
  const pickMsg = async (sha: string, by: Identity): Promise<string> => {
    const m = await r.message(sha);
    const nl = m.indexOf('\n');
    const subject = m.slice(0, nl);
    const body = m.slice(nl + 1).replace(/^\n+/, '');
    return `${subject}\n\ncommit ${sha} upstream.\n\n${body.trimEnd()}\n${sob(by)}\n`;
  };
  const applied = new Map<string, Set<number>>(DRIVERS.map((d) => [d.name, new Set<number>()]));
  const made = new Map<string, string>();
  for (const [ci, c] of CHANGES.entries()) {
    const toPick: string[] = [];
    for (const [di, d] of DRIVERS.entries()) {
      const who = owners[(di + ci) % owners.length]!;
      const reviewer = owners[(di + ci + 1) % owners.length]!;
      const reporter = owners[(di + ci + 2) % owners.length]!;
      applied.get(d.name)!.add(ci);
      const tags: string[] = [];
      if (c.fixesIntro) tags.push(`Fixes: ${intro.get(d.name)!.slice(0, 12)} ("${d.prefix}: Add the ${d.title} driver")`);
      if (c.fixesChange !== undefined) {
        const target = made.get(`${d.name}:${c.fixesChange}`)!;
        tags.push(`Fixes: ${target.slice(0, 12)} ("${d.prefix}: ${fill(CHANGES[c.fixesChange]!.subject, d)}")`);
      }
      if (c.reported) tags.push(tag('Reported-by', reporter), `Closes: https://bugzilla.demo-kernel.org/show_bug.cgi?id=${21700 + di * 10 + ci}`);
      tags.push(`Link: https://lore.demo-kernel.org/r/2025${String(ci + 1).padStart(2, '0')}${String(di + 10)}-${d.name}@demo-kernel.org`);
      if (c.reviewed) tags.push(tag('Reviewed-by', reviewer));
      tags.push(sob(who));
      const sha = await commit(
        { [d.path]: driverC(d, applied.get(d.name)!) },
        `${d.prefix}: ${fill(c.subject, d)}\n\n${fill(c.body, d)}\n\n${tags.join('\n')}\n`,
        who,
      );
      made.set(`${d.name}:${ci}`, sha);
      if (c.picked) toPick.push(sha);
    }
    if (toPick.length) {
      await r.checkout('linux-6.12.y');
      for (const sha of toPick) await r.pick(sha, await pickMsg(sha, P.greg), P.greg, next());
      await r.checkout('master');
    }
  }

  ext = { ...ext, nullFix: true };
  shas.nullFix = await commit(
    { 'kernel/sched/ext.c': extC(ext) },
    `sched_ext: Fix double disable in scx_disable_workfn()

scx_disable_workfn() can run after the scheduler was already disabled by an
error exit, and then drops the state of the next scheduler. Return early
when the state is already SCX_DISABLED.

Fixes: ${shas.extIntro.slice(0, 12)} ("sched_ext: Implement the extensible scheduler class")
Cc: stable@vger.kernel.org # v6.12+
${tag('Reviewed-by', P.andrea)}
${sob(P.tejun)}
`,
    P.tejun,
  );
  ext = { ...ext, dumpState: true };
  shas.dumpState = await commit(
    { 'kernel/sched/ext.c': extC(ext) },
    `sched_ext: Add scx_dump_state()

Add a helper that prints the scheduler state, to be wired to sysrq later.

${sob(P.tejun)}
`,
    P.tejun,
  );
  foo = { ...foo, stats: true };
  shas.fooStats = await commit(
    { 'drivers/net/foo/foo_main.c': fooC(foo), 'drivers/net/foo/foo.h': fooH(foo) },
    `net/foo: Add Tx packet statistics

Count transmitted packets and report them through ndo_get_stats64.

${sob(P.nina)}
${sob(P.jakub)}
`,
    P.nina,
    P.jakub,
  );
  shas.v617 = await commit({ Makefile: MAKEFILE('6.17') }, 'Linux 6.17\n', P.linus);
  await r.tag('v6.17', 'Linux 6.17', P.linus, t);

  // The stable branches' own picks of the sched_ext fix, and their point releases.
  await r.branch('linux-6.17.y', 'v6.17');
  await r.checkout('linux-6.12.y');
  shas.nullFix612 = await r.pick(shas.nullFix, await pickMsg(shas.nullFix, P.greg), P.greg, next());
  await r.commit({ files: { Makefile: MAKEFILE('6.12', 1) }, message: 'Linux 6.12.1\n', author: P.greg, time: next() });
  await r.tag('v6.12.1', 'Linux 6.12.1', P.greg, t);
  await r.checkout('linux-6.17.y');
  shas.nullFix617 = shas.nullFix; // v6.17 contains it already
  await r.commit({ files: { Makefile: MAKEFILE('6.17', 1) }, message: 'Linux 6.17.1\n', author: P.greg, time: next() });
  await r.tag('v6.17.1', 'Linux 6.17.1', P.greg, t);
  await r.checkout('master');

  // The window.
  ext = { ...ext, lazy: true };
  shas.lazyAlloc = await commit(
    { 'kernel/sched/ext.c': extC(ext) },
    `sched_ext: Allocate scx_kick_pseqs lazily using kvzalloc()

On systems with >4096 CPUs, scx_kick_cpus_pnt_seqs allocation fails during
boot because it exceeds the 32,768 byte percpu allocator limit.

Use DEFINE_PER_CPU() for per-CPU pointers, each pointing to its own
kvzalloc'd array, allocated in scx_enable() and freed in
scx_disable_workfn(), so the O(nr_cpu_ids^2) memory is only used while
sched_ext is active. kick_cpus_irq_workfn() reads the array under RCU and
checks it for NULL.

${tag('Reported-by', P.phil)}
Link: https://lore.demo-kernel.org/r/20251007133523.GA93086@phil
Cc: ${P.andrea.name} <${P.andrea.email}>
${tag('Reviewed-by', P.emil)}
${tag('Reviewed-by', P.phil)}
${tag('Reviewed-by', P.andrea)}
${sob(P.tejun)}
`,
    P.tejun,
  );
  ext = { ...ext, kickStats: true };
  shas.kickStats = await commit(
    { 'kernel/sched/ext.c': extC(ext) },
    `sched_ext: Add scx_bpf_kick_stats() kfunc

Introduce a new kfunc that returns how many CPU kicks happened since the
scheduler was loaded, for BPF schedulers that want to tune their kick policy.

${sob(P.tejun)}
`,
    P.tejun,
  );
  ext = { ...ext, lazyFixed: true };
  shas.lazyFollowUp = await commit(
    { 'kernel/sched/ext.c': extC(ext) },
    `sched_ext: Fix scx_kick_pseqs corruption on concurrent scheduler loads

scx_enable() calls alloc_kick_pseqs() before checking that no scheduler is
loaded. A second load then allocates again, leaks the first arrays and
frees the arrays of the running scheduler on its -EBUSY error path.

Allocate after the state check.

Fixes: ${shas.lazyAlloc.slice(0, 12)} ("sched_ext: Allocate scx_kick_pseqs lazily using kvzalloc()")
${tag('Reviewed-by', P.emil)}
${tag('Acked-by', P.tejun)}
${sob(P.andrea)}
${sob(P.tejun)}
`,
    P.andrea,
    P.tejun,
  );
  ext = { ...ext, renamed: true };
  shas.rename = await commit(
    { 'kernel/sched/ext.c': extC(ext) },
    `sched_ext: Rename scx_set_state() to scx_ops_set_state()

Cleanup, no functional change: the ops prefix makes clear which state the
helper sets.

${sob(P.tejun)}
`,
    P.tejun,
  );
  foo = { ...foo, resetHelper: true };
  shas.seriesHelper = await commit(
    { 'drivers/net/foo/foo_main.c': fooC(foo) },
    `net/foo: Add foo_ring_reset() helper

Factor the ring reset into a helper for the following patches.

Link: https://lore.demo-net.org/r/20251010-foo-reset-v2-1-nina@demo-net.org
${sob(P.nina)}
${sob(P.jakub)}
`,
    P.nina,
    P.jakub,
  );
  foo = { ...foo, resetOnLinkDown: true };
  shas.seriesUse = await commit(
    { 'drivers/net/foo/foo_main.c': fooC(foo) },
    `net/foo: Reset the Tx ring when the link goes down

Descriptors queued before a link flap stay in the ring; reset it on link
down.

Link: https://lore.demo-net.org/r/20251010-foo-reset-v2-2-nina@demo-net.org
${sob(P.nina)}
${sob(P.jakub)}
`,
    P.nina,
    P.jakub,
  );
  foo = { ...foo, txHangFix: true };
  shas.seriesFix = await commit(
    { 'drivers/net/foo/foo_main.c': fooC(foo) },
    `net/foo: Fix Tx hang after a transmit timeout

When the hardware stalls, the stack calls ndo_tx_timeout, which foo does not
implement: the ring keeps its stale descriptors and transmission hangs until
the module is reloaded. Reset the ring and wake the queue on a timeout.

Fixes: ${shas.import.slice(0, 12)} ("Linux 6.11")
Link: https://lore.demo-net.org/r/20251010-foo-reset-v2-3-nina@demo-net.org
${sob(P.nina)}
${sob(P.jakub)}
`,
    P.nina,
    P.jakub,
  );
  foo = { ...foo, statsFixed: true };
  shas.statsOverflow = await commit(
    { 'drivers/net/foo/foo_main.c': fooC(foo), 'drivers/net/foo/foo.h': fooH(foo) },
    `net/foo: Fix Tx packet counter overflow

The 32-bit counter wraps after four billion packets and ndo_get_stats64
reports a falling count. Use a 64-bit counter.

Fixes: ${shas.fooStats.slice(0, 12)} ("net/foo: Add Tx packet statistics")
${sob(P.nina)}
${sob(P.jakub)}
`,
    P.nina,
    P.jakub,
  );
  shas.docTypo = await commit(
    { 'Documentation/scheduler/sched-ext.rst': DOC_SCHED_EXT(true) },
    `Documentation: sched-ext: Fix typos

${sob(P.docs)}
`,
    P.docs,
  );
  return {
    repo: r,
    dir,
    mainline: 'master',
    branches: { old: 'linux-6.12.y', new: 'linux-6.17.y' },
    window: 'v6.17..master',
    shas: shas as DemoShas,
  };
}
