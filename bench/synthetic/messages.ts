/**
 * Kernel-like commit messages: `prefix: verb object` subjects (bug words for fixes), a body paragraph
 * wrapped at 72 columns (now and then with a KASAN splat), and the trailer block in the order the kernel
 * usually has it. Fixes: and Cc: stable lines are made by the caller, which knows the real target shas.
 */
import { field, identifier, noun } from './content.js';
import { LKP, type Person } from './people.js';
import type { Rng } from './prng.js';
import type { Component } from './universe.js';

const BUG_SUBJECTS = [
  'fix NULL pointer dereference in {fn}()',
  'fix use-after-free in {fn}()',
  'fix slab-use-after-free in {fn}()',
  'fix memory leak in {fn}()',
  'fix refcount leak in {fn}()',
  'fix {obj} leak on error path',
  'fix race between {fn}() and {fn2}()',
  'fix race condition in {fn}()',
  'fix deadlock in {fn}()',
  'fix possible deadlock on {obj}->lock',
  'fix ABBA deadlock between {fn}() and {fn2}()',
  'fix integer overflow in {fn}()',
  'fix buffer overflow in {fn}()',
  'fix out-of-bounds access in {fn}()',
  'fix off-by-one in {fn}()',
  'fix double free in {fn}()',
  'fix error handling in {fn}()',
  'fix missing unlock in {fn}() error path',
  'avoid NULL pointer dereference when {obj} is not set',
  'prevent use-after-free of {obj} after {fn}()',
  'fix data race on {obj}->{field}',
  'fix uninitialized {field} in {fn}()',
  'fix incorrect {field} calculation',
  'fix WARN_ON in {fn}()',
  'fix soft lockup in {fn}()',
  'fix potential overflow of {obj}->{field}',
  "don't leak {obj} on {fn}() failure",
  'correct {field} check in {fn}()',
  'fix hang in {fn}()',
  'fix regression in {fn}()',
  'fix memory leak of {obj} in {fn}()',
  'fix use-after-free on {obj} removal',
  'fix {field} overflow in {fn}()',
];

const FEATURE_SUBJECTS = [
  'add support for {dev}',
  'add {field} support to {fn}()',
  'introduce {fn}()',
  'convert to platform remove callback returning void',
  'use {api} in {fn}()',
  'remove unused {field} from struct {struct}',
  'use {api} instead of open-coding it',
  'clean up {fn}()',
  'simplify {fn}()',
  'refactor {obj} handling',
  'rename {fn}() to {fn2}()',
  'make {fn}() static',
  'drop redundant {field} check',
  'constify struct {struct}',
  'document {field} in struct {struct}',
  'add missing kernel-doc for {fn}()',
  'improve {obj} allocation performance',
  'export {fn}()',
  'move {fn}() to a header',
  'replace open-coded {obj} lookup with {api}',
  'implement {field} offload',
  'enable {dev} by default',
  'add tracepoint for {fn}()',
  'split {fn}() into helpers',
  'reorder struct {struct} to reduce padding',
  'switch to {api}',
  'annotate struct {struct} with __counted_by',
  'update {field} defaults',
  'add {dev} compatible',
  'support {field} in {fn}()',
  'add {obj} statistics',
  'use guard() in {fn}()',
  'remove dead code in {fn}()',
  'add debugfs entry for {obj}',
  'convert {obj} to xarray',
  'prepare {fn}() for {dev}',
];

const APIS = [
  'devm_kcalloc()',
  'guard(mutex)',
  'scoped_guard()',
  'dev_err_probe()',
  'sysfs_emit()',
  'kvmalloc()',
  'refcount_t',
  'the folio API',
  'min_t()',
  'array_size()',
  'strscpy()',
  'kmemdup_array()',
  'FIELD_PREP()',
  'BIT()',
  'devm_clk_get_enabled()',
  'pm_runtime_resume_and_get()',
  'of_property_read_u32()',
  'platform_get_irq()',
  'list_first_entry_or_null()',
  'struct_size()',
];
const DEVICES = [
  'RTL8125',
  'MT7996',
  'AX210',
  'SM8650',
  'RK3588',
  'i.MX95',
  'JH7110',
  'X1E80100',
  'QCA6390',
  'BCM4389',
  'CS42L43',
  'TAS2781',
  'BQ25890',
  'ADXL380',
  'IMX519',
  'OV5675',
  'LAN8814',
  'KSZ9477',
  'TI AM62',
  'Zen 5',
  'Lunar Lake',
  'Arrow Lake',
];
const TASKS = ['syz-executor', 'kworker/u8:3', 'modprobe', 'systemd-udevd', 'ip', 'ethtool', 'fio', 'stress-ng', 'repro'];

