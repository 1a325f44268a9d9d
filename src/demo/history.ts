/**
 * The demo project's past: small drivers and subsystems that get fixes and features between v6.12 and
 * v6.17, and the fixes that linux-6.12.y picked. This is what the selection model learns from before it
 * judges the window (a project with no history gives a model nothing to learn). Code and messages are
 * the project's own, written for the demo; each change edits one function, so picks apply cleanly.
 */

export interface Driver {
  /** Short name: the functions' prefix. */
  name: string;
  path: string;
  /** Subject prefix, e.g. "net/bar". */
  prefix: string;
  title: string;
}

export const DRIVERS: readonly Driver[] = [
  { name: 'bar', path: 'drivers/net/bar/bar_main.c', prefix: 'net/bar', title: 'Bar Ethernet controller' },
  { name: 'qux', path: 'drivers/usb/qux/qux_core.c', prefix: 'usb: qux', title: 'Qux USB host bridge' },
  { name: 'zed', path: 'fs/zedfs/inode.c', prefix: 'zedfs', title: 'Zed flash file system' },
  { name: 'pool', path: 'mm/demo_pool.c', prefix: 'mm/pool', title: 'fixed-size object pools' },
  { name: 'vex', path: 'drivers/gpu/vex/vex_drv.c', prefix: 'drm/vex', title: 'Vex display engine' },
];

/** The functions every driver file has, in order; each change edits one of them. */
const FUNCS = ['probe', 'remove', 'open', 'release', 'submit', 'complete', 'irq', 'get_stats', 'suspend', 'resume'] as const;
type Func = (typeof FUNCS)[number];

export interface HistoryChange {
  kind: 'fix' | 'feature' | 'cleanup';
  func: Func | 'new';
  /** The line added to the function's body (fix / cleanup) or the new function's body (feature). */
  line: string;
  subject: string;
  body: string;
  /** Trailer kinds to add (people are filled in by the story). */
  reported?: boolean;
  reviewed?: boolean;
  /** Fixes: the driver's introduction (the bug is as old as the driver). */
  fixesIntro?: boolean;
  /** Fixes: an earlier change of this list (a bug introduced after v6.12). */
  fixesChange?: number;
  /** linux-6.12.y picks it. */
  picked: boolean;
}

