/**
 * The parts of a case that weigh facts: suitability (for / against), risk, the recommendation (target
 * trees, required commits in order, confidence) and the one-paragraph summary. Each sentence is built
 * from a fact already in the case and names its sha; none adds a fact of its own.
 */
import type { Citation, Fact, WrittenCase } from './types.js';

export type CaseCore = Pick<WrittenCase, 'sha' | 'subject' | 'branches' | 'code' | 'bug' | 'changes' | 'followUps' | 'prerequisites' | 'rules'>;

const short = (s: string): string => s.slice(0, 12);
const sha = (s: string): Citation => ({ kind: 'sha', sha: s });

export function suitability(c: CaseCore, featureWords: readonly { name: string; word: string }[]): WrittenCase['suitability'] {
  const pro: Fact[] = [];
  const con: Fact[] = [];
  for (const f of c.bug.fixes) pro.push({ text: `fixes ${short(f.sha)} ("${f.subject}"), named by "${f.line}"`, cites: [sha(f.sha)] });
  const reported = c.bug.tags.filter((t) => t.key.toLowerCase() === 'reported-by' || t.key.toLowerCase() === 'closes');
  if (reported.length) pro.push({ text: `a reported problem: ${reported.map((t) => `"${t.line}"`).join(', ')}`, cites: [sha(c.sha)] });
  if (c.bug.bugClass) pro.push({ text: `the message describes a ${c.bug.bugClass.name} ("${c.bug.bugClass.word}")`, cites: [sha(c.sha)] });
  const reviews = c.bug.tags.filter((t) => /^(reviewed|acked|tested)-by$/i.test(t.key));
  if (reviews.length) pro.push({ text: `${reviews.length} review/test tag(s): ${reviews.map((t) => t.key).join(', ')}`, cites: [sha(c.sha)] });
  const total = c.changes.added + c.changes.removed;
  const size = c.rules.rows.find((r) => /100 lines|small and contained/.test(r.rule));
  if (size?.status === 'not met') con.push({ text: `bigger than the size rule allows: ${size.evidence}`, cites: [sha(c.sha)] });
  else if (total <= 100)
    pro.push({ text: `contained: +${c.changes.added} -${c.changes.removed} lines in ${c.changes.files.length} file(s)`, cites: [sha(c.sha)] });
  else con.push({ text: `large: +${c.changes.added} -${c.changes.removed} lines in ${c.changes.files.length} file(s)`, cites: [sha(c.sha)] });
  for (const w of featureWords) con.push({ text: `the subject says "${w.word}" (${w.name})`, cites: [sha(c.sha)] });
  const missingFu = c.followUps.filter((f) => !f.revertedUpstream && c.branches.some((b) => b.queue.some((q) => q.sha === f.sha)));
  if (missingFu.length)
    con.push({
      text: `needed ${missingFu.length} later fix(es) upstream, which must go with it: ${missingFu.map((f) => short(f.sha)).join(', ')}`,
      cites: missingFu.map((f) => sha(f.sha)),
    });
  const reverted = c.followUps.filter((f) => f.kind === 'reverts' && !f.revertedUpstream);
  if (reverted.length) con.push({ text: `reverted upstream by ${reverted.map((f) => short(f.sha)).join(', ')}`, cites: reverted.map((f) => sha(f.sha)) });
  const strong = c.prerequisites.filter((p) => p.strength === 'strong');
  if (strong.length)
    con.push({ text: `needs ${strong.length} earlier commit(s) first: ${strong.map((p) => short(p.sha)).join(', ')}`, cites: strong.map((p) => sha(p.sha)) });
  for (const b of c.branches) {
    const bad = b.apply.find((a) => a.result === 'conflict');
    if (bad) con.push({ text: `does not apply to ${b.branch}: ${short(bad.sha)} ${bad.reason}`, cites: [sha(bad.sha)] });
    if (b.bug === 'clean') con.push({ text: `${b.branch} never had the bug: it lacks what the fix names`, cites: [sha(c.sha)] });
  }
  return { for: pro, against: con };
}

/**
 * Risk from stated factors, each with its evidence; every factor moves the score by -1, 0, +1 or +2:
 * size, spread (existing functions changed, files, directories), exposure (how the code is reached),
 * the candidate's own trial pick, follow-up fixes upstream, review and test tags. LOW at 0 or less,
 * MEDIUM at 1-2, HIGH at 3 or more. When the verdict is YES and the risk is HIGH or a stable rule is
 * not met, `reconcile` says why the verdict stands, from the same facts.
 */