function fill(rng: Rng, tpl: string, comp: Component): string {
  return tpl.replace(/\{(\w+)\}/g, (_m, k: string) => {
    switch (k) {
      case 'fn':
      case 'fn2':
        return identifier(rng, comp.stem);
      case 'obj':
        return noun(rng);
      case 'field':
        return field(rng);
      case 'struct':
        return `${comp.stem}_${noun(rng)}`;
      case 'api':
        return rng.pick(APIS);
      case 'dev':
        return rng.pick(DEVICES);
      case 'bugkind':
        return rng.pick(['a use-after-free', 'a NULL pointer dereference', 'a memory leak', 'a deadlock', 'a data race', 'an out-of-bounds read']);
      case 'ctx':
        return rng.pick(['interrupt', 'workqueue', 'RCU callback', 'softirq', 'ioctl', 'sysfs', 'teardown']);
      case 'verb':
        return rng.pick(['probe', 'open', 'reset', 'resume', 'reconfiguration', 'hot-unplug']);
      case 'hex':
        return rng.hex(3);
      case 'n':
        return String(rng.range(2, 64));
      default:
        return k;
    }
  });
}

export function subject(rng: Rng, comp: Component, bug: boolean): string {
  return `${comp.prefix}${comp.sep}${fill(rng, rng.pick(bug ? BUG_SUBJECTS : FEATURE_SUBJECTS), comp)}`;
}

const BUG_SENTENCES = [
  'When {fn}() fails, {obj} is freed but {fn2}() still dereferences it, which leads to {bugkind}.',
  '{fn}() can run concurrently with {fn2}() from the {ctx} path, so {obj}->{field} may change under us.',
  'syzbot reported {bugkind} in {fn}() triggered by a crafted {obj}.',
  'The error path of {fn}() forgets to release {obj}, leaking it on every failed {verb}.',
  'If {obj}->{field} is zero, the loop in {fn}() never terminates.',
  '{fn2}() may return NULL when the {obj} is gone, but the caller does not check for it.',
  'The {field} value comes from the device and is not validated before it is used as an index.',
  'Commit ordering between {fn}() and the {ctx} handler is not guaranteed on weakly ordered architectures.',
];
const FIX_SENTENCES = [
  'Fix this by taking {obj}->lock before reading {field}.',
  'Fix it by checking the return value of {fn2}() and bailing out early.',
  'Move the call to {fn2}() after {obj} is fully initialized.',
  'Add the missing put in the error path.',
  'Use READ_ONCE()/WRITE_ONCE() to annotate the racy accesses.',
  'Validate {field} against the size of the table first.',
  'Free {obj} only after the last user is gone.',
  'Found by code review.',
  'Found by static analysis (smatch).',
  'Found by Linux Verification Center (linuxtesting.org) with SVACE.',
];
const FEATURE_SENTENCES = [
  'Add support for the {dev} found on recent boards.',
  'Use {api} to simplify the code and make it more robust.',
  'No functional change intended.',
  'This prepares for the upcoming {dev} support.',
  'The {field} member of struct {struct} is never used, remove it.',
  'Convert {fn}() to {api}, which handles the error path for us.',
  'Tested on a {dev} board with {n} queues.',
  'This reduces the size of the object by {n} bytes.',
  'The helper is used by {fn}() and {fn2}() in the next patches.',
  'Keep the old behaviour for devices that lack {field}.',
];

function wrap(text: string): string {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > 72) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out.join('\n');
}

function splat(rng: Rng, comp: Component): string {
  const fn = identifier(rng, comp.stem);
  const lines = [
    `BUG: KASAN: slab-use-after-free in ${fn}+0x${rng.hex(3)}/0x${rng.hex(3)}`,
    `Read of size ${rng.pick(['4', '8'])} at addr ffff${rng.hex(12)} by task ${rng.pick(TASKS)}/${rng.range(100, 30000)}`,
    '',
    'Call Trace:',
    ' <TASK>',
    ` dump_stack_lvl+0x${rng.hex(2)}/0x${rng.hex(3)}`,
    ` ${identifier(rng, comp.stem)}+0x${rng.hex(3)}/0x${rng.hex(3)}`,
    ` ${identifier(rng, comp.stem)}+0x${rng.hex(2)}/0x${rng.hex(3)}`,
    ' </TASK>',
  ];
  return lines.join('\n');
}

