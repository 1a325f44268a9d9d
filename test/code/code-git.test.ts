import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCallers } from '../../src/analysis/code/callers.js';
import { findSymbol, symbolExists } from '../../src/analysis/code/symbols.js';
import { touched } from '../../src/analysis/code/touched.js';
import { codeCommand } from '../../src/cli/commands/code.js';
import { openRepository, type Repository } from '../../src/git/repo.js';
import { runInProcess } from '../helpers/in-process.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';

const EXT_V1 = `#include "ext.h"

static unsigned long __percpu *scx_kick_cpus_pnt_seqs;

static void kick_cpus_irq_workfn(struct irq_work *irq_work)
{
	unsigned long *pseqs = this_cpu_ptr(scx_kick_cpus_pnt_seqs);

	kick_one_cpu(0, pseqs);
}

static int scx_enable(struct sched_ext_ops *ops, struct bpf_link *link)
{
	int ret = 0;

	mutex_lock(&scx_enable_mutex);
	return ret;
}

static int bpf_scx_reg(void *kdata, struct bpf_link *link)
{
	return scx_enable(kdata, link);
}

static struct bpf_struct_ops bpf_sched_ext_ops = {
	.reg = bpf_scx_reg,
	.name = "sched_ext_ops",
};

static int old_helper(int x)
{
	int y = x * 2;

	y += 1;
	return y;
}

int scx_exported(int x)
{
	return old_helper(x);
}
EXPORT_SYMBOL_GPL(scx_exported);

void __init init_sched_ext_class(void)
{
	scx_kick_cpus_pnt_seqs = __alloc_percpu(8, 8);
	BUG_ON(!scx_kick_cpus_pnt_seqs);
	init_irq_work(&rq->scx.kick_cpus_irq_work, kick_cpus_irq_workfn);
}

SYSCALL_DEFINE1(scx_poke, int, x)
{
	return scx_exported(x);
}
`;

// The commit: a new struct, a new function, a modified one, a renamed one, a removed line in init.
const EXT_V2 = `#include "ext.h"

struct scx_kick_pseqs {
	struct rcu_head		rcu;
	unsigned long		seqs[];
};

static DEFINE_PER_CPU(struct scx_kick_pseqs __rcu *, scx_kick_pseqs);

static void kick_cpus_irq_workfn(struct irq_work *irq_work)
{
	struct scx_kick_pseqs __rcu *pseqs_pcpu = __this_cpu_read(scx_kick_pseqs);
	unsigned long *pseqs;

	if (unlikely(!pseqs_pcpu))
		return;
	pseqs = rcu_dereference_bh(pseqs_pcpu)->seqs;
	kick_one_cpu(0, pseqs);
}

static int alloc_kick_pseqs(void)
{
	return 0;
}

static int scx_enable(struct sched_ext_ops *ops, struct bpf_link *link)
{
	int ret = 0;

	mutex_lock(&scx_enable_mutex);
	ret = alloc_kick_pseqs();
	return ret;
}

static int bpf_scx_reg(void *kdata, struct bpf_link *link)
{
	return scx_enable(kdata, link);
}

static struct bpf_struct_ops bpf_sched_ext_ops = {
	.reg = bpf_scx_reg,
	.name = "sched_ext_ops",
};

static int new_helper(int x)
{
	int y = x * 2;

	y += 1;
	return y;
}

int scx_exported(int x)
{
	return new_helper(x);
}
EXPORT_SYMBOL_GPL(scx_exported);

void __init init_sched_ext_class(void)
{
	init_irq_work(&rq->scx.kick_cpus_irq_work, kick_cpus_irq_workfn);
}

SYSCALL_DEFINE1(scx_poke, int, x)
{
	return scx_exported(x);
}
`;

const HEADER = `#ifndef EXT_H
#define EXT_H
#define SCX_OPS_NAME_LEN 128
static inline int scx_inline_helper(int a)
{
	return a + 1;
}
#endif
`;

// Another file with its own static function of the same name: not a caller of ext.c's scx_enable.
const OTHER = `#include "ext.h"

static int scx_enable(int a)
{
	return a;
}

static int other_user(void)
{
	/* scx_enable() is mentioned in a comment */
	const char *s = "scx_enable";
	return scx_enable(scx_inline_helper(1));
}
`;

let repo: RepoBuilder;
let target: Repository;
let v1: string;
let v2: string;
let before: RepoStateSnapshot;

