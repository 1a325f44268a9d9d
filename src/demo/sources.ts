/**
 * The demo project's C sources, written for stablepick's demo: a miniature of the situation in the seed
 * AUTOSEL mail (a scheduler class with an enable/disable lifecycle, an IRQ-work callback, a registration
 * entry point in an ops table, a per-CPU array allocated at boot), plus a small network driver. Each file
 * is a function of the features present at a point in history, so every commit is a real, small diff.
 */

export interface ExtState {
  /** sched_ext: scx_disable_workfn() clears the kick state only when it was set (a NULL fix). */
  nullFix: boolean;
  /** The lazy kvzalloc() allocation (the seed's 14c1da3895a1). */
  lazy: boolean;
  /** Its follow-up: allocate after the state check (the seed's 05e63305c85c8). */
  lazyFixed: boolean;
  /** A feature: scx_dump_state(). */
  dumpState: boolean;
  /** A feature: scx_bpf_kick_stats(). */
  kickStats: boolean;
  /** A cleanup: scx_set_state() renamed scx_ops_set_state(). */
  renamed: boolean;
}

export const EXT_BASE: ExtState = { nullFix: false, lazy: false, lazyFixed: false, dumpState: false, kickStats: false, renamed: false };

export function extC(s: ExtState): string {
  const setState = s.renamed ? 'scx_ops_set_state' : 'scx_set_state';
  const out: string[] = [];
  out.push(`// SPDX-License-Identifier: GPL-2.0
/*
 * sched_ext: the extensible scheduler class.
 *
 * A miniature written for the stablepick demo: the shape of the real thing,
 * none of its code.
 */
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include "sched.h"

static DEFINE_MUTEX(scx_enable_mutex);
static atomic_t scx_state = ATOMIC_INIT(SCX_DISABLED);
static struct kthread_work scx_disable_work;
`);
  if (!s.lazy) {
    out.push(`/* for %SCX_KICK_WAIT */
static unsigned long __percpu *scx_kick_cpus_pnt_seqs;
`);
  } else {
    out.push(`/*
 * For %SCX_KICK_WAIT: Each CPU has a pointer to an array of pick_task sequence
 * numbers. The arrays are allocated with kvzalloc() as size can exceed percpu
 * allocator limits on large machines. Allocated lazily when enabling and freed
 * when disabling.
 */
struct scx_kick_pseqs {
	struct rcu_head		rcu;
	unsigned long		seqs[];
};

static DEFINE_PER_CPU(struct scx_kick_pseqs __rcu *, scx_kick_pseqs);
`);
  }
  out.push(`static int scx_enable_state(void)
{
	return atomic_read(&scx_state);
}

static void ${setState}(int state)
{
	atomic_set(&scx_state, state);
}

static bool kick_one_cpu(s32 cpu, struct rq *this_rq, unsigned long *pseqs)
{
	struct rq *rq = cpu_rq(cpu);

	pseqs[cpu] = rq->scx.pnt_seq;
	resched_curr(rq);
	return true;
}
`);
  if (s.kickStats) {
    out.push(`static atomic64_t scx_kick_count;

/**
 * scx_bpf_kick_stats - number of CPU kicks since the scheduler was loaded
 */
__bpf_kfunc u64 scx_bpf_kick_stats(void)
{
	return atomic64_read(&scx_kick_count);
}
`);
  }
  if (!s.lazy) {
    out.push(`static void kick_cpus_irq_workfn(struct irq_work *irq_work)
{
	struct rq *this_rq = this_rq();
	unsigned long *pseqs = this_cpu_ptr(scx_kick_cpus_pnt_seqs);
	s32 cpu;

	for_each_cpu(cpu, this_rq->scx.cpus_to_kick) {
		kick_one_cpu(cpu, this_rq, pseqs);
		cpumask_clear_cpu(cpu, this_rq->scx.cpus_to_kick);
	}
}
`);
  } else {
    out.push(`static void kick_cpus_irq_workfn(struct irq_work *irq_work)
{
	struct rq *this_rq = this_rq();
	struct scx_kick_pseqs __rcu *pseqs_pcpu = __this_cpu_read(scx_kick_pseqs);
	unsigned long *pseqs;
	s32 cpu;

	if (unlikely(!pseqs_pcpu)) {
		pr_warn_once("kick_cpus_irq_workfn() called with NULL scx_kick_pseqs");
		return;
	}

	pseqs = rcu_dereference_bh(pseqs_pcpu)->seqs;

	for_each_cpu(cpu, this_rq->scx.cpus_to_kick) {
		kick_one_cpu(cpu, this_rq, pseqs);
		cpumask_clear_cpu(cpu, this_rq->scx.cpus_to_kick);
	}
}

static void free_kick_pseqs_rcu(struct rcu_head *rcu)
{
	struct scx_kick_pseqs *pseqs = container_of(rcu, struct scx_kick_pseqs, rcu);

	kvfree(pseqs);
}

static void free_kick_pseqs(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct scx_kick_pseqs **pseqs = per_cpu_ptr(&scx_kick_pseqs, cpu);
		struct scx_kick_pseqs *to_free;

		to_free = rcu_replace_pointer(*pseqs, NULL, true);
		if (to_free)
			call_rcu(&to_free->rcu, free_kick_pseqs_rcu);
	}
}
`);
  }
  out.push(`static void scx_disable_workfn(struct kthread_work *work)
{
	mutex_lock(&scx_enable_mutex);
${
  s.nullFix
    ? `	if (scx_enable_state() == SCX_DISABLED) {
		mutex_unlock(&scx_enable_mutex);
		return;
	}
`
    : ''
}	${setState}(SCX_DISABLED);
${s.lazy ? '	free_kick_pseqs();\n' : ''}	mutex_unlock(&scx_enable_mutex);
}
`);
  if (s.lazy) {
    out.push(`static int alloc_kick_pseqs(void)
{
	int cpu;

	/*
	 * Allocate per-CPU arrays sized by nr_cpu_ids. Use kvzalloc as size
	 * can exceed percpu allocator limits on large machines.
	 */
	for_each_possible_cpu(cpu) {
		struct scx_kick_pseqs **pseqs = per_cpu_ptr(&scx_kick_pseqs, cpu);
		struct scx_kick_pseqs *new_pseqs;

		WARN_ON_ONCE(rcu_access_pointer(*pseqs));

		new_pseqs = kvzalloc_node(struct_size(new_pseqs, seqs, nr_cpu_ids),
					  GFP_KERNEL, cpu_to_node(cpu));
		if (!new_pseqs) {
			free_kick_pseqs();
			return -ENOMEM;
		}

		rcu_assign_pointer(*pseqs, new_pseqs);
	}

	return 0;
}
`);
  }
  // scx_enable(): the lazy fix allocates first; its follow-up moves the allocation after the state check.
  let enable: string;
  if (!s.lazy) {
    enable = `static int scx_enable(struct sched_ext_ops *ops)
{
	int ret = 0;

	mutex_lock(&scx_enable_mutex);

	if (scx_enable_state() != SCX_DISABLED) {
		ret = -EBUSY;
		goto err_unlock;
	}

	${setState}(SCX_ENABLED);
err_unlock:
	mutex_unlock(&scx_enable_mutex);
	return ret;
}
`;
  } else if (!s.lazyFixed) {
    enable = `static int scx_enable(struct sched_ext_ops *ops)
{
	int ret = 0;

	mutex_lock(&scx_enable_mutex);

	ret = alloc_kick_pseqs();
	if (ret)
		goto err_unlock;

	if (scx_enable_state() != SCX_DISABLED) {
		ret = -EBUSY;
		goto err_free_pseqs;
	}

	${setState}(SCX_ENABLED);
	mutex_unlock(&scx_enable_mutex);
	return 0;

err_free_pseqs:
	free_kick_pseqs();
err_unlock:
	mutex_unlock(&scx_enable_mutex);
	return ret;
}
`;
  } else {
    enable = `static int scx_enable(struct sched_ext_ops *ops)
{
	int ret = 0;

	mutex_lock(&scx_enable_mutex);

	if (scx_enable_state() != SCX_DISABLED) {
		ret = -EBUSY;
		goto err_unlock;
	}

	ret = alloc_kick_pseqs();
	if (ret)
		goto err_unlock;

	${setState}(SCX_ENABLED);
	mutex_unlock(&scx_enable_mutex);
	return 0;

err_unlock:
	mutex_unlock(&scx_enable_mutex);
	return ret;
}
`;
  }
  out.push(enable);
  out.push(`static int bpf_scx_reg(void *kdata, struct bpf_link *link)
{
	return scx_enable(kdata);
}

static void bpf_scx_unreg(void *kdata, struct bpf_link *link)
{
	kthread_queue_work(scx_helper, &scx_disable_work);
}

static struct bpf_struct_ops bpf_sched_ext_ops = {
	.reg = bpf_scx_reg,
	.unreg = bpf_scx_unreg,
	.name = "sched_ext_ops",
};

void __init init_sched_ext_class(void)
{
	s32 cpu;
`);
  if (!s.lazy) {
    out.push(`
	scx_kick_cpus_pnt_seqs =
		__alloc_percpu(sizeof(scx_kick_cpus_pnt_seqs[0]) * nr_cpu_ids,
			       __alignof__(scx_kick_cpus_pnt_seqs[0]));
	BUG_ON(!scx_kick_cpus_pnt_seqs);
`);
  }
  out.push(`
	for_each_possible_cpu(cpu) {
		struct rq *rq = cpu_rq(cpu);

		init_irq_work(&rq->scx.kick_cpus_irq_work, kick_cpus_irq_workfn);
	}
	kthread_init_work(&scx_disable_work, scx_disable_workfn);
	register_bpf_struct_ops(&bpf_sched_ext_ops, sched_ext_ops);
}
`);
  if (s.dumpState) {
    out.push(`
/**
 * scx_dump_state - print the scheduler state for debugging
 */
void scx_dump_state(void)
{
	pr_info("sched_ext: state=%d\\n", scx_enable_state());
}
`);
  }
  return out.join('\n');
}