/** One or two body paragraphs, plus a splat for some fixes. */
export function body(rng: Rng, comp: Component, bug: boolean): string {
  const paras: string[] = [];
  const n = rng.range(1, 3);
  const s: string[] = [];
  for (let i = 0; i < n; i++) s.push(fill(rng, rng.pick(bug ? BUG_SENTENCES : FEATURE_SENTENCES), comp));
  paras.push(wrap(s.join(' ')));
  if (bug && rng.chance(0.12)) paras.push(splat(rng, comp));
  if (bug) paras.push(wrap(fill(rng, rng.pick(FIX_SENTENCES), comp)));
  else if (rng.chance(0.3)) paras.push(wrap(fill(rng, rng.pick(FEATURE_SENTENCES), comp)));
  return paras.join('\n\n');
}

export function revertReason(rng: Rng): string {
  return rng.pick([
    'It causes a regression on several boards and the fix is not straightforward, so revert it for now.',
    'This breaks suspend/resume on some machines.',
    'The change introduced a boot hang reported by multiple users.',
    'It turned out to be wrong: the lock is already held by the caller.',
    'Revert it until a proper fix is ready.',
  ]);
}

function stamp(t: number): string {
  const d = new Date(t * 1000);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function emailOf(ident: string): string {
  const lt = ident.indexOf('<');
  return ident.slice(lt + 1, ident.length - 1);
}

export interface TrailerInput {
  author: Person;
  /** Who else signs off after the author (sub-maintainer, maintainer). */
  chain: readonly Person[];
  fixes: readonly string[];
  /** The full `Cc: stable...` line, or null. */
  ccStable: string | null;
  bug: boolean;
  time: number;
}

/** The trailer block, kernel-ordered, with kernel-like frequencies. */
export function trailers(rng: Rng, people: readonly Person[], t: TrailerInput): string[] {
  const out: string[] = [...t.fixes];
  const person = (): string => rng.pick(people).ident;
  if (rng.chance(t.bug ? 0.22 : 0.03)) {
    const r = rng.next();
    if (r < 0.3) {
      out.push(`Reported-by: ${LKP}`);
      if (rng.chance(0.6)) out.push(`Closes: https://lore.kernel.org/oe-kbuild-all/${stamp(t.time).slice(0, 12)}.${rng.alnum(8)}-lkp@intel.com/`);
    } else if (r < 0.55) {
      const id = rng.hex(20);
      out.push(`Reported-by: syzbot+${id}@syzkaller.appspotmail.com`);
      if (rng.chance(0.7)) out.push(`Closes: https://syzkaller.appspot.com/bug?extid=${id}`);
    } else {
      out.push(`Reported-by: ${person()}`);
      if (rng.chance(0.35)) {
        out.push(
          rng.chance(0.5)
            ? `Closes: https://bugzilla.kernel.org/show_bug.cgi?id=${rng.range(200000, 219999)}`
            : `Closes: https://lore.kernel.org/r/${rng.hex(16)}@${rng.pick(['mail.gmail.com', 'redhat.com', 'suse.de'])}/`,
        );
      }
    }
  }
  if (rng.chance(0.03)) out.push(`Suggested-by: ${person()}`);
  if (rng.chance(0.025)) {
    const co = rng.pick(people);
    out.push(`Co-developed-by: ${co.ident}`, `Signed-off-by: ${co.ident}`);
  }
  out.push(`Signed-off-by: ${t.author.ident}`);
  if (rng.chance(0.35)) {
    const n = rng.chance(0.7) ? 1 : rng.chance(0.7) ? 2 : 3;
    for (let i = 0; i < n; i++) out.push(`Reviewed-by: ${person()}`);
  }
  if (rng.chance(0.12)) out.push(`Acked-by: ${person()}`);
  if (rng.chance(0.08)) out.push(`Tested-by: ${person()}`);
  if (rng.chance(0.08)) out.push(`Cc: ${person()}`);
  if (t.ccStable) out.push(t.ccStable);
  if (rng.chance(0.45)) out.push(`Link: https://lore.kernel.org/r/${stamp(t.time)}.${rng.range(1000, 99999)}-${rng.range(1, 12)}-${emailOf(t.author.ident)}`);
  for (const p of t.chain) if (p !== t.author) out.push(`Signed-off-by: ${p.ident}`);
  return out;
}
