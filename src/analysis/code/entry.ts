/**
 * What makes a function an entry point: how it is defined (SYSCALL_DEFINE*, RTE_INIT, `__init`), how it
 * is exported (EXPORT_SYMBOL, DPDK's version.map), and where it is registered (an ops table, INIT_WORK,
 * init_irq_work, timer_setup, request_irq, module_init, pthread_create, ...).
 */
import type { CItem, CRef } from './types.js';

export type EntryKind =
  | 'syscall'
  | 'init'
  | 'exit'
  | 'irq-handler'
  | 'work'
  | 'irq-work'
  | 'timer'
  | 'tasklet'
  | 'rcu-callback'
  | 'thread'
  | 'ops'
  | 'exported'
  | 'bpf-helper'
  | 'main'
  | 'callback';

/** Registration functions and macros: the callee's argument becomes a callback of this kind. */
const REGISTRARS: ReadonlyArray<[EntryKind, readonly string[]]> = [
  [
    'work',
    [
      'INIT_WORK',
      'INIT_DELAYED_WORK',
      'INIT_DEFERRABLE_WORK',
      'INIT_RCU_WORK',
      '__INIT_WORK',
      'INIT_WORK_ONSTACK',
      'INIT_DELAYED_WORK_ONSTACK',
      'DECLARE_WORK',
      'DECLARE_DELAYED_WORK',
      'DECLARE_DEFERRABLE_WORK',
      'kthread_init_work',
      'kthread_init_delayed_work',
      '__WORK_INITIALIZER',
      '__DELAYED_WORK_INITIALIZER',
      'KTHREAD_WORK_INIT',
      'DEFINE_KTHREAD_WORK',
    ],
  ],
  ['irq-work', ['init_irq_work', 'IRQ_WORK_INIT', 'IRQ_WORK_INIT_HARD', 'IRQ_WORK_INIT_LAZY', 'DEFINE_IRQ_WORK', '__IRQ_WORK_INIT']],
  [
    'timer',
    [
      'timer_setup',
      'setup_timer',
      'DEFINE_TIMER',
      'hrtimer_setup',
      'hrtimer_init',
      'timer_setup_on_stack',
      'setup_deferrable_timer',
      '__TIMER_INITIALIZER',
      'rte_eal_alarm_set',
      'rte_timer_reset',
      'rte_timer_reset_sync',
      'timer_new_ns',
      'timer_new_ms',
      'timer_new_us',
      'timer_init',
    ],
  ],
  ['tasklet', ['tasklet_init', 'tasklet_setup', 'DECLARE_TASKLET', 'DECLARE_TASKLET_OLD', 'DECLARE_TASKLET_DISABLED', 'tasklet_hrtimer_init']],
  [
    'irq-handler',
    [
      'request_irq',
      'request_threaded_irq',
      'devm_request_irq',
      'devm_request_threaded_irq',
      'request_percpu_irq',
      'request_any_context_irq',
      'request_nmi',
      'rte_intr_callback_register',
      'rte_intr_callback_register_pending',
      'rte_intr_ack',
    ],
  ],
  ['rcu-callback', ['call_rcu', 'call_rcu_hurry', 'call_srcu', 'call_rcu_tasks', 'call_rcu_tasks_trace']],
  [
    'thread',
    [
      'kthread_run',
      'kthread_create',
      'kthread_create_on_node',
      'kthread_create_on_cpu',
      'kthread_run_on_cpu',
      'kthread_create_worker',
      'pthread_create',
      'rte_ctrl_thread_create',
      'rte_thread_create',
      'rte_thread_create_control',
      'rte_thread_create_internal_control',
      'rte_eal_remote_launch',
      'rte_eal_mp_remote_launch',
      'qemu_thread_create',
      'thrd_create',
    ],
  ],
  [
    'init',
    [
      'module_init',
      'late_initcall',
      'late_initcall_sync',
      'subsys_initcall',
      'subsys_initcall_sync',
      'fs_initcall',
      'fs_initcall_sync',
      'rootfs_initcall',
      'device_initcall',
      'device_initcall_sync',
      'arch_initcall',
      'arch_initcall_sync',
      'core_initcall',
      'core_initcall_sync',
      'postcore_initcall',
      'postcore_initcall_sync',
      'early_initcall',
      'pure_initcall',
      'console_initcall',
      'security_initcall',
      '__initcall',
      'module_driver',
      'type_init',
      'block_init',
      'opts_init',
      'trace_init',
      'module_pci_driver',
      '__initcall_fn',
    ],
  ],
  ['exit', ['module_exit', '__exitcall', 'RTE_FINI', 'RTE_FINI_PRIO']],
  [
    'callback',
    [
      'rte_mp_action_register',
      'rte_mp_request_async',
      'rte_telemetry_register_cmd',
      'rte_eth_dev_callback_register',
      'rte_dev_event_callback_register',
      'rte_mem_event_callback_register',
      'atomic_notifier_chain_register',
      'blocking_notifier_chain_register',
      'register_reboot_notifier',
      'qemu_bh_new',
      'aio_bh_new',
      'qemu_set_fd_handler',
      'register_trace_event',
      'signal',
      'sigaction',
      'atexit',
    ],
  ],
];

