/**
 * stablepick.config.json: found in the work tree root, else in the git directory (never written by
 * stablepick). The format is documented in docs/config.md.
 */
import { env } from '../env.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { StablepickError } from '../errors.js';
import { canonicalKey, compileConventions } from './compiled.js';
import { CONVENTION_KEYS, DEFAULT_CONVENTIONS, type Conventions } from './types.js';

export const CONFIG_FILE_NAME = 'stablepick.config.json';

export interface StablepickConfig {
  conventions: Partial<Conventions>;
  /** Sections of later stages, each registered with registerConfigSection(). */
  [section: string]: unknown;
}

/** In an array of the config, this element stands for the value it overrides (detected or default). */
const INHERIT = '...';

type SectionValidator = (value: unknown, where: string) => void;
const sections = new Map<string, SectionValidator>();

/**
 * Let a later stage own a top-level section of the config file. Its validator throws (preferably with
 * configError()) when the value is wrong. Unregistered sections are rejected as unknown keys.
 */
export function registerConfigSection(name: string, validate: SectionValidator = () => undefined): void {
  sections.set(name, validate);
}

/** A BAD_CONFIG error: '<file>: <what is wrong>' — '<what to do>'. */
export function configError(where: string, what: string, hint: string): StablepickError {
  return new StablepickError('BAD_CONFIG', { where, problem: what, fix: hint });
}

function isComment(key: string): boolean {
  return key.startsWith('//') || key === '$schema' || key === '$comment';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KEY_SHAPE = /^[a-z][a-z0-9-]*(?: [a-z0-9-]+)*$/;

function stringArray(where: string, key: string, v: unknown, check?: (s: string) => string | null): string[] {
  if (!Array.isArray(v)) throw configError(where, `conventions.${key} must be an array of strings`, `write e.g. "${key}": ["...", "value"]`);
  const out: string[] = [];
  for (const [i, s] of v.entries()) {
    if (typeof s !== 'string' || s.trim() === '') {
      throw configError(where, `conventions.${key}[${i}] must be a non-empty string`, 'remove the entry or quote it');
    }
    if (s !== INHERIT && check) {
      const bad = check(s);
      if (bad) throw configError(where, `conventions.${key}[${i}] ${JSON.stringify(s)}: ${bad}`, hintFor(key));
    }
    out.push(s);
  }
  return out;
}

function hintFor(key: string): string {
  switch (key) {
    case 'fixesKeys':
    case 'stableKeys':
      return 'trailer keys are letters, digits, "-" and single spaces, e.g. "follow-up for"';
    case 'stableBranchPatterns':
      return 'use a named group for the version, e.g. "^maint-(?<version>\\\\d+\\\\.\\\\d+)$"';
    default:
      return 'fix the regular expression (JavaScript syntax, backslashes doubled in JSON)';
  }
}

function regexProblem(source: string, flags = ''): string | null {
  try {
    new RegExp(source, flags);
    return null;
  } catch (e) {
    return `invalid regular expression (${(e as Error).message})`;
  }
}

/** Check a conventions object; returns it with keys canonicalised. Throws BAD_CONFIG naming `where`. */
function validateConventions(value: unknown, where: string): Partial<Conventions> {
  if (!isPlainObject(value)) throw configError(where, '"conventions" must be an object', 'write "conventions": { ... }');
  const out: Partial<Conventions> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isComment(key)) continue;
    switch (key) {
      case 'fixesKeys':
      case 'stableKeys':
        out[key] = stringArray(where, key, v, (s) => (KEY_SHAPE.test(canonicalKey(s)) ? null : 'not a trailer key')).map((s) =>
          s === INHERIT ? s : canonicalKey(s),
        );
        break;
      case 'stableAddresses':
        out[key] = stringArray(where, key, v, (s) => {
          // '/regex/flags' must compile; anything else is a plain substring.
          const end = s.lastIndexOf('/');
          if (!s.startsWith('/') || end <= 0 || !/^[gimsuy]*$/.test(s.slice(end + 1))) return null;
          return regexProblem(s.slice(1, end), 'i');
        });
        break;
      case 'stableBranchPatterns':
        out[key] = stringArray(where, key, v, (s) => regexProblem(s) ?? (s.includes('(?<version>') ? null : 'has no named group "version"'));
        break;
      case 'excludeBranchPatterns':
        out[key] = stringArray(where, key, v, (s) => regexProblem(s));
        break;
      case 'releaseTagPattern':
      case 'prereleasePattern': {
        if (typeof v !== 'string' || v === '') throw configError(where, `conventions.${key} must be a non-empty string`, hintFor(key));
        const bad = regexProblem(v, 'i');
        if (bad) throw configError(where, `conventions.${key}: ${bad}`, hintFor(key));
        out[key] = v;
        break;
      }
      case 'mainline':
        if (v !== null && (typeof v !== 'string' || v.trim() === '')) {
          throw configError(where, 'conventions.mainline must be a branch name or null', 'write e.g. "mainline": "master"');
        }
        out.mainline = v === null ? null : (v as string).trim().replace(/^refs\/heads\//, '');
        break;
      default:
        throw configError(where, `unknown key conventions.${JSON.stringify(key)}`, `known keys: ${CONVENTION_KEYS.join(', ')}`);
    }
  }
  return out;
}

