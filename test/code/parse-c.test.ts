import { beforeAll, describe, expect, it } from 'vitest';
import { blankAttributes } from '../../src/analysis/code/blank.js';
import { loadCParser, type CParser } from '../../src/analysis/code/parse-c.js';
import { itemAt } from '../../src/analysis/code/touched.js';

let parser: CParser;
beforeAll(async () => {
  parser = await loadCParser();
});

const KERNEL = `// SPDX-License-Identifier: GPL-2.0
#include <linux/irq_work.h>

#define SCX_KICK_WAIT	1
#define scx_call(sch, op, args...) do { (sch)->ops.op(args); note_call(sch); } while (0)

struct scx_kick_pseqs {
	struct rcu_head		rcu;
	unsigned long		seqs[];
};

static DEFINE_PER_CPU(struct scx_kick_pseqs __rcu *, scx_kick_pseqs);
static unsigned long __read_mostly scx_watchdog_timeout;

static void __always_inline kick_one(int cpu)
{
	helper(cpu);
}

static void kick_cpus_irq_workfn(struct irq_work *irq_work)
{
	struct scx_kick_pseqs __rcu *pseqs_pcpu = __this_cpu_read(scx_kick_pseqs);
	s32 cpu;

	for_each_cpu(cpu, mask) {
		kick_one(cpu);
	}
}

static int scx_enable(struct sched_ext_ops *ops, struct bpf_link *link)
{
	return alloc_kick_pseqs();
}

static int bpf_scx_reg(void *kdata, struct bpf_link *link)
{
	return scx_enable(kdata, link);
}

static struct bpf_struct_ops bpf_sched_ext_ops = {
	.reg = bpf_scx_reg,
	.name = "sched_ext_ops",
};

void __init init_sched_ext_class(void)
{
	init_irq_work(&rq->scx.kick_cpus_irq_work, kick_cpus_irq_workfn);
}

SYSCALL_DEFINE3(sched_thing, int, a, const char __user *, b, int, c)
{
	return scx_enable(NULL, NULL);
}

int __must_check __attribute__((format(printf, 1, 2)))
old_style(a, b)
	int a;
	char *b;
{
	return a + (int)*b;
}
EXPORT_SYMBOL_GPL(old_style);

#ifdef CONFIG_SMP
static int pick_cpu(int n)
{
	return n;
}
#else
static int pick_cpu(int n)
{
	return 0;
}
#endif
`;

describe('blankAttributes', () => {
  it('keeps every line and column and records what it blanked', () => {
    const b = blankAttributes(KERNEL);
    expect(b.text.length).toBe(KERNEL.length);
    expect(b.text.split('\n').map((l) => l.length)).toEqual(KERNEL.split('\n').map((l) => l.length));
    expect(b.text).not.toContain('__rcu');
    expect(b.text).not.toContain('__attribute__');
    expect(b.text).not.toContain('EXPORT_SYMBOL_GPL');
    expect(b.text).toContain('__this_cpu_read'); // a function, not an attribute
    expect(b.exports).toEqual([{ name: 'old_style', line: 62, macro: 'EXPORT_SYMBOL_GPL' }]);
    expect(b.attributes.map((a) => a.text)).toEqual(
      expect.arrayContaining(['__init', '__always_inline', '__read_mostly', '__must_check', '__attribute__', '__user']),
    );
  });

  it('blanks DPDK attributes and nested attribute arguments', () => {
    const src =
      'int __rte_experimental\nrte_foo(int x) __rte_warn_unused_result __rte_format_printf(1, 2);\nstruct s { int a; } __rte_aligned(RTE_CACHE_LINE_SIZE);\n';
    const b = blankAttributes(src);
    expect(b.text.length).toBe(src.length);
    expect(b.text).toMatch(/^int {19}\nrte_foo\(int x\) +;\n/);
    expect(b.text).not.toContain('RTE_CACHE_LINE_SIZE');
  });
});

