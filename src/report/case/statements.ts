/**
 * What the message says about the bug, quoted: the sentences that name an effect (fails, crash, leak,
 * BUG_ON, ...) with the condition they give (on systems with, when, if, during, ...), the numbers in the
 * prose, and the priority the effect implies. Quotes are whole sentences of the message, checked against
 * it (a `quote` citation); nothing is paraphrased.
 */
import { proseOfBody } from '../../select/text.js';

export interface Statement {
  /** The sentence, as in the message with its line breaks folded to spaces. */
  text: string;
  /** It names the condition under which the effect happens. */
  trigger: boolean;
  /** The effect word it carries ("fails", "BUG_ON"). */
  effect: string;
}

const EFFECT =
  /\b(?:fail(?:s|ed|ure|ing)?|crash(?:es|ed|ing)?|panic(?:s|ked)?|hang(?:s|ing)?|stuck|dead-?lock(?:s|ed)?|leak(?:s|ed|ing)?|corrupt(?:s|ed|ion|ing)?|oops|NULL pointer|code execution|use[- ]after[- ]free|double[- ]free|overflow(?:s|ed)?|underflow(?:s)?|out[- ]of[- ]bounds|exceed(?:s|ed|ing)?|lockup|stall(?:s|ed)?|wrong|incorrect(?:ly)?|broken|lost|lose[sd]?|drop(?:s|ped)|rac(?:e|es|ing)|denial of service|privilege|infinite loop|segfault|abort(?:s|ed)?|truncat(?:es|ed|ion)|error|assert(?:ion)?s?|dangling|stale|uninitiali[sz]ed|mismatch(?:es|ed)?|misaligned|unaligned|time(?:s|d)? ?out|garbage|not freed|never freed)\b/i;
const CONDITION =
  /\b(?:when|whenever|if|on (?:systems?|machines?|hosts?|platforms?) with|while|after|during|under|once|because|with more than|in case)\b|[<>]=?\s*\d/i;