export interface FooState {
  /** Ring statistics (added after 6.12, with a counter overflow). */
  stats: boolean;
  statsFixed: boolean;
  /** The series: foo_ring_reset() helper, its use on link down, the Tx hang fix. */
  resetHelper: boolean;
  resetOnLinkDown: boolean;
  txHangFix: boolean;
}

export const FOO_BASE: FooState = { stats: false, statsFixed: false, resetHelper: false, resetOnLinkDown: false, txHangFix: false };

export function fooC(s: FooState): string {
  const out: string[] = [];
  out.push(`// SPDX-License-Identifier: GPL-2.0
/* foo: a small Ethernet driver, written for the stablepick demo. */
#include <linux/netdevice.h>
#include "foo.h"

static int foo_ring_alloc(struct foo_ring *ring, unsigned int count)
{
	ring->desc = kcalloc(count, sizeof(*ring->desc), GFP_KERNEL);
	if (!ring->desc)
		return -ENOMEM;
	ring->count = count;
	ring->head = 0;
	ring->tail = 0;
	return 0;
}
`);
  if (s.resetHelper) {
    out.push(`static void foo_ring_reset(struct foo_ring *ring)
{
	ring->head = 0;
	ring->tail = 0;
	memset(ring->desc, 0, ring->count * sizeof(*ring->desc));
}
`);
  }
  out.push(`static netdev_tx_t foo_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct foo_priv *priv = netdev_priv(dev);
	struct foo_ring *ring = &priv->tx;

	if (ring->head - ring->tail >= ring->count) {
		netif_stop_queue(dev);
		return NETDEV_TX_BUSY;
	}
	ring->desc[ring->head++ % ring->count].skb = skb;${
    s.stats
      ? `
	priv->stats.tx_packets${s.statsFixed ? '64' : ''}++;`
      : ''
  }
	return NETDEV_TX_OK;
}

static void foo_link_change(struct net_device *dev, bool up)
{
	struct foo_priv *priv = netdev_priv(dev);

	if (!up) {
		netif_carrier_off(dev);${
      s.resetOnLinkDown
        ? `
		foo_ring_reset(&priv->tx);`
        : ''
    }
		return;
	}
	netif_carrier_on(dev);
}
`);
  if (s.txHangFix) {
    out.push(`static void foo_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct foo_priv *priv = netdev_priv(dev);

	foo_ring_reset(&priv->tx);
	netif_wake_queue(dev);
}
`);
  }
  if (s.stats) {
    out.push(`static void foo_get_stats(struct net_device *dev, struct rtnl_link_stats64 *st)
{
	struct foo_priv *priv = netdev_priv(dev);

	st->tx_packets = priv->stats.tx_packets${s.statsFixed ? '64' : ''};
}
`);
  }
  out.push(`static const struct net_device_ops foo_netdev_ops = {
	.ndo_start_xmit = foo_xmit,${s.txHangFix ? '\n	.ndo_tx_timeout = foo_tx_timeout,' : ''}${s.stats ? '\n	.ndo_get_stats64 = foo_get_stats,' : ''}
};

static int foo_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *dev = alloc_etherdev(sizeof(struct foo_priv));
	struct foo_priv *priv;

	if (!dev)
		return -ENOMEM;
	priv = netdev_priv(dev);
	dev->netdev_ops = &foo_netdev_ops;
	priv->link_change = foo_link_change;
	return foo_ring_alloc(&priv->tx, 256);
}

module_pci_driver(foo_driver);
`);
  return out.join('\n');
}

