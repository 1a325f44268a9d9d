/**
 * Blanking attribute macros before parsing. Kernel and DPDK sources put macros such as `__init`,
 * `__rcu` or `__rte_experimental` where the C grammar expects nothing, and tree-sitter then misreads the
 * definition around them. Each such token is replaced by spaces of the same length (newlines kept), so
 * every line and column of the blanked text is the line and column of the original.
 */
import type { CExportMark } from './types.js';

/** Attribute-like macros that take no arguments. */
const BARE = [
  // kernel
  '__init',
  '__exit',
  '__initdata',
  '__initconst',
  '__exitdata',
  '__init_or_module',
  '__meminit',
  '__ref',
  '__refdata',
  '__devinit',
  '__devexit',
  '__cpuinit',
  '__rcu',
  '__percpu',
  '__user',
  '__iomem',
  '__kernel',
  '__force',
  '__bitwise',
  '__safe',
  '__nocast',
  '__private',
  '__data_racy',
  '__always_inline',
  '__must_check',
  'asmlinkage',
  'notrace',
  '__cold',
  '__hot',
  '__maybe_unused',
  '__always_unused',
  '__used',
  '__read_mostly',
  '__ro_after_init',
  'noinline',
  'noinline_for_stack',
  '__noinline',
  '__visible',
  '__weak',
  '__pure',
  '__attribute_const__',
  '__malloc',
  '__noreturn',
  '__naked',
  '__latent_entropy',
  '__randomize_layout',
  '__no_randomize_layout',
  '__designated_init',
  '__packed',
  '__cacheline_aligned',
  '__cacheline_aligned_in_smp',
  '____cacheline_aligned',
  '____cacheline_aligned_in_smp',
  '____cacheline_internodealigned_in_smp',
  '__page_aligned_data',
  '__page_aligned_bss',
  '__sched',
  '__lockfunc',
  '__irq_entry',
  '__softirq_entry',
  '__kprobes',
  'nokprobe_inline',
  'noinstr',
  '__cpuidle',
  '__flatten',
  '__nonstring',
  '__nocfi',
  '__noclone',
  '__no_kcsan',
  '__no_sanitize_address',
  '__bpf_kfunc',
  '__net_init',
  '__net_exit',
  '__net_initdata',
  '__kfunc',
  '__ksym',
  '__weak_ref',
  '__mustcheck',
  '__inline_maybe_unused',
  '__always_used',
  '__noscs',
  '__noendbr',
  '__no_stack_protector',
  '__init_memblock',
  '__initdata_memblock',
  '__head',
  '__ref_init',
  '__no_profile',
  '__must_hold_unused',
  // Xen
  '__initdata_cf_clobber',
  '__initconst_cf_clobber',
  '__ro_after_init_cf_clobber',
  '__constructor',
  // DPDK
  '__rte_experimental',
  '__rte_internal',
  '__rte_always_inline',
  '__rte_noinline',
  '__rte_unused',
  '__rte_cold',
  '__rte_hot',
  '__rte_packed',
  '__rte_packed_begin',
  '__rte_packed_end',
  '__rte_cache_aligned',
  '__rte_cache_min_aligned',
  '__rte_deprecated',
  '__rte_weak',
  '__rte_noreturn',
  '__rte_used',
  '__rte_may_alias',
  '__rte_restrict',
  '__rte_mockable',
  '__rte_pure',
  '__rte_malloc',
  '__rte_no_asan',
  '__rte_warn_unused_result',
  '__rte_no_thread_safety_analysis',
  '__rte_lockable',
  '__rte_unlock_function',
  '__rte_shared_lock_function',
  '__rte_exclusive_lock_function',
  '__rte_exclusive_trylock_function',
  '__rte_shared_trylock_function',
  'RTE_STD_C11',
  // QEMU / Xen / generic
  'G_GNUC_UNUSED',
  'G_GNUC_WARN_UNUSED_RESULT',
  'G_NORETURN',
  'QEMU_NORETURN',
  'QEMU_WARN_UNUSED_RESULT',
  'coroutine_fn',
  'coroutine_mixed_fn',
  'no_coroutine_fn',
  'QEMU_ALWAYS_INLINE',
  '__initcall',
  'cf_check',
  // SAL annotations (DPDK's sfc_efx base driver)
  '__in',
  '__out',
  '__inout',
  '__in_opt',
  '__out_opt',
  '__inout_opt',
  '__deref_out',
  '__deref_inout',
  '__checkReturn',
];