export function riskOf(c: CaseCore, priority: WrittenCase['priority'] = null): WrittenCase['risk'] {
  const factors: string[] = [];
  let score = 0;
  const add = (n: number, text: string): void => {
    score += n;
    factors.push(`${text} [${n > 0 ? `+${n}` : n}]`);
  };
  const total = c.changes.added + c.changes.removed;
  add(total > 100 ? 2 : total > 30 ? 1 : 0, `size: ${total} changed lines (+${c.changes.added} -${c.changes.removed})`);
  const existing = c.code.functions.filter((f) => f.change !== 'added');
  const fresh = c.code.functions.length - existing.length;
  const dirs = [...new Set(c.changes.files.map((f) => f.path.split('/').slice(0, -1).join('/') || '.'))];
  const spread = existing.length > 5 || c.changes.files.length > 3 || dirs.length > 2;
  const why =
    existing.length > 5
      ? `${existing.length} existing functions changed`
      : c.changes.files.length > 3
        ? `${c.changes.files.length} files`
        : dirs.length > 2
          ? `${dirs.length} directories`
          : 'contained';
  add(
    spread ? 1 : 0,
    `spread (${why}): ${c.changes.files.length} file(s) in ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'} (${dirs.slice(0, 3).join(', ')}${dirs.length > 3 ? ', ...' : ''}); ${existing.length} existing function(s) changed${fresh ? `, ${fresh} new` : ''}`,
  );
  const kinds = new Set(c.code.entryPoints.map((e) => e.kind));
  if (c.code.entryPoints.length) {
    // A main() is a program of its own (a tool, a test): it does not expose the changed code to users.
    const user = kinds.has('syscall') || kinds.has('exported') || kinds.has('bpf-helper');
    const ops = c.code.entryPoints.filter((e) => e.kind === 'ops').map((e) => `${e.function}()`);
    if (user) add(0, `exposure: reached from ${[...kinds].filter((k) => ['syscall', 'exported', 'bpf-helper'].includes(k)).join(', ')} entry points`);
    else
      add(
        -1,
        `exposure: no system call or exported entry within ${c.code.reachability?.depth ?? 2} caller levels${ops.length ? `; reached from outside only through ${[...new Set(ops)].join(', ')} (registration)` : ''}`,
      );
  }
  const own = c.branches.flatMap((b) => b.apply.filter((a) => a.sha === c.sha).map((a) => ({ b: b.branch, r: a.result })));
  const conflicts = own.filter((o) => o.r === 'conflict').map((o) => o.b);
  const offsets = own.filter((o) => o.r === 'clean-with-offset').map((o) => o.b);
  const strong = c.prerequisites.filter((p) => p.strength === 'strong');
  if (strong.length)
    add(
      strong.length >= 3 ? 2 : 1,
      `needs ${strong.length} earlier commit(s) first: ${strong
        .slice(0, 4)
        .map((p) => short(p.sha))
        .join(', ')}${strong.length > 4 ? ', ...' : ''}`,
    );
  const queueConflicts = c.branches.flatMap((b) =>
    b.apply.filter((a) => a.result === 'conflict' && a.sha !== c.sha).map((a) => `${short(a.sha)} on ${b.branch}`),
  );
  if (conflicts.length) add(1, `the candidate does not apply as is to ${conflicts.join(', ')}: a backport has to adapt it`);
  else if (queueConflicts.length) add(1, `the queue does not apply as is (${queueConflicts.join(', ')}): a backport has to adapt it`);
  else if (own.some((o) => o.r !== 'not-tried'))
    add(0, `the candidate applies ${offsets.length ? `with moved hunks to ${offsets.join(', ')}, cleanly elsewhere` : 'cleanly to every branch tried'}`);
  const fu = c.followUps.filter((f) => f.kind === 'fixes');
  if (fu.length) {
    const queued = fu.filter((f) => c.branches.some((b) => b.queue.some((q) => q.sha === f.sha)));
    add(
      Math.min(2, fu.length),
      `upstream needed ${fu.length} follow-up fix(es): ${fu.map((f) => short(f.sha)).join(', ')}${queued.length ? ` (${queued.length === fu.length ? 'all' : queued.length} queued with it)` : ''}`,
    );
  }
  const reviews = c.bug.tags.filter((t) => /^(reviewed|acked)-by$/i.test(t.key)).length;
  const tested = c.bug.tags.filter((t) => /^tested-by$/i.test(t.key)).length;
  add(reviews >= 2 || tested ? -1 : 0, `review: ${reviews} Reviewed-by/Acked-by, ${tested} Tested-by`);
  const level: WrittenCase['risk']['level'] = score >= 3 ? 'high' : score >= 1 ? 'medium' : 'low';
  const notMet = c.rules.rows.filter((r) => r.status === 'not met');
  const yes = c.branches.some((b) => b.verdict === 'YES' && !b.already);
  let reconcile: string | undefined;
  if (yes && (level === 'high' || notMet.length)) {
    const despite = [
      ...(level === 'high' ? [`the risk is HIGH (score ${score})`] : []),
      ...notMet.map((r) => `the rule "${r.rule}" is not met (${r.evidence})`),
    ];
    const because: string[] = [];
    if (priority)
      because.push(
        `the bug is ${/^[aeiou]/i.test(priority.effect) ? 'an' : 'a'} ${priority.effect} (priority ${priority.level}: the message says "${priority.word}")`,
      );
    const reported = c.bug.tags.filter((t) => /^(reported-by|closes)$/i.test(t.key)).length;
    if (reported) because.push(`it was reported (${reported} Reported-by/Closes)`);
    if (c.bug.fixes.length) because.push(`it fixes ${c.bug.fixes.map((f) => short(f.sha)).join(', ')}`);
    if (fu.length) because.push('its follow-up fix(es) go with it');
    if (level !== 'high') because.push(`the risk factors add up to ${level.toUpperCase()} (score ${score})`);
    reconcile = `Still YES although ${despite.join(' and ')}: ${because.length ? because.join('; ') : 'the selection scored it YES on the reasons listed'}. A maintainer may weigh this differently.`;
  }
  return { level, factors, ...(reconcile ? { reconcile } : {}) };
}

