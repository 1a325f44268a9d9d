/**
 * What a diff does, read from its zero-context patch (PatchNet's code features): the guards, error paths,
 * lock and reference balance a fix adds; the functions, types, fields, exported symbols and options a
 * feature adds. Language-aware for C/C++, Go, Python and shell (by file extension); other files count
 * only for the line balance. Each fact keeps the first line that showed it, quoted in the reason.
 */
import type { GitTarget } from '../../git/run.js';
import { streamPatches, type PatchSink } from '../../git/diff-batch.js';

/** Bumped whenever a pattern changes: cached facts of another version are computed again. */
export const DIFF_FACTS_VERSION = 2;

/** The facts, in a fixed order (stored as a bitmask: never reorder, only append). */
export const DIFF_FACTS = [
  { name: 'guard', label: 'adds a check' },
  { name: 'err-return', label: 'adds an error return' },
  { name: 'goto-err', label: 'adds a jump to an error path' },
  { name: 'bounds', label: 'adds a bounds or length check' },
  { name: 'lock', label: 'changes locking' },
  { name: 'refcount', label: 'changes reference counting' },
  { name: 'free', label: 'adds a free' },
  { name: 'alloc', label: 'adds an allocation' },
  { name: 'init', label: 'adds an initialisation' },
  { name: 'more-removed', label: 'removes more code lines than it adds' },
  { name: 'one-line-const', label: 'changes one constant or operator in one line' },
  { name: 'new-function', label: 'adds a function' },
  { name: 'new-type', label: 'adds a struct, enum, class or type' },
  { name: 'new-field', label: 'adds a field to a struct' },
  { name: 'new-export', label: 'adds an exported symbol or public API' },
  { name: 'new-option', label: 'adds a command-line or config option' },
  { name: 'code-only-removed', label: 'only removes code' },
] as const;
export type DiffFactName = (typeof DIFF_FACTS)[number]['name'];

export interface DiffFacts {
  /** Bit i set: DIFF_FACTS[i] holds. */
  bits: number;
  /** The first line that showed each fact (trimmed, at most 100 characters), by fact name. */
  quotes: Partial<Record<DiffFactName, string>>;
  /** Added and removed lines in the code files of the four languages (tests excluded). */
  codeAdded: number;
  codeRemoved: number;
}

export function hasFact(f: DiffFacts, name: DiffFactName): boolean {
  return (f.bits & (1 << DIFF_FACTS.findIndex((x) => x.name === name))) !== 0;
}

type Lang = 'c' | 'go' | 'py' | 'sh' | 'other';
const TEST_FILE = /(?:^|\/)(?:tests?|testing|testsuite|selftests?|unittests?)\/|(?:^|\/)test[_-][^/]*$|_test\.[a-z]+$/i;

function langOf(path: string): Lang {
  if (/\.(?:c|h|cc|cpp|cxx|hh|hpp|hxx)$/i.test(path)) return 'c';
  if (/\.go$/.test(path)) return 'go';
  if (/\.pyw?$/.test(path)) return 'py';
  if (/\.(?:sh|bash)$/.test(path)) return 'sh';
  return 'other';
}