beforeAll(async () => {
  repo = makeRepo();
  v1 = repo.commit('sched_ext: first', { 'kernel/sched/ext.c': EXT_V1, 'kernel/sched/ext.h': HEADER, 'kernel/other.c': OTHER, README: 'hello\n' });
  v2 = repo.commit('sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily', { 'kernel/sched/ext.c': EXT_V2, README: 'hello\nworld\n' });
  target = await openRepository(repo.dir);
  before = snapshotRepoState(repo.dir);
});

afterAll(() => {
  expectRepoUnchanged(repo.dir, before); // nothing was written to the repository
  repo.cleanup();
});

describe('touched', () => {
  it('maps every hunk to the item it sits in, at the parent and at the commit', async () => {
    const r = await touched(target, v2);
    expect(r.sha).toBe(v2);
    expect(r.parent).toBe(v1);
    const by = (name: string | null, kind?: string) => r.items.find((i) => i.name === name && (!kind || i.kind === kind));
    expect(by('kick_cpus_irq_workfn')).toMatchObject({
      change: 'modified',
      kind: 'function',
      path: 'kernel/sched/ext.c',
      isStatic: true,
      after: { startLine: 10, endLine: 19 },
      before: { startLine: 5, endLine: 10 },
    });
    expect(by('scx_enable')).toMatchObject({ change: 'modified', linesAdded: 1, linesRemoved: 0 });
    expect(by('alloc_kick_pseqs')).toMatchObject({ change: 'added', linesAdded: 4, after: { startLine: 21, endLine: 24 } });
    expect(by('scx_kick_pseqs', 'struct')).toMatchObject({ change: 'added' });
    expect(by('scx_kick_pseqs', 'global')).toMatchObject({ change: 'added' });
    expect(by('scx_kick_cpus_pnt_seqs', 'global')).toMatchObject({ change: 'removed', linesRemoved: 1 });
    expect(by('init_sched_ext_class')).toMatchObject({ change: 'modified', linesRemoved: 2, linesAdded: 0, attributes: ['__init'] });
    // the rename
    expect(by('new_helper')).toMatchObject({ change: 'added', renamedFrom: 'old_helper' });
    expect(by('old_helper')).toMatchObject({ change: 'removed', renamedTo: 'new_helper' });
    expect(by('scx_exported')).toMatchObject({ change: 'modified', linesAdded: 1, linesRemoved: 1 });
    // untouched functions are not listed
    expect(by('bpf_scx_reg')).toBeUndefined();
    expect(by('scx_poke')).toBeUndefined();
    expect(r.items.find((i) => i.path === 'README')).toMatchObject({ kind: 'file', change: 'modified', linesAdded: 1 });
    expect(r.files.map((f) => f.path).sort()).toEqual(['README', 'kernel/sched/ext.c']);
  });

  it('rejects an unknown revision with a typed error', async () => {
    await expect(touched(target, 'no-such-rev')).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
  });
});