/** Per driver, the changes made between v6.12 and v6.17, in order ({n} = the driver's name). */
export const CHANGES: readonly HistoryChange[] = [
  {
    kind: 'fix',
    func: 'remove',
    line: 'if (!priv) return;',
    picked: true,
    reported: true,
    reviewed: true,
    fixesIntro: true,
    subject: 'Return early from {n}_remove() without private data',
    body: 'When probe fails after the device was registered, {n}_remove() runs with no\nprivate data and the kernel oopses on the first access (a NULL pointer\ndereference). Return early when the\nprivate data is missing.',
  },
  {
    kind: 'feature',
    func: 'new',
    line: 'if (!priv->regs)\n\treturn 0;\nif (priv->hw_version < 3)\n\treturn 0;\npriv->features |= BIT(3);\nreturn 1;',
    picked: false,
    subject: 'Add support for revision 3 hardware',
    body: 'Introduce {n}_has_rev3() so that later patches can enable the new offload\nengine found on revision 3 parts.',
  },
  {
    kind: 'fix',
    func: 'open',
    line: 'if (err) goto err_free_rings;',
    picked: true,
    reviewed: true,
    fixesIntro: true,
    subject: 'Free the rings when {n}_open() fails',
    body: 'When the interrupt request fails, {n}_open() returns without freeing the\nrings it allocated, leaking them on every failed open. Free them on the\nerror path.',
  },
  {
    kind: 'cleanup',
    func: 'get_stats',
    line: '/* counters are read under the stats lock */',
    picked: false,
    subject: 'Document the locking of {n}_get_stats()',
    body: 'Cleanup, no functional change: say which lock protects the counters.',
  },
  {
    kind: 'fix',
    func: 'complete',
    line: 'spin_lock_irqsave(&priv->lock, flags);',
    picked: true,
    reported: true,
    reviewed: true,
    fixesIntro: true,
    subject: 'Take the lock before reading the request in {n}_complete()',
    body: 'The completion handler can run after the request was freed by a racing\ncancel, which KASAN reports as a use-after-free and which crashes\nproduction systems. Take the lock before looking at the request.',
  },
  {
    kind: 'feature',
    func: 'new',
    line: 'return priv->queues;',
    picked: false,
    subject: 'Introduce a queue count helper',
    body: 'Add {n}_queue_count(), a new helper for the upcoming multi-queue support.',
  },
  {
    kind: 'fix',
    func: 'suspend',
    line: 'if (work_pending(&priv->reset_work)) {\n\t/* the reset needs the device: finish it first */\n\tcancel_work_sync(&priv->reset_work);\n\tpriv->queues = 0;\n}\nif (!priv->regs)\n\treturn -ENODEV;\nwritel(0, priv->regs);',
    picked: true,
    reported: true,
    reviewed: true,
    subject: 'Cancel a pending reset before suspend',
    body: 'Suspending while the reset work is queued hangs the system: the work\nwaits for the device that suspend has already stopped. Cancel the reset\nwork before stopping the device. The allocation of the reset buffer fails\nafterwards otherwise and a BUG_ON() fires on resume.',
  },
  {
    kind: 'cleanup',
    func: 'irq',
    line: '/* shared line: check that the interrupt is ours */',
    picked: false,
    subject: 'Rename the interrupt helpers',
    body: 'Cleanup, no functional change: use one prefix for the interrupt code.',
  },
  {
    kind: 'fix',
    func: 'probe',
    line: 'priv->regs = ioremap(priv->base, priv->size);\nif (!priv->regs) {\n\tdev_err(priv->dev, "cannot map registers\\n");\n\treturn -ENOMEM;\n}\npriv->hw_version = readl(priv->regs);\nif (!priv->hw_version) {\n\tiounmap(priv->regs);\n\tpriv->regs = NULL;\n\treturn -ENODEV;\n}',
    picked: true,
    reported: true,
    reviewed: true,
    subject: 'Check the register mapping in {n}_probe()',
    body: 'ioremap() fails on systems with a small vmalloc area, and the driver goes\non with a NULL register window: the first register access hits a BUG_ON()\nand stops the boot. Check the mapping and fail the probe instead.',
  },
  {
    kind: 'fix',
    func: 'resume',
    line: 'if (priv->hw_version < 3) return 0;',
    picked: false,
    reviewed: true,
    fixesChange: 1,
    subject: 'Fix revision 3 detection on early parts',
    body: 'Early revision 3 parts report version 2 in the first register read, so\nthe new offload engine is never enabled on them. Read the version again\nafter reset.',
  },
  {
    kind: 'fix',
    func: 'release',
    line: 'iounmap(priv->regs);',
    picked: true,
    reviewed: true,
    fixesChange: 8,
    subject: 'Unmap the register window on release',
    body: 'The register window mapped since the boot failure fix is never unmapped,\nso every unbind leaks a mapping until the vmalloc area is exhausted and\nprobe fails again.',
  },
  {
    kind: 'feature',
    func: 'new',
    line: 'unsigned long flags = 0;\n\nif (priv->features & BIT(3))\n\tflags |= BIT(0);\nif (priv->queues > 1)\n\tflags |= BIT(1);\nreturn flags;',
    picked: false,
    subject: 'Add ethtool private flags',
    body: 'Introduce {n}_get_priv_flags(), a new interface that reports the\nenabled offloads to user space.',
  },
];

/** The driver's C file with the given changes (indices into CHANGES) applied. */
export function driverC(d: Driver, applied: ReadonlySet<number>): string {
  const n = d.name;
  const out: string[] = [
    `// SPDX-License-Identifier: GPL-2.0
/*
 * ${d.title}: a miniature written for the stablepick demo.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include "${n}.h"
`,
  ];
  for (const f of FUNCS) {
    const extra = CHANGES.map((c, i) => (applied.has(i) && c.func === f ? `\t${c.line.replace(/\{n\}/g, n).replace(/\n/g, '\n\t')}` : null)).filter(
      (x): x is string => x !== null,
    );
    out.push(`static int ${n}_${f}(struct ${n}_priv *priv)
{
${extra.join('\n')}${extra.length ? '\n' : ''}\t${n}_trace(priv, "${f}");
\treturn 0;
}
`);
  }
  CHANGES.forEach((c, i) => {
    if (!applied.has(i) || c.func !== 'new') return;
    const fn = /(\w+)\(\)/.exec(fill(c.body, d))?.[1] ?? `${n}_feature_${i}`;
    out.push(`int ${fn}(struct ${n}_priv *priv)
{
\t${c.line.replace(/\n/g, '\n\t')}
}
`);
  });
  out.push(`MODULE_DESCRIPTION("${d.title}");
MODULE_LICENSE("GPL");
`);
  return out.join('\n');
}

export function driverH(d: Driver): string {
  const n = d.name;
  return `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _${n.toUpperCase()}_H
#define _${n.toUpperCase()}_H

struct ${n}_priv {
\tvoid __iomem *regs;
\tspinlock_t lock;
\tstruct work_struct reset_work;
\tunsigned int hw_version;
\tunsigned int queues;
\tunsigned long features;
};

#define ${n}_trace(priv, what) pr_debug("${n}: %s\\n", what)

#endif
`;
}

export function fill(text: string, d: Driver): string {
  return text.replace(/\{n\}/g, d.name);
}
