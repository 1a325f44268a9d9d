/**
 * Conventions compiled once into the forms the hot parsers use (sets, pre-built regexes). Cached per
 * Conventions object, so a caller that passes the same object for a million commits compiles once.
 */
import { StablepickError } from '../errors.js';
import type { Conventions } from './types.js';

export interface CompiledConventions {
  readonly fixesKeys: ReadonlySet<string>;
  readonly stableKeys: ReadonlySet<string>;
  readonly addressSubstrings: readonly string[];
  readonly addressRegexes: readonly RegExp[];
  readonly stableBranchPatterns: readonly RegExp[];
  readonly excludeBranchPatterns: readonly RegExp[];
  readonly releaseTag: RegExp;
  readonly prerelease: RegExp;
}

const cache = new WeakMap<Conventions, CompiledConventions>();

/** Lower-case, trimmed, inner whitespace runs collapsed to one space: 'Follow-up  For' → 'follow-up for'. */
export function canonicalKey(key: string): string {
  const k = key.trim().toLowerCase();
  return k.includes('  ') || k.includes('\t') ? k.replace(/\s+/g, ' ') : k;
}

/** A '/regex/flags' string as a RegExp, or null when the string is a plain pattern. Throws on a bad regex. */
function slashRegex(pattern: string, where: string): RegExp | null {
  if (pattern.length < 2 || !pattern.startsWith('/')) return null;
  const end = pattern.lastIndexOf('/');
  if (end <= 0) return null;
  const flags = pattern.slice(end + 1);
  if (!/^[gimsuy]*$/.test(flags)) return null;
  // Stateless (no g/y) and always case-insensitive: addresses are compared in lower case anyway.
  const f = flags.replace(/[gyi]/g, '') + 'i';
  return compileRegex(pattern.slice(1, end), f, where);
}

function compileRegex(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new StablepickError('BAD_CONFIG', {
      where,
      problem: `invalid regular expression ${JSON.stringify(source)} (${(e as Error).message})`,
      fix: 'fix the pattern (JavaScript regular expression syntax, backslashes doubled in JSON)',
    });
  }
}

export function compileConventions(conv: Conventions): CompiledConventions {
  const hit = cache.get(conv);
  if (hit) return hit;
  const addressSubstrings: string[] = [];
  const addressRegexes: RegExp[] = [];
  for (const a of conv.stableAddresses) {
    const re = slashRegex(a, 'conventions.stableAddresses');
    if (re) addressRegexes.push(re);
    else if (a.trim()) addressSubstrings.push(a.trim().toLowerCase());
  }
  const compiled: CompiledConventions = {
    fixesKeys: new Set(conv.fixesKeys.map(canonicalKey)),
    stableKeys: new Set(conv.stableKeys.map(canonicalKey)),
    addressSubstrings,
    addressRegexes,
    stableBranchPatterns: conv.stableBranchPatterns.map((p) => compileRegex(p, '', 'conventions.stableBranchPatterns')),
    excludeBranchPatterns: conv.excludeBranchPatterns.map((p) => compileRegex(p, '', 'conventions.excludeBranchPatterns')),
    releaseTag: compileRegex(conv.releaseTagPattern, 'i', 'conventions.releaseTagPattern'),
    prerelease: compileRegex(conv.prereleasePattern, 'i', 'conventions.prereleasePattern'),
  };
  cache.set(conv, compiled);
  return compiled;
}