/** Parse and validate the text of a config file. */
export function parseConfig(text: string, where: string): StablepickConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw configError(where, `not valid JSON (${(e as Error).message})`, 'fix the JSON syntax (no comments or trailing commas)');
  }
  if (!isPlainObject(raw)) throw configError(where, 'the file must hold a JSON object', 'write { "conventions": { ... } }');
  const config: StablepickConfig = { conventions: {} };
  for (const [key, v] of Object.entries(raw)) {
    if (isComment(key)) continue;
    if (key === 'conventions') {
      config.conventions = validateConventions(v, where);
      continue;
    }
    const validate = sections.get(key);
    if (!validate) {
      const known = ['conventions', ...sections.keys()].join(', ');
      throw configError(where, `unknown key ${JSON.stringify(key)}`, `known sections: ${known}`);
    }
    validate(v, where);
    config[key] = v;
  }
  return config;
}

/** Parsed files by path, size and modification time: each file is read and checked once per process. */
const parsed = new Map<string, { stamp: string; config: StablepickConfig }>();

function readConfigFile(file: string): StablepickConfig {
  let stamp = '';
  try {
    const st = statSync(file);
    stamp = `${st.size}:${st.mtimeMs}:${[...sections.keys()].join(',')}`;
  } catch {
    stamp = '';
  }
  const hit = stamp ? parsed.get(file) : undefined;
  if (hit && hit.stamp === stamp) return hit.config;
  const config = readConfigFileNow(file);
  if (stamp) parsed.set(file, { stamp, config });
  return config;
}

function readConfigFileNow(file: string): StablepickConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw configError(file, 'no such file', 'check the path given with --config');
    if (code === 'EISDIR') throw configError(file, 'is a directory', `give the path of a ${CONFIG_FILE_NAME} file`);
    throw new StablepickError('IO', { op: 'read', target: file, path: file, why: (e as Error).message, fix: 'check the file permissions' }, { cause: e });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseConfig(text, file);
}

/**
 * The user's own config file: `$XDG_CONFIG_HOME/stablepick/config.json` (default
 * `~/.config/stablepick/config.json`). Same format as stablepick.config.json; the only place a file may
 * give the SMTP server and user (docs/mail.md).
 */
export function userConfigPath(): string {
  return path.join(env.configDir(), 'config.json');
}

