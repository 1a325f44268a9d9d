/**
 * Small file contents (6–40 short lines) and the line edits commits make to them. An edit records the
 * lines it removed, so replaying it on a stable branch's copy of the file tells whether the pick applies
 * cleanly, needs its context adapted, or does not apply at all.
 */
import type { Rng } from './prng.js';

export type Lines = readonly string[];

export interface Edit {
  /** Index of the first line touched, in the file as it is when this edit runs. */
  readonly at: number;
  /** Lines removed there (their old text). */
  readonly old: readonly string[];
  readonly ins: readonly string[];
}

type Kind = 'c' | 'h' | 'text' | 'yaml' | 'sh' | 'dts';

function kindOf(path: string): Kind {
  const dot = path.lastIndexOf('.');
  const ext = dot < 0 ? '' : path.slice(dot + 1);
  if (ext === 'c') return 'c';
  if (ext === 'h') return 'h';
  if (ext === 'yaml') return 'yaml';
  if (ext === 'sh') return 'sh';
  if (ext === 'dts' || ext === 'dtsi') return 'dts';
  return 'text';
}

const VERB = [
  'init',
  'probe',
  'remove',
  'open',
  'release',
  'xmit',
  'poll',
  'setup',
  'get_stats',
  'set_config',
  'handle_irq',
  'alloc_buf',
  'free_buf',
  'reset',
  'suspend',
  'resume',
  'read',
  'write',
  'ioctl',
  'flush',
  'sync',
  'update',
  'parse',
  'validate',
  'register',
  'unregister',
  'enable',
  'disable',
  'start',
  'stop',
  'attach',
  'detach',
  'lookup',
  'insert',
];
const NOUN = [
  'dev',
  'priv',
  'ctx',
  'ring',
  'queue',
  'desc',
  'skb',
  'req',
  'cmd',
  'buf',
  'entry',
  'node',
  'port',
  'chan',
  'info',
  'cfg',
  'state',
  'inode',
  'page',
  'folio',
  'sk',
  'work',
  'timer',
  'vma',
  'bio',
  'map',
  'fw',
  'msg',
  'tbl',
];
const FIELD = ['flags', 'count', 'len', 'size', 'head', 'tail', 'state', 'refcnt', 'lock', 'index', 'mask', 'offset', 'id', 'mode'];

export function identifier(rng: Rng, stem: string): string {
  return `${stem}_${rng.pick(VERB)}`;
}

export function noun(rng: Rng): string {
  return rng.pick(NOUN);
}

export function field(rng: Rng): string {
  return rng.pick(FIELD);
}

function cLine(rng: Rng, stem: string): string {
  const n = rng.pick(NOUN);
  switch (rng.int(10)) {
    case 0:
      return `\tret = ${stem}_${rng.pick(VERB)}(${n}, ${rng.int(4096)});`;
    case 1:
      return `\tif (!${n}->${rng.pick(FIELD)})`;
    case 2:
      return `\t\treturn -E${rng.pick(['INVAL', 'NOMEM', 'BUSY', 'IO', 'NODEV', 'AGAIN', 'TIMEDOUT', 'OPNOTSUPP'])};`;
    case 3:
      return `\t${n}->${rng.pick(FIELD)} = ${rng.int(1 << 16)};`;
    case 4:
      return `static int ${stem}_${rng.pick(VERB)}_${n}(struct ${stem}_${n} *${n}, u32 v${rng.int(100)})`;
    case 5:
      return `\tspin_${rng.chance(0.5) ? 'lock' : 'unlock'}(&${n}->lock); /* ${rng.int(1000)} */`;
    case 6:
      return `\tkfree(${n}->${rng.pick(FIELD)}); /* ${rng.int(1000)} */`;
    case 7:
      return `\tWRITE_ONCE(${n}->${rng.pick(FIELD)}, ${rng.int(256)});`;
    case 8:
      return `\tdev_dbg(dev, "${rng.pick(VERB)} ${n} %d\\n", ${rng.int(64)});`;
    default:
      return `\t${n} = ${stem}_get_${n}(priv, ${rng.int(512)});`;
  }
}

function hLine(rng: Rng, stem: string): string {
  const up = stem.toUpperCase();
  switch (rng.int(3)) {
    case 0:
      return `#define ${up}_${rng.pick(FIELD).toUpperCase()}_${rng.int(64)}\t0x${rng.hex(4)}`;
    case 1:
      return `int ${stem}_${rng.pick(VERB)}(struct ${stem}_${rng.pick(NOUN)} *p, int v${rng.int(50)});`;
    default:
      return `\tu${rng.pick(['8', '16', '32', '64'])} ${rng.pick(FIELD)}${rng.int(100)};`;
  }
}

