/**
 * Stable tags: `Cc: stable@vger.kernel.org # 6.1.x`, `Cc: <stable@vger.kernel.org> # after -rc3`,
 * `Cc: stable@vger.kernel.org # 3.3.x: a1f84a3: prerequisite`, `Cc: stable+noautosel@kernel.org # reason`,
 * `Cc: "20.0" <mesa-stable@lists.freedesktop.org>`, `Backport-to: 6.12`, Xen's `Backport: 4.9+`.
 */
import type { CompiledConventions } from './compiled.js';

export interface StableTag {
  /** The address as written, lower-case ('stable+noautosel@kernel.org', 'mesa-stable'); '' for Backport-to. */
  address: string;
  /** `stable+noautosel@kernel.org`: the author asks the stable team not to pick it automatically. */
  noautosel: boolean;
  /** Text after '#' (or after the address when there is no '#'), trimmed; null when none. */
  annotation: string | null;
  /** Versions named: ['6.1'] from '# 6.1.x', ['5.4'] from '# v5.4+', ['5.10'] from '# 5.10 and later'. */
  versions: string[];
  /** Hex prefixes from '# 3.3.x: a1f84a3: prerequisite' (lower-case). */
  prerequisites: string[];
  /** A condition on when to pick: 'after -rc3'. */
  condition: string | null;
}