export function fooH(s: FooState): string {
  return `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FOO_H
#define FOO_H

struct foo_desc {
	struct sk_buff *skb;
};

struct foo_ring {
	struct foo_desc *desc;
	unsigned int count;
	unsigned int head;
	unsigned int tail;
};
${
  s.stats
    ? `
struct foo_stats {
	${s.statsFixed ? 'u64 tx_packets64' : 'u32 tx_packets'};
};
`
    : ''
}
struct foo_priv {
	struct foo_ring tx;${s.stats ? '\n	struct foo_stats stats;' : ''}
	void (*link_change)(struct net_device *dev, bool up);
};

#endif
`;
}

export const MAKEFILE = (version: string, sub?: number): string => {
  const [v, p] = version.split('.');
  return `# SPDX-License-Identifier: GPL-2.0
VERSION = ${v}
PATCHLEVEL = ${p}
SUBLEVEL = ${sub ?? 0}
NAME = Demo Kernel
`;
};

export const SCHED_H = `/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCHED_H
#define SCHED_H

enum scx_state {
	SCX_DISABLED,
	SCX_ENABLED,
};

struct scx_rq {
	struct cpumask *cpus_to_kick;
	struct irq_work kick_cpus_irq_work;
	unsigned long pnt_seq;
};

struct rq {
	struct scx_rq scx;
};

#endif
`;

export const CORE_C = `// SPDX-License-Identifier: GPL-2.0
/* The core scheduler, as far as the demo needs it. */
#include "sched.h"

void __init sched_init(void)
{
	init_sched_ext_class();
}
`;

export const README = `Demo Kernel
===========

A sample project that stablepick's demo builds to show the whole pipeline:
a scheduler class (kernel/sched/ext.c) and a small network driver
(drivers/net/foo), with stable branches linux-6.12.y and linux-6.17.y.
`;

export const DOC_SCHED_EXT = (fixed: boolean): string => `Extensible Scheduler Class
==========================

sched_ext is a scheduler class whose behaviour can be defined by a set of BPF
programs. ${fixed ? 'The' : 'Teh'} scheduler is enabled by registering a struct sched_ext_ops and
disabled when the last link ${fixed ? 'goes' : 'gose'} away.
`;
