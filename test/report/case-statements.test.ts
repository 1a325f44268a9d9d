/**
 * The bug facts read from a message, and the words of the plain-text case, on sentences taken from real
 * Xen and DPDK commits where an earlier reading was wrong (the seed's own sentence first).
 */
import { describe, expect, it } from 'vitest';
import { entryFromRef } from '../../src/analysis/code/entry.js';
import { bugFacts } from '../../src/report/case/bug-facts.js';
import { changeStory } from '../../src/report/case/change-story.js';
import { reachabilityOf } from '../../src/report/case/code-facts.js';
import { bugStatements, numbersOf, priorityOf } from '../../src/report/case/statements.js';
import { alignedTable, codeLines, wrap } from '../../src/report/case/text.js';

const msg = (body: string): string => `subject: x\n\n${body}\n\nSigned-off-by: A <a@example.org>\n`;

describe('bug statements, numbers and priority from a message', () => {
  it('quotes the seed trigger with its numbers and judges a boot failure HIGH', () => {
    const m = msg(
      'On systems with >4096 CPUs, scx_kick_cpus_pnt_seqs allocation fails during\nboot because it exceeds the 32,768 byte percpu allocator limit.',
    );
    const s = bugStatements(m);
    expect(s).toEqual([
      {
        text: 'On systems with >4096 CPUs, scx_kick_cpus_pnt_seqs allocation fails during boot because it exceeds the 32,768 byte percpu allocator limit.',
        trigger: true,
        effect: 'fails',
      },
    ]);
    expect(numbersOf(m)).toEqual(['>4096 CPUs', '32,768 byte']);
    expect(priorityOf(s, m)).toEqual({ level: 'HIGH', effect: 'boot failure', word: 'fails during boot' });
  });

  it('reads a wrapped line with a colon as prose, not as a trailer', () => {
    const m = msg(
      'When the hardware stalls, the stack calls ndo_tx_timeout, which foo does not\nimplement: the ring keeps its stale descriptors and transmission hangs.',
    );
    expect(bugStatements(m)[0]!.text).toBe(
      'When the hardware stalls, the stack calls ndo_tx_timeout, which foo does not implement: the ring keeps its stale descriptors and transmission hangs.',
    );
  });

  it('takes "a bug in older GCC" for no effect, and gives no priority for a bare "fix"', () => {
    const m = msg('These existed to work around a bug in older GCC when using struct-casting.\nThis patch fixes the matcher disconnection handling.');
    expect(bugStatements(m)).toEqual([]);
    expect(priorityOf([], m)).toBeNull();
  });

  it('does not quote the sentence that says what the patch does as the bug', () => {
    const m = msg(
      "If there is a Device Tree error, cpu_possible_map can end up sparse. To fix this, modify dt_smp_init_cpus() so that if the arch_cpu_init() call fails, we don't consume the slot.",
    );
    expect(bugStatements(m).map((s) => s.text)).toEqual(['If there is a Device Tree error, cpu_possible_map can end up sparse.']);
    expect(bugStatements(msg('In CN9K, clear other data len fields to avoid using stale data.'))).toEqual([]);
  });

  it('calls a NULL dereference a crash, HIGH, before the race that causes it', () => {
    const m = msg('When removing a CPU from a cpupool, a race might happen between schedule_cpu_rm() and csched_timer(), resulting in a NULL dereference.');
    expect(priorityOf(bugStatements(m), m)).toMatchObject({ level: 'HIGH', effect: 'crash' });
  });
});

describe('feature words of the subject', () => {
  const facts = (subject: string) =>
    bugFacts({ sha: 'c'.repeat(40), subject, message: `${subject}\n`, trailers: [] } as unknown as Parameters<typeof bugFacts>[0], {
      sha: 'c'.repeat(40),
      parent: null,
      files: [],
    });
  it('does not take removing a support for adding a feature', () => {
    expect(facts('baseband/acc: remove interrupt support on VRB1').featureWords).toEqual([]);
    expect(facts('net/foo: add Tx timestamp support').featureWords.map((w) => w.word)).toContain('add');
  });
});

