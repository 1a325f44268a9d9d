/**
 * What the commit's message and tags say about the bug, and the lines it removes and adds: the bug
 * analysis section of a case. Words are matched, not interpreted: a bug class names the word that set it.
 */
import type { CommitDiff } from '../../git/diff.js';
import type { CommitView } from '../../history/queries.js';
import { BUG_WORDS, FEATURE_WORDS, proseOfBody } from '../../select/text.js';
import type { Citation, WrittenCase } from './types.js';

/** Tag kinds a reader of a case wants to see, in this order. */
const SHOWN_TAGS = ['fixes', 'reported-by', 'closes', 'link', 'stable', 'backport-to', 'tested-by', 'reviewed-by', 'acked-by', 'suggested-by'];

/** Bug classes from the most to the least telling. */
const CLASS_ORDER = ['cve', 'crash', 'oops', 'uaf', 'deadlock', 'hang', 'overflow', 'race', 'null', 'leak', 'regression', 'warning', 'wrong', 'fix'];

const CLASS_NAMES: Record<string, string> = {
  cve: 'security issue',
  crash: 'crash',
  oops: 'kernel oops / assertion',
  uaf: 'use-after-free',
  deadlock: 'deadlock',
  hang: 'hang',
  overflow: 'out-of-bounds / overflow',
  race: 'race condition',
  null: 'NULL pointer dereference',
  leak: 'resource leak',
  regression: 'regression',
  warning: 'warning',
  wrong: 'wrong behaviour / failure',
  fix: 'bug fix (unclassified)',
};

export interface BugFacts {
  bug: WrittenCase['bug'];
  /** Feature or cleanup words of the subject, with the word. */
  featureWords: { name: string; word: string }[];
  citations: Citation[];
}

export function bugFacts(view: CommitView, diff: CommitDiff, maxLines = 12): BugFacts {
  const citations: Citation[] = [];
  const lines = view.message.split('\n');
  const tags: WrittenCase['bug']['tags'] = [];
  const fixes: WrittenCase['bug']['fixes'] = [];
  for (const kind of SHOWN_TAGS) {
    for (const t of view.trailers.filter((x) => x.kind === kind)) {
      const line = lines.find((l) => l.trim().toLowerCase().startsWith(`${t.key.toLowerCase()}:`) && l.includes(t.value))?.trim() ?? `${t.key}: ${t.value}`;
      tags.push({ key: t.key, value: t.value, line });
      citations.push({ kind: 'tag', sha: view.sha, line });
      if (kind === 'fixes' && t.ref?.sha) {
        fixes.push({ sha: t.ref.sha, subject: t.ref.subject ?? '', line });
        citations.push({ kind: 'sha', sha: t.ref.sha });
      }
    }
  }
  const prose = `${view.subject}\n${proseOfBody(view.message)}`;
  let bugClass: WrittenCase['bug']['bugClass'] = null;
  for (const name of CLASS_ORDER) {
    const w = BUG_WORDS.find((x) => x.name === name);
    const m = w?.re.exec(prose);
    if (m) {
      bugClass = { name: CLASS_NAMES[name] ?? name, word: m[0] };
      break;
    }
  }
  const featureWords = FEATURE_WORDS.flatMap((w) => {
    const m = w.re.exec(view.subject);
    // "remove interrupt support", "disable the new path": taking something away adds no feature.
    if (m && /\b(?:remove|drop|disable|revert|deprecate|forbid|reject)\b/i.test(view.subject.slice(0, m.index))) return [];
    return m ? [{ name: w.name, word: m[0] }] : [];
  });
  const removed: WrittenCase['bug']['removed'] = [];
  const added: WrittenCase['bug']['added'] = [];
  for (const f of diff.files) {
    if (f.binary) continue;
    for (const h of f.hunks) {
      h.removed.forEach((text, i) => {
        if (removed.length < maxLines && f.oldPath && diff.parent && text.trim()) {
          removed.push({ path: f.oldPath, line: h.oldStart + i, text });
          citations.push({ kind: 'file-line', rev: diff.parent, path: f.oldPath, line: h.oldStart + i, text });
        }
      });
      h.added.forEach((text, i) => {
        if (added.length < maxLines && f.newPath && text.trim()) {
          added.push({ path: f.newPath, line: h.newStart + i, text });
          citations.push({ kind: 'file-line', rev: diff.sha, path: f.newPath, line: h.newStart + i, text });
        }
      });
    }
  }
  return { bug: { tags, fixes, bugClass, removed, added }, featureWords, citations };
}