const BY_NAME = new Map<string, EntryKind>();
for (const [kind, names] of REGISTRARS) for (const n of names) BY_NAME.set(n, kind);

/** Ops-table fields that name a more specific kind than "ops". */
const FIELD_KINDS: ReadonlyArray<[RegExp, EntryKind]> = [
  [/^(function|func)$/, 'callback'],
  [/^(probe|remove|init|exit|setup)$/, 'ops'],
];

export interface EntryTag {
  kind: EntryKind;
  /** How we know, in words: `init_irq_work() in init_sched_ext_class()`, `.dev_configure of struct eth_dev_ops`. */
  how: string;
  path: string;
  line: number;
}

/** Entry-point tags that a definition itself carries. */
export function entryFromDefinition(def: CItem, path: string): EntryTag[] {
  const out: EntryTag[] = [];
  const at = { path, line: def.startLine };
  const by = def.definedBy ?? '';
  if (/^(COMPAT_)?SYSCALL_DEFINE/.test(by)) out.push({ kind: 'syscall', how: `defined by ${by}()`, ...at });
  else if (/^RTE_INIT/.test(by)) out.push({ kind: 'init', how: `${by}() constructor`, ...at });
  else if (/^RTE_FINI/.test(by)) out.push({ kind: 'exit', how: `${by}() destructor`, ...at });
  else if (/^BPF_CALL_/.test(by)) out.push({ kind: 'bpf-helper', how: `defined by ${by}()`, ...at });
  if (def.attributes?.some((a) => a === '__init' || a === '__net_init' || a === '__meminit')) out.push({ kind: 'init', how: 'marked __init', ...at });
  if (def.attributes?.some((a) => a === '__exit' || a === '__net_exit')) out.push({ kind: 'exit', how: 'marked __exit', ...at });
  if (def.name === 'main' && !def.isStatic) out.push({ kind: 'main', how: 'program entry main()', ...at });
  return out;
}

/** What a use of a function as a value (not a call) registers it as, or null for a plain use. */
export function entryFromRef(ref: CRef, path: string): EntryTag | null {
  const at = { path, line: ref.line };
  const where = ref.enclosing ? ` in ${ref.enclosing}${ref.enclosingKind === 'function' ? '()' : ''}` : '';
  if (ref.context === 'argument' || ref.context === 'macro-arg') {
    const t = ref.target ?? '';
    const k = BY_NAME.get(t);
    if (k) return { kind: k, how: `${t}()${where}`, ...at };
    // X(name) tables (X-macros) list names; they register nothing.
    if (/^[A-Z]$/.test(t)) return null;
    if (ref.context === 'macro-arg' || /^[A-Z]/.test(t)) return { kind: 'callback', how: `passed to ${t}()${where}`, ...at };
    return { kind: 'callback', how: `passed to ${t}()${where}`, ...at };
  }
  if (ref.context === 'initializer') {
    if (ref.field) {
      const fk = FIELD_KINDS.find(([re]) => re.test(ref.field ?? ''))?.[1] ?? 'ops';
      const of = ref.structType ? ` of struct ${ref.structType}` : '';
      const v = ref.variable ? ` ${ref.variable}` : '';
      return { kind: fk, how: `.${ref.field}${of}${v}`, ...at };
    }
    return { kind: 'ops', how: `in the initializer of ${ref.variable ?? ref.enclosing ?? '?'}`, ...at };
  }
  if (ref.context === 'assignment') {
    const k: EntryKind = ref.field === 'function' ? 'timer' : 'ops';
    return { kind: k, how: `assigned to ${ref.target ?? '?'}${where}`, ...at };
  }
  if (ref.context === 'return') return { kind: 'callback', how: `returned as a pointer${where}`, ...at };
  return null;
}

/** Tags for an export mark (EXPORT_SYMBOL...) or a version-script line. */
export function entryFromExport(macro: string, path: string, line: number): EntryTag {
  return { kind: 'exported', how: macro, path, line };
}