type Pattern = [DiffFactName, RegExp];
/** Patterns over one added line (without the '+'), per language. */
const ADDED: Record<Exclude<Lang, 'other'>, Pattern[]> = {
  c: [
    ['guard', /\bif\s*\(\s*(?:!\s*[\w>.-]+\s*\)|[\w>.-]+\s*[!=]=\s*NULL\b|NULL\s*[!=]=|(?:unlikely|likely)\s*\(\s*!|IS_ERR(?:_OR_NULL)?\s*\()/],
    ['err-return', /\breturn\s+(?:-\s*E[A-Z0-9]+\b|-1\s*;|NULL\s*;|false\s*;|ERR_PTR\s*\()|\breturn\s+\w*(?:err|ret|rc)\w*\s*;/],
    ['goto-err', /\bgoto\s+(?:\w*(?:err|fail|out|cleanup|free|unlock|bail|error|done|exit)\w*)\s*;/],
    [
      'bounds',
      /\bif\s*\(.*(?:[<>]=?|==).*(?:\b(?:len|length|size|sizeof|count|num|nb|max|min|limit|ARRAY_SIZE|RTE_DIM|G_N_ELEMENTS|ELEMENTSOF)\b|_MAX\b|_LEN\b|_SIZE\b|\w+_(?:len|size|count|num)\b)/,
    ],
    ['lock', /\b\w*(?:_lock|_unlock|lock_\w+|mutex_\w+|spin_\w+|rwlock\w*|_trylock)\s*\(|\bpthread_mutex_\w+\s*\(/],
    ['refcount', /\b\w*_(?:get|put|ref|unref|hold|release|acquire)\s*\(|\b(?:ref|unref|kref_\w+|refcount_\w+|atomic_(?:inc|dec)\w*)\s*\(/],
    ['free', /\b(?:free|\w+_free|g_free|kfree|rte_free|\w+_destroy|close)\s*\(/],
    ['alloc', /\b(?:malloc|calloc|realloc|strdup|strndup|\w+_alloc\w*|g_new0?|g_malloc0?|kzalloc|kmalloc|rte_zmalloc\w*|rte_malloc\w*)\s*\(/],
    ['init', /\bmemset\s*\(|=\s*\{\s*0?\s*\}\s*;|^\w[\w\s*]*\s\**\w+\s*=\s*(?:NULL|0|-1|false)\s*;/],
    ['new-type', /^\s*(?:typedef\s+)?(?:struct|enum|union)\s+\w+\s*\{|^\s*typedef\s+(?:struct|enum|union)\s*\{/],
    [
      'new-export',
      /\bEXPORT_SYMBOL\w*\s*\(|\b__rte_experimental\b|\bRTE_EXPORT\w*\s*\(|\b_public_\b|\bG?_?AVAILABLE_IN_\w+|\b(?:LIB|API)_EXPORT\b|__attribute__\s*\(\(\s*visibility\s*\(\s*"default"/,
    ],
    ['new-option', /\{\s*"[a-z][\w-]+"\s*,\s*(?:no_argument|required_argument|optional_argument|[0-2])\s*,|"--[a-z][\w-]+"/],
  ],
  go: [
    ['guard', /\bif\s+(?:[\w.]+\s*[!=]=\s*nil|!\s*\w+|err\s*!=\s*nil)/],
    ['err-return', /\breturn\s+(?:.*,\s*)?(?:err\b|fmt\.Errorf|errors\.(?:New|Wrap\w*)|\w+Err\w*\b)/],
    ['bounds', /\bif\s+.*(?:[<>]=?|==).*\blen\(/],
    ['lock', /\.(?:R?Lock|R?Unlock)\(\)/],
    ['refcount', /\.(?:Retain|Release|IncRef|DecRef|Acquire)\(/],
    ['free', /\.Close\(\)|\bdefer\s+\w+\.(?:Close|Release|Free)\(/],
    ['new-type', /^type\s+\w+\s+(?:struct|interface)\b/],
    ['new-export', /^func\s+(?:\([^)]*\)\s*)?[A-Z]\w*\s*\(|^type\s+[A-Z]\w*\s/],
    ['new-option', /\bflag\.(?:String|Bool|Int|Duration|Var|Uint|Float64)\w*\(|\.Flags\(\)\.\w+\(|cli\.\w+Flag\{/],
  ],
  py: [
    ['guard', /\bif\s+(?:not\s+\w|[\w.]+\s+is\s+(?:not\s+)?None\b)/],
    ['err-return', /\braise\s+\w+|\breturn\s+(?:None|False|-1)\s*$/],
    ['bounds', /\bif\s+.*(?:[<>]=?|==).*\blen\(/],
    ['lock', /\bwith\s+[\w.]*lock\b|\.(?:acquire|release)\(\)/i],
    ['new-type', /^\s*class\s+\w+/],
    ['new-option', /\badd_argument\(|\badd_option\(|@click\.option\(/],
  ],
  sh: [
    ['guard', /\bif\s+\[\[?\s+(?:-[znfdeL]\s|!\s)|\|\|\s*(?:exit|return)\b|\btest\s+-[znfde]\s/],
    ['err-return', /\b(?:exit|return)\s+[1-9]\d*\b/],
    ['new-option', /^\s*-{1,2}[\w-]+\)|\bgetopts?\b/],
  ],
};
/** Added lines of build, config and symbol files that add an option or an exported symbol. */
const OPTION_FILE = /(?:^|\/)(?:meson_options\.txt|meson\.options|configure\.ac|Kconfig[^/]*|CMakeLists\.txt)$/;
const OPTION_LINE = /^\s*option\s*\(|\bAC_ARG_(?:ENABLE|WITH)\b|^\s*(?:menu)?config\s+\w+/;
const SYMBOL_FILE = /\.(?:map|sym|def|symbols)$|(?:^|\/)version\.map$/;
const SYMBOL_LINE = /^\s*[A-Za-z_]\w*\s*;\s*$/;
/** A C function definition's first line (column 0, no trailing ';'). */
const C_DEF = /^(?:static\s+|inline\s+|extern\s+|const\s+|unsigned\s+|signed\s+|struct\s+|enum\s+|__\w+\s+)*[A-Za-z_]\w*[\s*]+\**([A-Za-z_]\w*)\s*\([^;]*$/;
const C_FIELD =
  /^\s+(?:const\s+|unsigned\s+|signed\s+|struct\s+|enum\s+|union\s+|volatile\s+)*[A-Za-z_]\w*[\s*]+\**[A-Za-z_]\w*(?:\s*\[[^\]]*\])?(?:\s*:\s*\d+)?\s*;/;
/** A function definition's first line per language; group 1 is its name. */
const DEF: Record<Exclude<Lang, 'other'>, RegExp> = {
  c: C_DEF,
  go: /^func\s+(?:\([^)]*\)\s*)?(\w+)\s*\(/,
  py: /^\s*def\s+(\w+)\s*\(/,
  sh: /^\s*(?:function\s+)?([\w-]+)\s*\(\)\s*\{?\s*$/,
};
/** A hunk inside a struct's definition (git's function line is the struct's opening line, not a function returning one). */
const STRUCT_HEAD = /^(?:typedef\s+)?(?:struct|union)(?:\s+\w+)?\s*\{\s*$/;
const C_KEYWORD = /^(?:if|for|while|switch|return|else|do|sizeof|case|goto)$/;

const TOKEN = /[A-Za-z_]\w*|0x[0-9a-fA-F]+|\d+\w*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|<<=|>>=|&&|\|\||[<>=!]=|<<|>>|->|\+\+|--|\S/g;
const OPERATOR = /^(?:<<=|>>=|&&|\|\||[<>=!]=|<<|>>|[-+*/%&|^<>!~])$/;
const CONSTANT = /^(?:0x[0-9a-fA-F]+|\d+\w*|[A-Z][A-Z0-9_]{2,})$/;

/** Two lines that differ only in one constant or operator token (same tokens otherwise). */
export function oneTokenChange(removed: string, added: string): boolean {
  const a = removed.match(TOKEN) ?? [];
  const b = added.match(TOKEN) ?? [];
  if (a.length !== b.length || !a.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (++diff > 1) return false;
    const both = (re: RegExp): boolean => re.test(a[i]!) && re.test(b[i]!);
    if (!both(OPERATOR) && !both(CONSTANT)) return false;
  }
  return diff === 1;
}

const MAX_LINES = 4000;

/** A sink for one commit's patch (streamPatches): facts of its added and removed lines. */
function diffFactsSink(): PatchSink<DiffFacts> {
  let bits = 0;
  const quotes: Partial<Record<DiffFactName, string>> = {};
  let path = '';
  let lang: Lang = 'other';
  let code = false;
  let hunkHead = '';
  let codeAdded = 0;
  let codeRemoved = 0;
  let seen = 0;
  const removedDefs = new Set<string>();
  const addedDefs: [string, string, string][] = [];
  // The one-line change: the only removed and added code line of the whole patch.
  let onlyRemoved: string | null = null;
  let onlyAdded: string | null = null;
  const set = (name: DiffFactName, quote: string): void => {
    const i = DIFF_FACTS.findIndex((x) => x.name === name);
    if (bits & (1 << i)) return;
    bits |= 1 << i;
    quotes[name] = `${path}: ${quote.trim().slice(0, 100)}`;
  };
  return {
    line(l: string): void {
      if (l.startsWith('+++ ')) {
        path = l.startsWith('+++ b/') ? l.slice(6) : '';
        lang = langOf(path);
        code = lang !== 'other' && !TEST_FILE.test(path);
        return;
      }
      if (l.startsWith('--- ')) {
        if (l.startsWith('--- a/')) path = l.slice(6);
        return;
      }
      if (l.startsWith('diff --git ')) {
        hunkHead = '';
        return;
      }
      if (l.startsWith('@@')) {
        hunkHead = l.slice(l.indexOf('@@', 2) + 2).trim();
        return;
      }
      const sign = l[0];
      if (sign !== '+' && sign !== '-') return;
      if (++seen > MAX_LINES) return;
      const text = l.slice(1);
      if (!text.trim()) return;
      if (!code) {
        if (sign === '+' && OPTION_FILE.test(path) && OPTION_LINE.test(text)) set('new-option', text);
        if (sign === '+' && SYMBOL_FILE.test(path) && SYMBOL_LINE.test(text)) set('new-export', text);
        return;
      }
      const t = text.trim();
      // Comments are not code.
      if (/^(?:\/\/|\/\*|\*|#(?!\s*(?:if|define|include|else|endif))|""")/.test(t) && lang !== 'sh') return;
      if (lang === 'sh' && t.startsWith('#')) return;
      if (sign === '-') {
        codeRemoved++;
        onlyRemoved = codeRemoved === 1 ? text : null;
        const m = DEF[lang as Exclude<Lang, 'other'>].exec(text);
        if (m && !C_KEYWORD.test(m[1]!)) removedDefs.add(m[1]!);
        return;
      }
      codeAdded++;
      onlyAdded = codeAdded === 1 ? text : null;
      for (const [name, re] of ADDED[lang as Exclude<Lang, 'other'>]) if (re.test(text)) set(name, text);
      const m = DEF[lang as Exclude<Lang, 'other'>].exec(text);
      if (m && !C_KEYWORD.test(m[1]!)) addedDefs.push([m[1]!, path, text]);
      if (lang === 'c') {
        if (STRUCT_HEAD.test(hunkHead) && C_FIELD.test(text)) set('new-field', text);
      }
    },
    done(): DiffFacts {
      const newDef = addedDefs.find(([name]) => !removedDefs.has(name));
      if (newDef) {
        path = newDef[1];
        set('new-function', newDef[2]);
      }
      if (codeRemoved > codeAdded) set('more-removed', `${codeRemoved} code lines removed, ${codeAdded} added`);
      if (codeRemoved > 0 && codeAdded === 0) set('code-only-removed', `${codeRemoved} code lines removed`);
      if (codeAdded === 1 && codeRemoved === 1 && onlyAdded !== null && onlyRemoved !== null && oneTokenChange(onlyRemoved, onlyAdded))
        set('one-line-const', `${(onlyRemoved as string).trim()} → ${(onlyAdded as string).trim()}`);
      return { bits, quotes, codeAdded, codeRemoved };
    },
  };
}

/** Facts of each commit's diff against its first parent; null when git cannot diff it. */
export function diffFactsOf(target: GitTarget, shas: readonly string[]): Promise<Map<string, DiffFacts | null>> {
  return streamPatches(target, shas, diffFactsSink);
}