describe('registrations and reachability', () => {
  it('takes an X-macro table for no registration', () => {
    const ref = {
      name: 'dm_op',
      line: 63,
      column: 1,
      context: 'macro-arg' as const,
      target: 'X',
      enclosing: 'hypercall_name_table',
      enclosingKind: 'global' as const,
    };
    expect(entryFromRef(ref, 'tools/misc/xenperf.c')).toBeNull();
  });

  it('does not call a program main() user space, and names an __init function once', () => {
    const fn = { name: 'x86_emulate', kind: 'function', change: 'modified' as const, path: 'x.c', line: 1, rev: 'a'.repeat(40), added: 1, removed: 1 };
    const e = (function_: string, kind: string, how: string, path: string) => ({ function: function_, kind, how, path, line: 5, rev: 'a'.repeat(40) });
    const text = reachabilityOf(
      [fn],
      [],
      [
        e('main', 'main', 'program entry main()', 'tools/tests/t.c'),
        e('setup_mm', 'init', 'marked __init', 'xen/arch/arm/mm.c'),
        e('setup_mm', 'init', 'marked __init', 'xen/arch/x86/mm.c'),
        e('sh_page_fault', 'ops', '.page_fault of struct paging_mode sh_paging_mode', 'xen/arch/x86/mm/shadow/multi.c'),
      ],
      2,
    );
    expect(text).not.toMatch(/user space through/);
    expect(text).toContain('from program entry points: main() at tools/tests/t.c:5');
    expect(text.match(/setup_mm\(\)/g)!.length).toBe(1);
    expect(text).toContain('sh_page_fault() is registered as .page_fault of struct paging_mode sh_paging_mode');
    expect(text).not.toContain('reached only through');
  });
});

describe('what the change does, in words', () => {
  const d = (line: number, text: string, rev = 'b'.repeat(40)) => ({ path: 'x.c', line, rev, text });
  const story = changeStory({
    functions: [
      {
        name: 'prep',
        path: 'x.c',
        change: 'modified',
        removed: [],
        added: [d(5, '\tif (ver == REV_B0 ||')],
        callsAdded: [],
        callsRemoved: [],
        patterns: [{ ...d(5, '\tif (ver == REV_B0 ||'), kind: 'state-check', side: 'added', what: 'ver == REV_B0 ||' }],
      },
    ],
    others: [],
    moved: [],
    reordered: [{ function: 'prep', callee: 'memset', removed: d(7, '\tmemset(p, 0, n);', 'a'.repeat(40)), added: d(8, '\t\tmemset(p, 0, n);'), after: null }],
    storage: [],
  });

  it('quotes a guard as its line, not a condition rebuilt from part of it', () => {
    expect(story.changes.map((c) => c.text)).toEqual(['prep() (modified, +1 -0) adds a state check `if (ver == REV_B0 ||` (x.c:5)']);
  });

  it('does not take a struct member access for a bound', async () => {
    const { guardKind } = await import('../../src/analysis/code/change-facts.js');
    expect(guardKind('d->device_variant == VRB1_VARIANT')).toBe('state-check');
    expect(guardKind('idx >= RTE_DIM(tbl)')).toBe('bounds-check');
  });

  it('does not call a call that only moved into a new block a reordering', () => {
    expect(story.changes.some((c) => c.title === 'order')).toBe(false);
  });
});

describe('plain text', () => {
  it('wraps at 72 columns and keeps a long word whole', () => {
    const lines = wrap(`${'word '.repeat(40)}https://lore.kernel.org/r/20251007133523.GA93086@pauld.westford.csb`, 72, '  - ', '    ');
    for (const l of lines.slice(0, -1)) expect(l.length).toBeLessThanOrEqual(72);
    expect(lines[lines.length - 1]).toContain('https://lore.kernel.org/r/20251007133523.GA93086@pauld.westford.csb');
  });

  it('breaks a long code line with a backslash instead of cutting it', () => {
    const text = '\t\tnew_pseqs = kvzalloc_node(struct_size(new_pseqs, seqs, nr_cpu_ids), GFP_KERNEL, cpu_to_node(cpu));';
    const out = codeLines('    +  116  ', text);
    for (const l of out) expect(l.length).toBeLessThanOrEqual(72);
    expect(out[0]!.endsWith(' \\')).toBe(true);
    expect(
      out
        .map((l) => l.replace(/ \\$/, '').trim())
        .join(' ')
        .replace(/^\+\s+116\s+/, ''),
    ).toBe(text.replace(/\t/g, ' ').trim().replace(/\s+/g, ' '));
  });

  it('aligns a table that fits and falls back to blocks when it does not', () => {
    expect(alignedTable(['a', 'bb'], [['x', 'y']])).toEqual(['  a  bb', '  -  --', '  x  y']);
    const wide = alignedTable(['name', 'value'], [['n', 'v'.repeat(80)]], 72);
    expect(wide[0]).toMatch(/^ {2}name: {2}n$/);
  });
});