const WORDS = [
  'the',
  'device',
  'driver',
  'queue',
  'is',
  'when',
  'each',
  'value',
  'must',
  'be',
  'set',
  'before',
  'after',
  'reset',
  'buffer',
  'returns',
  'zero',
  'on',
  'success',
  'error',
  'kernel',
  'user',
  'space',
  'lock',
  'held',
  'interrupt',
];

function textLine(rng: Rng): string {
  const n = rng.range(4, 9);
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(rng.pick(WORDS));
  return `${w.join(' ')} ${rng.int(1000)}.`;
}

function newLine(rng: Rng, stem: string, kind: Kind): string {
  switch (kind) {
    case 'c':
      return cLine(rng, stem);
    case 'h':
      return hLine(rng, stem);
    case 'yaml':
      return `  ${rng.pick(FIELD)}-${rng.pick(NOUN)}: { maxItems: ${rng.range(1, 16)} } # ${rng.int(1000)}`;
    case 'sh':
      return `${rng.pick(['run_test', 'check_err', 'ip link set', 'echo', 'log_test'])} ${rng.pick(NOUN)} ${rng.int(1000)}`;
    case 'dts':
      return `\t${rng.pick(NOUN)}@${rng.hex(5)} { reg = <0x${rng.hex(5)} 0x${rng.hex(3)}>; };`;
    default:
      return textLine(rng);
  }
}

function header(path: string, kind: Kind): string[] {
  switch (kind) {
    case 'c':
    case 'dts':
      return ['// SPDX-License-Identifier: GPL-2.0', `/* ${path} */`];
    case 'h':
      return ['/* SPDX-License-Identifier: GPL-2.0 */', `/* ${path} */`];
    case 'sh':
      return ['#!/bin/bash', `# SPDX-License-Identifier: GPL-2.0 (${path})`];
    case 'yaml':
      return ['# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)', `$id: http://devicetree.org/schemas/${path}#`];
    default:
      return [`.. SPDX-License-Identifier: GPL-2.0`, `.. ${path}`];
  }
}

/** The lines of a new file. */
export function newFile(rng: Rng, path: string, stem: string): string[] {
  const kind = kindOf(path);
  const out = header(path, kind);
  const n = rng.range(7, 20);
  for (let i = 0; i < n; i++) out.push(newLine(rng, stem, kind));
  return out;
}

export function render(lines: Lines): string {
  return `${lines.join('\n')}\n`;
}

/** One to three line edits (replace, insert, delete) past the two header lines. */
export function makeEdits(rng: Rng, lines: Lines, path: string, stem: string): { edits: Edit[]; next: string[] } {
  const kind = kindOf(path);
  const next = lines.slice();
  const edits: Edit[] = [];
  const n = rng.chance(0.6) ? 1 : rng.chance(0.6) ? 2 : 3;
  for (let k = 0; k < n; k++) {
    const r = rng.next();
    const len = next.length;
    if (r < 0.18 && len < 40) {
      const at = rng.range(2, len);
      const ins = [newLine(rng, stem, kind)];
      if (rng.chance(0.4)) ins.push(newLine(rng, stem, kind));
      next.splice(at, 0, ...ins);
      edits.push({ at, old: [], ins });
    } else if (r < 0.27 && len > 6) {
      const at = rng.range(2, len - 1);
      edits.push({ at, old: next.splice(at, 1), ins: [] });
    } else if (len > 2) {
      const at = rng.range(2, len - 1);
      const ins = [newLine(rng, stem, kind)];
      edits.push({ at, old: next.splice(at, 1, ...ins), ins });
    } else {
      const ins = [newLine(rng, stem, kind)];
      next.push(...ins);
      edits.push({ at: len, old: [], ins });
    }
  }
  return { edits, next };
}

/**
 * Replays edits on another copy of the file: null when a position no longer exists (the pick does not
 * apply), else the new lines and whether every removed line matched (a clean pick).
 */
export function replayEdits(lines: Lines, edits: readonly Edit[]): { next: string[]; clean: boolean } | null {
  const next = lines.slice();
  let clean = true;
  for (const e of edits) {
    if (e.at + e.old.length > next.length) return null;
    for (let i = 0; i < e.old.length; i++) if (next[e.at + i] !== e.old[i]) clean = false;
    next.splice(e.at, e.old.length, ...e.ins);
  }
  return { next, clean };
}