/** The user's config file, parsed (an empty config when there is none). */
export function loadUserConfig(): { config: StablepickConfig; path: string | null } {
  const file = userConfigPath();
  if (!isFile(file)) return { config: { conventions: {} }, path: null };
  return { config: readConfigFile(file), path: file };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function readSmall(p: string): string | null {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The git directories to look in for `dir`: its .git (directory, or gitdir: file), or dir itself, and their common dir. */
function gitDirsOf(dir: string): { workTree: boolean; gitDirs: string[] } {
  const gitDirs: string[] = [];
  let workTree = false;
  const dotGit = path.join(dir, '.git');
  let st: ReturnType<typeof statSync> | null = null;
  try {
    st = statSync(dotGit);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) {
    workTree = true;
    gitDirs.push(dotGit);
  } else if (st?.isFile()) {
    workTree = true;
    const m = /^gitdir:\s*(.+)$/m.exec(readSmall(dotGit) ?? '');
    if (m?.[1]) gitDirs.push(path.resolve(dir, m[1].trim()));
  } else if (existsSync(path.join(dir, 'HEAD'))) {
    gitDirs.push(dir); // a bare repository or a git directory given directly
  } else {
    workTree = true; // not a repository root we recognise: look in dir itself only
  }
  const first = gitDirs[0];
  if (first !== undefined) {
    const common = readSmall(path.join(first, 'commondir'));
    if (common) gitDirs.push(path.resolve(first, common));
  }
  return { workTree, gitDirs };
}

/**
 * Load the config of a repository: `explicitPath` if given (it must exist), else
 * `<work tree>/stablepick.config.json`, else `<git dir>/stablepick.config.json` (and the common git dir
 * of a linked worktree). No file → an empty config and path null. Never writes anything.
 */
export function loadConfig(repoWorkTreeOrGitDir: string, explicitPath?: string): { config: StablepickConfig; path: string | null } {
  if (explicitPath !== undefined && explicitPath !== '') {
    const file = path.resolve(explicitPath);
    return { config: readConfigFile(file), path: file };
  }
  const dir = path.resolve(repoWorkTreeOrGitDir);
  const { workTree, gitDirs } = gitDirsOf(dir);
  const candidates = workTree ? [path.join(dir, CONFIG_FILE_NAME)] : [];
  for (const g of gitDirs) candidates.push(path.join(g, CONFIG_FILE_NAME));
  for (const file of candidates) {
    if (isFile(file)) return { config: readConfigFile(file), path: file };
  }
  return { config: { conventions: {} }, path: null };
}

function inherit<T>(value: T, lower: T): T {
  if (!Array.isArray(value) || !value.includes(INHERIT)) return value;
  const out: unknown[] = [];
  for (const v of value as unknown[]) {
    if (v === INHERIT) {
      for (const l of lower as unknown[]) if (!out.includes(l)) out.push(l);
    } else if (!out.includes(v)) out.push(v);
  }
  return out as T;
}

/**
 * The conventions in force: config > detected > defaults, key by key. An array may contain "..." to
 * extend the value it overrides instead of replacing it. The result has compiled cleanly (bad patterns
 * throw BAD_CONFIG here); with nothing set it is DEFAULT_CONVENTIONS itself.
 */
export function resolveConventions(config: StablepickConfig, detected?: Partial<Conventions>): Conventions {
  const fromConfig = config.conventions ?? {};
  const configured = validateConventions(fromConfig, 'config');
  const found = detected ? validateConventions(stripUndefined(detected), 'detected conventions') : {};
  if (Object.keys(configured).length === 0 && Object.keys(found).length === 0) return DEFAULT_CONVENTIONS;
  const out = { ...DEFAULT_CONVENTIONS } as Conventions;
  const set = <K extends keyof Conventions>(key: K): void => {
    let v: Conventions[K] = DEFAULT_CONVENTIONS[key];
    const d = found[key];
    if (d !== undefined) v = inherit(d as Conventions[K], v);
    const c = configured[key];
    if (c !== undefined) v = inherit(c as Conventions[K], v);
    out[key] = Array.isArray(v) ? ([...v] as Conventions[K]) : v;
  };
  for (const key of CONVENTION_KEYS) set(key);
  compileConventions(out); // surfaces a bad pattern now rather than deep inside a parse
  return out;
}

function stripUndefined(p: Partial<Conventions>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out;
}