/** True when the lower-case address matches a stable pattern of the conventions. */
export function isStableAddress(addressLower: string, cc: CompiledConventions): boolean {
  for (const sub of cc.addressSubstrings) {
    let idx = addressLower.indexOf(sub);
    while (idx >= 0) {
      if (idx === 0 || !isAlnum(addressLower.charCodeAt(idx - 1))) return true;
      idx = addressLower.indexOf(sub, idx + 1);
    }
  }
  for (const re of cc.addressRegexes) if (re.test(addressLower)) return true;
  return false;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

const TRIM_PUNCT = /^[\s"'<([]+|[\s"'>)\],;:.]+$/g;

/**
 * A Cc:/To: value as a stable tag, or null when no address in it is a stable address. A value may list
 * several addresses separated by ','; the first stable one counts.
 */
export function parseStableAddressValue(value: string, cc: CompiledConventions): StableTag | null {
  const hash = value.indexOf('#');
  const head = hash >= 0 ? value.slice(0, hash) : value;
  let annotation = hash >= 0 ? value.slice(hash + 1).trim() : '';
  const parts = head.includes(',') && head.indexOf('@') !== head.lastIndexOf('@') ? head.split(',') : [head];
  for (const part of parts) {
    const found = extractAddress(part);
    if (!found) continue;
    const addr = found.address.toLowerCase();
    let plusTag = '';
    let normalised = addr;
    const at = addr.indexOf('@');
    const plus = addr.indexOf('+');
    if (plus > 0 && (at < 0 || plus < at)) {
      plusTag = addr.slice(plus + 1, at < 0 ? undefined : at);
      normalised = addr.slice(0, plus) + (at < 0 ? '' : addr.slice(at));
    }
    if (!isStableAddress(normalised, cc) && (normalised === addr || !isStableAddress(addr, cc))) continue;
    if (!annotation && found.trailing) annotation = found.trailing.replace(TRIM_PUNCT, '').trim();
    const tag: StableTag = {
      address: addr,
      noautosel: plusTag.includes('noautosel'),
      annotation: annotation || null,
      versions: [],
      prerequisites: [],
      condition: null,
    };
    if (annotation) parseAnnotation(annotation, tag);
    // Mesa: `Cc: "20.0" <mesa-stable@lists.freedesktop.org>` names the branch in the display name.
    if (found.name) for (const v of scanVersions(found.name)) if (!tag.versions.includes(v)) tag.versions.push(v);
    return tag;
  }
  return null;
}

/** The value of a stable key (`Backport-to: 6.12, 6.6`, `Backport: 4.9+`) as a stable tag. */
export function parseStableKeyValue(value: string): StableTag {
  const hash = value.indexOf('#');
  const head = hash >= 0 ? value.slice(0, hash) : value;
  const annotation = hash >= 0 ? value.slice(hash + 1).trim() : '';
  const tag: StableTag = {
    address: '',
    noautosel: false,
    annotation: annotation || null,
    versions: scanVersions(head),
    prerequisites: [],
    condition: null,
  };
  if (annotation) {
    const extra: StableTag = { ...tag, versions: [] };
    parseAnnotation(annotation, extra);
    for (const v of extra.versions) if (!tag.versions.includes(v)) tag.versions.push(v);
    tag.prerequisites = extra.prerequisites;
    tag.condition = extra.condition;
  }
  return tag;
}

interface FoundAddress {
  address: string;
  name: string;
  trailing: string;
}

function extractAddress(text: string): FoundAddress | null {
  const lt = text.indexOf('<');
  if (lt >= 0) {
    const gt = text.indexOf('>', lt);
    const address = text.slice(lt + 1, gt < 0 ? undefined : gt).trim();
    if (!address) return null;
    return { address, name: text.slice(0, lt).trim(), trailing: gt < 0 ? '' : text.slice(gt + 1).trim() };
  }
  const t = text.trim();
  if (!t) return null;
  const tokens = t.split(/\s+/);
  let idx = tokens.findIndex((x) => x.includes('@'));
  if (idx < 0) idx = 0;
  const address = (tokens[idx] ?? '').replace(TRIM_PUNCT, '');
  if (!address) return null;
  return { address, name: tokens.slice(0, idx).join(' '), trailing: tokens.slice(idx + 1).join(' ') };
}

const VERSION_TOKEN = /^v?(\d+(?:\.\d+)+|\d+)(?:\.[xy*])?(?:\+|-|\.\.)?$/i;
const VERSION_SCAN = /(?:^|[^\w.])v?(\d+\.\d+(?:\.\d+)?)(?:\.[xy*])?(?!\w)/gi;
const CONNECTORS = new Set([
  'and',
  'or',
  'later',
  'newer',
  'onwards',
  'onward',
  'up',
  'through',
  'to',
  'only',
  '+',
  '-',
  '..',
  '&',
  'stable',
  'kernels',
  'kernel',
  'lts',
  'trees',
  'tree',
  '>=',
  'since',
  'from',
  '*',
]);
const HEX_PREREQ = /^([0-9a-f]{7,64})(?![0-9a-z])/i;
const CONDITION = /^(?:after|once|when|wait|not before|only after|delay|delayed|hold|until)\b/i;

/**
 * Read '# 6.1.x', '# v5.4+', '# 5.10 and later', '# 5.15, 6.1', '# v5.4..v5.15', '# 3.3.x: a1f84a3: ...',
 * '# after -rc3'. Versions are taken only from the leading run of version tokens, so prose such as
 * '# see patch description, needs adjustments for <= 6.3' yields no versions.
 */
function parseAnnotation(annotation: string, tag: StableTag): void {
  const n = annotation.length;
  let pos = 0;
  let sawVersion = false;
  for (;;) {
    while (pos < n && /[\s,;]/.test(annotation.charAt(pos))) pos++;
    if (pos >= n) break;
    let end = pos;
    while (end < n && !/[\s,;:]/.test(annotation.charAt(end))) end++;
    const token = annotation.slice(pos, end);
    const pieces = token.includes('..') ? token.split('..') : token.split(/(?<=\d|[xy])-(?=v?\d)/i);
    let allVersions = pieces.length > 0;
    const found: string[] = [];
    for (const p of pieces) {
      if (p === '') continue;
      const m = VERSION_TOKEN.exec(p);
      if (m?.[1] && (m[1].includes('.') || /^v/i.test(p))) found.push(m[1]);
      else allVersions = false;
    }
    if (allVersions && found.length > 0) {
      for (const v of found) if (!tag.versions.includes(v)) tag.versions.push(v);
      sawVersion = true;
      pos = end;
      continue;
    }
    if (sawVersion && CONNECTORS.has(token.toLowerCase())) {
      pos = end;
      continue;
    }
    break;
  }
  // After the versions: ':' then an optional prerequisite id, or a condition.
  let rest = annotation.slice(pos).trimStart();
  if (rest.startsWith(':')) rest = rest.slice(1).trimStart();
  const hm = HEX_PREREQ.exec(rest);
  if (hm?.[1]) {
    tag.prerequisites.push(hm[1].toLowerCase());
    return;
  }
  if (CONDITION.test(rest)) tag.condition = rest.trim();
}

/** Every dotted version in free text: 'Backport-to: 6.12, 6.6' → ['6.12', '6.6']. */
function scanVersions(text: string): string[] {
  const out: string[] = [];
  VERSION_SCAN.lastIndex = 0;
  for (let m = VERSION_SCAN.exec(text); m; m = VERSION_SCAN.exec(text)) {
    const v = m[1];
    if (v && !out.includes(v)) out.push(v);
  }
  // Bare integers only for single-number version schemes ('v254', 'stable-v60'): 'v' must be written.
  if (out.length === 0) {
    const re = /(?:^|[^\w.])v(\d+)(?![\w.])/gi;
    for (let m = re.exec(text); m; m = re.exec(text)) if (m[1] && !out.includes(m[1])) out.push(m[1]);
  }
  return out;
}