const TRAILER = /^(?:[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+|Fixes|Link|Cc|Closes|Bug|BugLink|Backport|Ticket|Issue|Coverity-id|Reference|References):\s/i;

/** The sentences of the message prose (subject excluded, trailers excluded), folded to one line each. */
function sentencesOf(message: string): string[] {
  const nl = message.indexOf('\n');
  // Trailers and pick markers are not prose; a wrapped line that happens to hold a colon is.
  const prose = (nl < 0 ? '' : message.slice(nl + 1))
    .split('\n')
    .filter((l) => !TRAILER.test(l) && !/^\s*[[(](?:\s*upstream|cherry|backported)/i.test(l) && !/^commit [0-9a-f]{12,40} upstream\.?$/i.test(l))
    .join('\n');
  const out: string[] = [];
  for (const para of prose.split(/\n[ \t]*\n/)) {
    // Indented blocks (logs, code, quoted splats) are not sentences.
    const lines = para.split('\n').filter((l) => l.trim() && !/^\s{2,}|^\t/.test(l));
    if (!lines.length) continue;
    const flat = lines.map((l) => l.trim()).join(' ');
    for (const s of flat.split(/(?<=[.!?])\s+(?=[A-Z(["'])/)) if (s.trim().length > 8) out.push(s.trim());
  }
  return out;
}

const FIX_SENTENCE =
  /^(?:To (?:fix|avoid|prevent|address|solve|handle)|Fix(?:es)? (?:this|it|that|the|by)|This (?:patch|commit|change|series) |The (?:patch|fix) |Therefore|Thus|So,? |Instead|Hence|Make |Use |Move |Add |Remove |Avoid |Allocate |Check |Ensure |Let |Switch |Introduce |Return |Drop |Set |Call |Change )/i;

/** The sentences that state the bug: an effect word, with or without a condition (at most `max`). */
export function bugStatements(message: string, max = 3): Statement[] {
  const out: Statement[] = [];
  for (const s of sentencesOf(message)) {
    // A sentence that says what the patch does is not the bug.
    if (FIX_SENTENCE.test(s)) continue;
    // BUG and BUG_ON only in capitals: "a bug in older GCC" is no effect.
    const e = EFFECT.exec(s) ?? /\bBUG(?:_ON)?\b/.exec(s);
    if (!e) continue;
    // "clear the fields to avoid using stale data": the effect is what the fix avoids, said by the fix.
    if (/\b(?:to avoid|to prevent|avoiding|preventing|so as not to)\b/i.test(s.slice(0, e.index))) continue;
    out.push({ text: s, trigger: CONDITION.test(s), effect: e[0] });
  }
  // Sentences with a condition first: they say when it happens.
  out.sort((a, b) => Number(b.trigger) - Number(a.trigger));
  return out.slice(0, max);
}

const UNIT =
  '(?:bytes?|[KMGT]i?B|CPUs?|cpus?|cores?|nodes?|%|ms|us|ns|seconds?|secs?|minutes?|hours?|days?|times|entries|pages?|bits?|queues?|threads?|packets?|descriptors?|buffers?|lines?|levels?|objects?|GHz|MHz|Hz)';
const NUMBER = new RegExp(`(?<![\\w.^/-])([<>]=?\\s*)?(\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?)(?:\\s*-?\\s*(${UNIT})\\b)?(?![\\w.]*\\d)`, 'g');

/** Numbers the prose states, with their unit or comparison when it has one: ">4096 CPUs", "32,768 byte". */
export function numbersOf(message: string): string[] {
  const out: string[] = [];
  for (const s of sentencesOf(message)) {
    for (const m of s.matchAll(NUMBER)) {
      const [all, cmp, num, unit] = m;
      // A bare small number without a unit or a comparison says little ("2 CPUs" does, "2" does not).
      if (!cmp && !unit && Number(num!.replace(/,/g, '')) < 100) continue;
      const t = all!.trim();
      if (!out.includes(t)) out.push(t);
    }
  }
  return out;
}

export type Priority = 'HIGH' | 'MEDIUM' | 'LOW';

/** The priority an effect implies, with the effect named; null when the message names none. */
export function priorityOf(statements: readonly Statement[], message: string): { level: Priority; effect: string; word: string } | null {
  const text = `${statements.map((s) => s.text).join(' ')}`;
  const all = `${text} ${proseOfBody(message, 4000)}`;
  const rules: [RegExp, Priority, string][] = [
    [/\b(?:boot|booting)\b[^.]*\b(?:fail|panic|hang|BUG|crash|stops?)|\b(?:fail|panic|hang|BUG|crash)\w*\b[^.]*\b(?:during|at) boot/i, 'HIGH', 'boot failure'],
    [
      /\bCVE-\d{4}-\d+|\bXSA-\d+|\bprivilege escalation|\bsecurity team\b|\bcode execution\b|\bsecurity (?:issue|bug|hole)|\bvulnerab\w*/i,
      'HIGH',
      'security issue',
    ],
    [/\bdata (?:loss|corruption)|\bcorrupt(?:s|ed|ion|ing)?\b|\bfilesystem corruption/i, 'HIGH', 'data corruption'],
    [
      /\bpanic\w*|\bcrash\w*|\boops\b|\bBUG_ON\b|\bBUG\(\)|\bNULL (?:pointer )?deref\w*|\bpage ?fault|\bfatal\b|\buse[- ]after[- ]free|\bdouble[- ]free|\bsegfault|\bsegmentation fault/i,
      'HIGH',
      'crash',
    ],
    [/\bdead-?lock\w*|\bhang\w*|\blockup|\bstuck\b|\binfinite loop|\bstall\w*/i, 'HIGH', 'hang'],
    [/\bout[- ]of[- ]bounds|\boverflow\w*|\bunderflow/i, 'MEDIUM', 'memory out of bounds'],
    [/\bassert(?:ion)?s?\b|\bASSERT\b/i, 'MEDIUM', 'assertion failure'],
    [/\bleak\w*/i, 'MEDIUM', 'resource leak'],
    [/\brac(?:e|es|ing)\b/i, 'MEDIUM', 'race'],
    [/\bfail\w*|\bwrong\b|\bincorrect\w*|\bbroken\b|\blost\b|\bdrop(?:s|ped)\b|\berror\b/i, 'MEDIUM', 'wrong result or failure'],
    [/\bwarn\w*|\btypo|\bcosmetic|\bspelling|\bcomment/i, 'LOW', 'warning or cosmetic'],
  ];
  // The bug sentences decide first; the rest of the prose only when they name no effect.
  for (const src of [text, all]) {
    for (const [re, level, effect] of rules) {
      const m = re.exec(src);
      if (m) return { level, effect, word: m[0] };
    }
  }
  // No effect word: no priority rather than one guessed from the bug class ("fix", "bug").
  return null;
}