describe('parseC', () => {
  it('finds functions with true line ranges, attributes and macro-defined headers', () => {
    const f = parser.parse(KERNEL);
    const fn = (n: string) => f.items.filter((i) => i.kind === 'function' && i.name === n);
    expect(fn('kick_cpus_irq_workfn')[0]).toMatchObject({ startLine: 20, endLine: 28, bodyLine: 21, isStatic: true });
    expect(fn('kick_one')[0]).toMatchObject({ startLine: 15, endLine: 18, attributes: ['__always_inline'] });
    expect(fn('init_sched_ext_class')[0]).toMatchObject({ startLine: 45, endLine: 48, isStatic: false, attributes: ['__init'] });
    expect(fn('sched_thing')[0]).toMatchObject({ startLine: 50, endLine: 53, definedBy: 'SYSCALL_DEFINE3' });
    // K&R definition with an attribute list before it
    expect(fn('old_style')[0]).toMatchObject({ startLine: 55, endLine: 61, bodyLine: 59, attributes: ['__must_check', '__attribute__'] });
    // both #ifdef branches
    expect(fn('pick_cpu').map((i) => i.startLine)).toEqual([65, 70]);
    // the for_each_cpu loop is not a function
    expect(fn('for_each_cpu')).toEqual([]);
    expect(f.exports).toEqual([{ name: 'old_style', line: 62, macro: 'EXPORT_SYMBOL_GPL' }]);
  });

  it('finds macros, types and globals', () => {
    const f = parser.parse(KERNEL);
    const get = (n: string) => f.items.find((i) => i.name === n);
    expect(get('SCX_KICK_WAIT')).toMatchObject({ kind: 'macro', startLine: 4, endLine: 4 });
    expect(get('scx_call')).toMatchObject({ kind: 'macro', startLine: 5, signature: 'scx_call(sch, op, args...)' });
    expect(get('scx_kick_pseqs')).toMatchObject({ kind: 'struct', startLine: 7, endLine: 10 });
    expect(f.items.find((i) => i.name === 'scx_kick_pseqs' && i.kind === 'global')).toMatchObject({ definedBy: 'DEFINE_PER_CPU', startLine: 12 });
    expect(get('scx_watchdog_timeout')).toMatchObject({ kind: 'global', startLine: 13, isStatic: true });
    expect(get('bpf_sched_ext_ops')).toMatchObject({ kind: 'global', structType: 'bpf_struct_ops', startLine: 40, endLine: 43 });
  });

  it('records calls with their enclosing function, including calls in macro bodies', () => {
    const f = parser.parse(KERNEL);
    const calls = f.calls.filter((c) => c.callee === 'scx_enable');
    expect(calls.map((c) => [c.caller, c.line])).toEqual([
      ['bpf_scx_reg', 37],
      ['sched_thing', 52],
    ]);
    expect(f.calls.find((c) => c.callee === 'kick_one')).toMatchObject({ caller: 'kick_cpus_irq_workfn', line: 26, via: 'direct' });
    expect(f.calls.find((c) => c.callee === 'note_call')).toMatchObject({ caller: 'scx_call', callerKind: 'macro', via: 'macro-body' });
    expect(f.calls.find((c) => c.callee === 'SYSCALL_DEFINE3')).toBeUndefined();
  });

  it('records function pointers stored in ops tables and passed to registration calls', () => {
    const f = parser.parse(KERNEL, { refs: new Set(['bpf_scx_reg', 'kick_cpus_irq_workfn', 'old_style']) });
    expect(f.refs.find((r) => r.name === 'bpf_scx_reg')).toMatchObject({
      context: 'initializer',
      field: 'reg',
      structType: 'bpf_struct_ops',
      variable: 'bpf_sched_ext_ops',
      line: 41,
    });
    expect(f.refs.find((r) => r.name === 'kick_cpus_irq_workfn')).toMatchObject({
      context: 'argument',
      target: 'init_irq_work',
      argIndex: 1,
      enclosing: 'init_sched_ext_class',
      line: 47,
    });
    // definitions are not uses
    expect(f.refs.filter((r) => r.name === 'old_style')).toEqual([]);
  });

  it('parses only the regions around lines of interest, with the same answers', () => {
    const whole = parser.parse(KERNEL);
    const part = parser.parse(KERNEL, { lines: [37, 47] });
    expect(part.parsed.length).toBe(2);
    expect(itemAt(part.items, 37)?.name).toBe('bpf_scx_reg');
    expect(itemAt(part.items, 47)?.name).toBe('init_sched_ext_class');
    for (const l of [37, 47]) expect(itemAt(part.items, l)).toEqual(itemAt(whole.items, l));
    expect(part.items.length).toBeLessThan(whole.items.length);
  });

  it('handles static inline functions in headers and DPDK constructors', () => {
    const h = `#ifndef _RTE_FOO_H_
#define _RTE_FOO_H_
#ifdef __cplusplus
extern "C" {
#endif

/**
 * Free a packet mbuf back into its original mempool.
 */
static __rte_always_inline void
rte_foo_free(struct rte_mbuf *m)
{
	rte_foo_free_seg(m);
}

__rte_experimental
int rte_foo_api(int x);

RTE_INIT(foo_init_log)
{
	foo_logtype = rte_log_register("foo");
}

#ifdef __cplusplus
}
#endif
#endif
`;
    const f = parser.parse(h);
    expect(f.items.find((i) => i.name === 'rte_foo_free')).toMatchObject({
      kind: 'function',
      isStatic: true,
      isInline: true,
      startLine: 10,
      endLine: 14,
      attributes: ['__rte_always_inline'],
    });
    expect(f.items.find((i) => i.name === 'rte_foo_api')).toMatchObject({ kind: 'prototype', startLine: 17 });
    expect(f.items.find((i) => i.name === 'foo_init_log')).toMatchObject({ kind: 'function', definedBy: 'RTE_INIT', startLine: 19, endLine: 22 });
    expect(f.calls.find((c) => c.callee === 'rte_log_register')?.caller).toBe('foo_init_log');
  });
});