/** Attribute-like macros followed by a parenthesised argument list (blanked through the closing paren). */
const CALLED = [
  '__attribute__',
  '__attribute',
  '__declspec',
  '__aligned',
  '__printf',
  '__scanf',
  '__section',
  '__acquires',
  '__releases',
  '__must_hold',
  '__counted_by',
  '__counted_by_le',
  '__counted_by_be',
  '__free',
  '__cleanup',
  '__alloc_size',
  '__assume_aligned',
  '__cond_acquires',
  '__cond_releases',
  '__diag_ignore',
  '__nocapture',
  '__rte_aligned',
  '__rte_format_printf',
  '__rte_deprecated_msg',
  '__rte_alloc_size',
  '__rte_alloc_align',
  '__rte_dealloc',
  '__rte_nonnull',
  '__rte_exclusive_locks_required',
  '__rte_shared_locks_required',
  '__rte_locks_excluded',
  '__rte_guarded_by',
  '__rte_pt_guarded_by',
  '__rte_capability',
  '__rte_acquire_capability',
  '__rte_release_capability',
  '__rte_requires_capability',
  '__rte_section',
  '__rte_assert_capability',
  'G_GNUC_PRINTF',
  'GCC_FMT_ATTR',
  'QEMU_PACKED_ATTR',
  'TSA_REQUIRES',
  'TSA_NO_TSA',
  'TSA_GUARDED_BY',
  '__in_bcount',
  '__in_ecount',
  '__out_bcount',
  '__out_ecount',
  '__inout_bcount',
  '__inout_ecount',
  '__in_bcount_opt',
  '__in_ecount_opt',
  '__out_bcount_opt',
  '__out_ecount_opt',
  '__inout_bcount_opt',
  '__inout_ecount_opt',
  '__out_bcount_part',
  '__out_ecount_part',
  '__out_bcount_part_opt',
  '__deref_out_bcount_opt',
  '__inout_bcount_full_opt',
  '__success',
];

/** Whole-statement macros naming an exported symbol: recorded, then blanked with their `;`. */
const EXPORT_RE = /^[ \t]*((?:EXPORT_SYMBOL|EXPORT_PER_CPU_SYMBOL|EXPORT_TRACEPOINT_SYMBOL|EXPORT_STATIC_CALL|RTE_EXPORT_)\w*)[ \t]*\(([^()\n]*)\)[ \t]*;?/gm;

const TOKEN_RE = new RegExp(`\\b(?:(${BARE.join('|')})\\b|(${CALLED.join('|')})[ \\t]*\\()`, 'g');

export interface BlankedAttribute {
  line: number;
  text: string;
}

export interface BlankResult {
  text: string;
  attributes: BlankedAttribute[];
  exports: CExportMark[];
}

function spaces(s: string): string {
  return s.replace(/[^\n]/g, ' ');
}

/** Replaces attribute macros and export lines by spaces of the same length. */
export function blankAttributes(source: string): BlankResult {
  const attributes: BlankedAttribute[] = [];
  const exports: CExportMark[] = [];
  const lineStarts = lineStartsOf(source);
  const lineAt = (offset: number): number => lineOf(lineStarts, offset);
  const parts: string[] = [];
  let last = 0;
  const cuts: Array<[number, number]> = [];

  for (const m of source.matchAll(EXPORT_RE)) {
    const start = m.index + (m[0].length - m[0].trimStart().length);
    const name = (m[2] ?? '').split(',')[0]?.trim() ?? '';
    if (/^[A-Za-z_]\w*$/.test(name)) exports.push({ name, line: lineAt(start), macro: m[1] ?? '' });
    cuts.push([start, m.index + m[0].length]);
  }
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(source)) !== null) {
    const start = m.index;
    let end = start + m[0].length;
    if (m[2] !== undefined) {
      // blank through the matching parenthesis
      let depth = 1;
      while (end < source.length && depth > 0) {
        const c = source.charCodeAt(end);
        if (c === 40) depth++;
        else if (c === 41) depth--;
        end++;
      }
      TOKEN_RE.lastIndex = end;
    }
    attributes.push({ line: lineAt(start), text: m[1] ?? m[2] ?? '' });
    cuts.push([start, end]);
  }
  if (cuts.length === 0) return { text: source, attributes, exports };
  cuts.sort((a, b) => a[0] - b[0]);
  for (const [s, e] of cuts) {
    if (s < last) continue;
    parts.push(source.slice(last, s), spaces(source.slice(s, e)));
    last = e;
  }
  parts.push(source.slice(last));
  return { text: parts.join(''), attributes, exports };
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

/** 1-based line of a character offset. */
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