export function recommend(c: CaseCore): WrittenCase['recommendation'] {
  const affected = c.branches.filter((b) => b.bug === 'affected').map((b) => b.branch);
  const applies = c.branches.filter((b) => b.applies).map((b) => b.branch);
  const targets = c.branches.filter((b) => b.verdict === 'YES' && !b.already && b.bug !== 'clean' && b.applies).map((b) => b.branch);
  const gaps: string[] = [];
  for (const b of c.branches) {
    if (b.already) continue;
    if (b.bug === 'affected' && !b.applies) {
      const bad = b.apply.find((a) => a.result === 'conflict');
      gaps.push(`${b.branch} has the bug but the queue does not apply${bad ? ` (${short(bad.sha)}: ${bad.reason})` : ''}: it needs a manual backport`);
    }
    if (b.bug === 'clean' && b.applies) gaps.push(`${b.branch}: the patch applies, but the branch never had the bug`);
    if (b.verdict === 'YES' && b.bug === 'unknown')
      gaps.push(`${b.branch}: no Fixes: tag and no blamed line says where the bug came from; the verdict rests on the selection's reasons`);
  }
  // The union of the targets' queues: prerequisites, the candidate, follow-ups, each group in upstream order.
  const members = new Map<string, { role: string; at: number }>();
  for (const b of c.branches.filter((x) => targets.includes(x.branch))) {
    b.queue.forEach((q, i) => {
      const rank = q.role === 'prerequisite' ? 0 : q.role === 'candidate' ? 1 : 2;
      const have = members.get(q.sha);
      if (!have || have.at > rank * 1e6 + i) members.set(q.sha, { role: q.role, at: rank * 1e6 + i });
    });
  }
  const order = [...members.entries()].sort((a, b) => a[1].at - b[1].at).map(([s]) => s);
  const conf = c.branches.filter((b) => targets.includes(b.branch)).map((b) => b.confidence);
  return {
    targets,
    affected,
    applies,
    gaps,
    required: order,
    confidence: conf.length ? Math.min(...conf) : Math.max(0, ...c.branches.map((b) => b.confidence)),
  };
}

export function summaryOf(c: WrittenCase): string {
  const yes = c.branches.filter((b) => b.verdict === 'YES' && !b.already).map((b) => b.branch);
  const no = c.branches.filter((b) => b.verdict === 'NO').map((b) => b.branch);
  const review = c.branches.filter((b) => b.verdict === 'NEEDS-REVIEW').map((b) => b.branch);
  const held = c.branches.filter((b) => b.already).map((b) => `${b.branch} (${b.already === 'ancestor' ? 'predates the branch' : `as ${short(b.already!)}`})`);
  const parts: string[] = [];
  if (yes.length) parts.push(`YES for ${yes.join(', ')}`);
  if (review.length) parts.push(`NEEDS-REVIEW for ${review.join(', ')}`);
  if (no.length) parts.push(`NO for ${no.join(', ')}`);
  if (held.length) parts.push(`already in ${held.join(', ')}`);
  const lines = [`${short(c.sha)} ("${c.subject}"): ${parts.join('; ')}.`];
  const decided = c.branches.find((b) => b.verdict === 'YES' && !b.already) ?? c.branches[0];
  // The main reason points the verdict's way: for a YES not a feature that lowered the score, for a NO not one that raised it.
  const against = decided?.verdict === 'YES' ? '(lowers the score)' : decided?.verdict === 'NO' ? '(raises the score)' : null;
  const main = decided?.reasons.find((r) => !against || !r.endsWith(against));
  if (main) lines.push(`Main reason: ${main}.`);
  const fu = c.followUps.filter((f) => !f.revertedUpstream && c.branches.some((b) => b.queue.some((q) => q.sha === f.sha)));
  if (fu.length)
    lines.push(
      `It must be backported together with ${fu.map((f) => `${short(f.sha)} ("${f.subject}")`).join(', ')}, which ${fu.length > 1 ? 'fix' : 'fixes'} it.`,
    );
  if (c.recommendation.targets.length) lines.push(`Target trees: ${c.recommendation.targets.join(', ')}.`);
  return lines.join(' ');
}