describe('callers', () => {
  it('finds the only caller and the ops-table registration above it', async () => {
    const r = await findCallers(target, 'scx_enable', { rev: v2, depth: 2 });
    // two static functions of that name: one node each, and each keeps only the sites of its own file
    expect(r.root).toEqual(['scx_enable@kernel/other.c', 'scx_enable@kernel/sched/ext.c']);
    expect(r.edges.filter((e) => e.callee === 'scx_enable@kernel/other.c').map((e) => [e.caller, e.line])).toEqual([['other_user@kernel/other.c', 12]]);
    const calls = r.edges.filter((e) => e.callee === 'scx_enable@kernel/sched/ext.c' && e.kind === 'call');
    // other.c has its own static scx_enable: its call does not count, nor do comments and strings
    expect(calls.map((e) => [e.caller, e.path, e.line])).toEqual([['bpf_scx_reg@kernel/sched/ext.c', 'kernel/sched/ext.c', 37]]);
    const reg = r.nodes.find((n) => n.name === 'bpf_scx_reg');
    expect(reg?.entry.map((e) => [e.kind, e.how])).toEqual([['ops', '.reg of struct bpf_struct_ops bpf_sched_ext_ops']]);
    expect(r.chains).toEqual([
      ['scx_enable@kernel/other.c', 'other_user@kernel/other.c'],
      ['scx_enable@kernel/sched/ext.c', 'bpf_scx_reg@kernel/sched/ext.c'],
    ]);
  });

  it('reports an IRQ work callback with no direct caller', async () => {
    const r = await findCallers(target, 'kick_cpus_irq_workfn', { rev: v2 });
    expect(r.edges.filter((e) => e.kind === 'call')).toEqual([]);
    const root = r.nodes.find((n) => n.depth === 0);
    expect(root?.entry).toEqual([{ kind: 'irq-work', how: 'init_irq_work() in init_sched_ext_class()', path: 'kernel/sched/ext.c', line: 61 }]);
  });

  it('walks call chains up to a syscall and says what each entry is', async () => {
    const r = await findCallers(target, 'new_helper', { rev: v2, depth: 4 });
    // the walk stops at the exported function
    expect(r.chains).toEqual([['new_helper@kernel/sched/ext.c', 'scx_exported']]);
    const exported = r.nodes.find((n) => n.name === 'scx_exported');
    expect(exported?.entry.map((e) => e.kind)).toEqual(['exported']);
    // callchain stops at the exported function unless asked not to
    const all = await findCallers(target, 'new_helper', { rev: v2, depth: 4, stopAtEntry: false });
    const poke = all.nodes.find((n) => n.name === 'scx_poke');
    expect(poke?.entry.map((e) => e.kind)).toEqual(['syscall']);
    expect(all.chains).toEqual([['new_helper@kernel/sched/ext.c', 'scx_exported', 'scx_poke']]);
  });

  it('follows static inline functions in headers into every file', async () => {
    const r = await findCallers(target, 'scx_inline_helper', { rev: v2 });
    expect(r.nodes[0]?.definition).toMatchObject({ path: 'kernel/sched/ext.h', startLine: 4, isStatic: true, isInline: true });
    expect(r.edges.filter((e) => e.kind === 'call').map((e) => e.caller)).toEqual(['other_user@kernel/other.c']);
  });

  it('works at an older revision (the function renamed later)', async () => {
    const old = await findCallers(target, 'old_helper', { rev: v1 });
    expect(old.edges.filter((e) => e.kind === 'call').map((e) => e.caller)).toEqual(['scx_exported']);
    const gone = await findCallers(target, 'old_helper', { rev: v2 });
    expect(gone.nodes[0]?.definition).toBeNull();
    expect(gone.edges).toEqual([]);
  });
});

describe('symbols', () => {
  it('says where a symbol is defined at a revision, and whether it exists', async () => {
    const s = await findSymbol(target, 'scx_kick_pseqs', { rev: v2 });
    expect(s.definitions.map((d) => [d.kind, d.path, d.startLine])).toEqual([
      ['struct', 'kernel/sched/ext.c', 3],
      ['global', 'kernel/sched/ext.c', 8],
    ]);
    expect((await symbolExists(target, 'scx_kick_pseqs', { rev: v1 })).exists).toBe(false);
    expect((await symbolExists(target, 'SCX_OPS_NAME_LEN', { rev: v1 })).definitions[0]).toMatchObject({
      kind: 'macro',
      path: 'kernel/sched/ext.h',
      startLine: 3,
      rev: v1,
    });
  });
});

describe('code command', () => {
  const run = (args: string[]): Promise<string> => runInProcess(codeCommand, ['code', ...args, '--repo', repo.dir]);

  it('prints JSON and tables', async () => {
    const fc = JSON.parse(await run(['find-callers', 'scx_enable', '--json'])) as { rev: string; edges: Array<{ caller: string }> };
    expect(fc.rev).toBe(v2);
    expect(fc.edges.map((e) => e.caller)).toContain('bpf_scx_reg@kernel/sched/ext.c');
    const ff = JSON.parse(await run(['find-function', 'scx_exported', '--rev', v1, '--json'])) as { definitions: Array<{ path: string; startLine: number }> };
    expect(ff.definitions).toMatchObject([{ path: 'kernel/sched/ext.c', startLine: 38 }]);
    const t = await run(['touched', v2]);
    expect(t).toMatch(/added\s+function\s+new_helper \(renamed from old_helper\)/);
    const cc = await run(['callchain', 'kick_cpus_irq_workfn']);
    expect(cc).toContain('entry point: irq-work — init_irq_work() in init_sched_ext_class()');
  });

  it('rejects a bad name and a bad depth', async () => {
    await expect(run(['find-callers', 'a-b'])).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(run(['find-callers', 'scx_enable', '--depth', '0'])).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});
