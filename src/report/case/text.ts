/**
 * A case as the plain text of a mail, for readers on lore, mutt and b4: lines wrapped at 72 columns
 * (code excerpts broken with a `\` when longer), tables as aligned columns, no Markdown. It opens with
 * how many facts were checked, logs each computed fact as a numbered "Record:" step, and ends with a
 * "Verification" list (the git or parse step behind each kind of fact) and the "Unverified" items.
 * The Markdown and JSON forms keep the rich layout (markdown.ts).
 */
import type { Citation, WrittenCase } from './types.js';

const TEXT_WIDTH = 72;
const short = (s: string): string => s.slice(0, 12);

/** Greedy word wrap; `first` and `rest` are the prefixes of the first and following lines. A word longer than the line (a URL) stays whole. */
export function wrap(text: string, width = TEXT_WIDTH, first = '', rest = first): string[] {
  const out: string[] = [];
  let cur = first;
  let empty = true;
  for (const w of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if (!w) continue;
    if (!empty && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = rest + w;
    } else {
      cur += (empty ? '' : ' ') + w;
    }
    empty = false;
  }
  out.push(cur);
  return out.map((l) => l.trimEnd());
}

/** A code line for the mail: leading tabs as two spaces, other tabs as one, broken with ` \` when too long. */
export function codeLines(prefix: string, text: string, width = TEXT_WIDTH): string[] {
  const lead = /^\t*/.exec(text)![0].length;
  const body = `${'  '.repeat(lead)}${text.slice(lead).replace(/\t+/g, ' ')}`.trimEnd();
  const room = width - prefix.length;
  if (body.length <= room) return [`${prefix}${body}`];
  const out: string[] = [];
  let rest = body;
  let p = prefix;
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room - 2);
    if (cut <= room / 3) cut = room - 2;
    out.push(`${p}${rest.slice(0, cut).trimEnd()} \\`);
    rest = rest.slice(cut).trimStart();
    p = `${' '.repeat(prefix.length)}    `;
  }
  out.push(`${p}${rest}`);
  return out;
}

/** Rows as aligned columns when they fit the width, else one "header: value" block per row. */
export function alignedTable(headers: readonly string[], rows: readonly (readonly string[])[], width = TEXT_WIDTH, indent = '  '): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const total = indent.length + widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1);
  if (total <= width) {
    const fmt = (r: readonly string[]): string => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
    return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  }
  const out: string[] = [];
  const label = Math.max(...headers.map((h) => h.length)) + 2;
  for (const r of rows) {
    headers.forEach((h, i) => out.push(...wrap(r[i] ?? '', width, `${indent}${`${h}:`.padEnd(label)}`, `${indent}${' '.repeat(label)}`)));
    out.push('');
  }
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** The Verification list: each kind of cited fact, how many, and the step that checked it. */
function verificationItems(c: WrittenCase): string[] {
  const by = <K extends Citation['kind']>(k: K): Extract<Citation, { kind: K }>[] =>
    c.citations.filter((x): x is Extract<Citation, { kind: K }> => x.kind === k);
  const items: string[] = [];
  const shas = by('sha');
  if (shas.length)
    items.push(
      `${shas.length} commit(s) exist in the index built from git log: ${shas
        .slice(0, 6)
        .map((s) => short(s.sha))
        .join(', ')}${shas.length > 6 ? `, and ${shas.length - 6} more` : ''}`,
    );
  const refs = by('ref');
  if (refs.length)
    items.push(
      `${refs.length} branch tip(s) match the index (git rev-parse <branch> when indexed): ${refs.map((r) => `${r.name} = ${short(r.sha)}`).join(', ')}`,
    );
  const lines = by('file-line');
  if (lines.length) {
    const revs = [...new Set(lines.map((l) => short(l.rev)))];
    const withText = lines.filter((l) => l.text !== undefined).length;
    items.push(
      `${lines.length} file line(s) read at their revision (git cat-file --batch <rev>:<path>), ${withText} of them compared with the quoted text; revisions: ${revs.join(', ')}`,
    );
  }
  const fns = by('function');
  if (fns.length) items.push(`${fns.length} function definition(s) from the tree-sitter C parse, each re-read at its line (git cat-file --batch <rev>:<path>)`);
  const tags = by('tag');
  const quotes = by('quote');
  if (tags.length || quotes.length)
    items.push(`${tags.length} trailer line(s) and ${quotes.length} quote(s) found in the commit messages (the index's copy of git log --format=%B)`);
  const rel = by('release');
  if (rel.length)
    items.push(
      `${rel.length} first release(s) as the index recorded them from the tags (git tag --contains <sha>, oldest release): ${rel.map((r) => `${short(r.sha)} in ${r.tag}`).join(', ')}`,
    );
  const tried = c.branches.flatMap((b) => b.apply.filter((a) => a.result !== 'not-tried').map((a) => `${short(a.sha)} on ${b.branch}: ${a.result}`));
  if (tried.length) items.push(`trial picks in a private object directory (git cherry-pick onto the branch tip): ${tried.join('; ')}`);
  items.push('no sha or path:line appears in this text without one of the citations above (checked on the rendered text)');
  return items;
}

/** What the case states without a check behind it. */
function unverifiedItems(c: WrittenCase): string[] {
  const out: string[] = [];
  if (c.bug.statements?.length) out.push("the trigger and effect are the message's own words; no test reproduced them");
  if (c.priority) out.push(`the priority comes from the words of the message ("${c.priority.word}"), not from a reproduction`);
  if (c.code.changes?.length)
    out.push('the change facts match patterns on the changed lines (calls, conditions, labels); they do not prove the new code correct');
  if (c.code.functions.length)
    out.push(
      `callers were looked up ${c.code.reachability?.depth ?? 2} level(s) deep by name; calls through function pointers are seen only where the pointer is registered`,
    );
  if (c.followUps.some((f) => f.story)) out.push('what a follow-up fixes is read from its message and diff; it was not run');
  const unknown = c.branches.filter((b) => b.bug === 'unknown' && !b.already).map((b) => b.branch);
  if (unknown.length) out.push(`whether ${unknown.join(', ')} hold(s) the bug: no Fixes: tag and no blamed line said so`);
  if (c.branches.some((b) => b.apply.some((a) => a.result === 'not-tried'))) out.push('some trial picks were not tried (see the table)');
  out.push('no build and no test run on the target branches');
  return out;
}

export interface CaseTextOptions {
  width?: number;
}

/** The written case as plain text for the body of a mail (after the `---` line). */
export function caseText(c: WrittenCase, opts: CaseTextOptions = {}): string {
  const W = opts.width ?? TEXT_WIDTH;
  const out: string[] = [];
  const para = (t: string, first = '', rest = first): void => void out.push(...wrap(t, W, first, rest));
  const blank = (): void => void out.push('');

  para(
    `This analysis was computed by stablepick from the git history and a C parse of the trees. Its ${c.citations.length} cited facts (commits, lines, functions, trailers, quotes, releases, branch tips) were checked against the repository before this mail was written; the steps are listed under "Verification" at the end.`,
  );
  blank();
  const r = c.recommendation;
  para(
    `Verdict: ${c.verdict} (confidence ${r.confidence.toFixed(2)}). Risk: ${c.risk.level.toUpperCase()}.${c.priority ? ` Priority: ${c.priority.level} (${c.priority.effect}).` : ' Priority: not stated (the message names no effect).'}`,
  );
  blank();
  para(c.summary);
  blank();

  out.push(
    ...alignedTable(
      ['branch', 'release', 'verdict', 'bug', 'applies'],
      c.branches.map((b) => [
        b.branch,
        b.release ?? '-',
        b.already ? `held (${b.already === 'ancestor' ? 'predates' : short(b.already)})` : `${b.verdict} ${b.confidence.toFixed(2)}`,
        `${b.bug}${b.bugWith ? ` once ${short(b.bugWith)} is in` : b.vulnerableSince && b.bug === 'affected' ? ` since ${short(b.vulnerableSince)}` : ''}`,
        b.already ? '-' : b.apply.every((a) => a.result === 'not-tried') ? 'not tried' : b.applies ? 'yes' : 'no',
      ]),
      W,
    ),
  );
  blank();

  // Record: every computed fact as one numbered step.
  out.push('Record:');
  let n = 0;
  const rec = (t: string): void => {
    n++;
    const tag = `${String(n).padStart(2)}. `;
    para(t, `  ${tag}`, `  ${' '.repeat(tag.length)}`);
  };
  for (const s of c.bug.statements ?? []) rec(`${s.trigger ? 'Trigger and effect' : 'Effect'} (the message): "${s.text}"`);
  if (c.bug.numbers?.length) rec(`Numbers in the message: ${c.bug.numbers.join('; ')}.`);
  if (c.bug.reporters?.length) rec(`Reported by ${c.bug.reporters.join(', ')}${c.bug.reportLinks?.length ? `; report: ${c.bug.reportLinks.join(' ')}` : ''}.`);
  else if (c.bug.reportLinks?.length) rec(`Link(s) in the message: ${c.bug.reportLinks.join(' ')}.`);
  for (const s of c.bug.crashSites ?? []) rec(`Assertion removed, the crash site: ${s.path}:${s.line} \`${s.text.trim()}\`.`);
  // A class from a weak word ("fix", "bug", "error") says nothing a reader can use: left out.
  if (!c.bug.statements?.length && c.bug.bugClass && !/unclassified|wrong behaviour/.test(c.bug.bugClass.name))
    rec(`Bug class from the words of the message: ${c.bug.bugClass.name} ("${c.bug.bugClass.word}").`);
  // A Fixes: tag names the commit that brought the bug; blame says who wrote the lines removed, which
  // names the bug's origin only when one commit wrote them all.
  const intro = c.bug.introduced ?? [];
  const blamed = intro.filter((i) => !i.how.startsWith('named'));
  // Many blamed commits (an API change touching old code) are one record, not one per commit.
  if (blamed.length > 3) {
    rec(
      `Lines it removes were written by ${blamed.length} commits (blame of the removed lines): ${blamed
        .slice(0, 3)
        .map((i) => `${short(i.sha)} ("${i.subject}")${i.release ? `, first released in ${i.release}` : ''}`)
        .join('; ')}; and ${blamed.length - 3} more.`,
    );
  }
  for (const i of intro.filter((x) => x.how.startsWith('named') || blamed.length <= 3)) {
    const rel = i.release ? `, first released in ${i.release}` : ', in no release yet';
    rec(
      i.how.startsWith('named') || (c.bug.introduced ?? []).length === 1
        ? `Introduced by ${short(i.sha)} ("${i.subject}")${rel} (${i.how}).`
        : `Lines it removes were written by ${short(i.sha)} ("${i.subject}")${rel} (${i.how}).`,
    );
  }
  for (const ch of c.code.changes ?? []) rec(`Change (${ch.title}): ${ch.text}.`);
  if (!c.code.changes?.length && c.code.functions.length)
    rec(`Functions changed: ${c.code.functions.map((f) => `${f.name}() (${f.change}, +${f.added} -${f.removed})`).join(', ')}.`);
  for (const note of c.code.notes) rec(`Note: ${note}.`);
  for (const f of c.followUps) {
    const what = f.kind === 'fixes' ? 'fixes it' : f.kind === 'reverts' ? 'reverts it' : 're-applies it';
    const where = c.branches
      .map((b) =>
        b.followUpsHeld.some((h) => h.sha === f.sha)
          ? `${b.branch} holds it`
          : b.queue.some((q) => q.sha === f.sha)
            ? `${b.branch} lacks it, queued after the candidate`
            : `${b.branch} does not need it`,
      )
      .join('; ');
    rec(`Follow-up ${short(f.sha)} ("${f.subject}") ${what} (${f.line}). ${f.story ?? ''} Branches: ${where}.`);
  }
  for (const p of c.prerequisites)
    rec(`Prerequisite ${short(p.sha)} ("${p.subject}"), ${p.strength}, missing from ${p.branches.join(', ')}: ${p.why.join('; ')}.`);
  if (c.code.reachability) rec(`Reachability: ${c.code.reachability.conclusion}`);
  rec(`Risk ${c.risk.level.toUpperCase()}, from these factors (score change in brackets): ${c.risk.factors.join('; ')}.`);
  if (c.priority)
    rec(
      `Priority ${c.priority.level}: the effect is ${/^[aeiou]/i.test(c.priority.effect) ? 'an' : 'a'} ${c.priority.effect} (the message says "${c.priority.word}").`,
    );
  const notMet = c.rules.rows.filter((x) => x.status !== 'met');
  rec(
    `${/^stable rules$/i.test(c.rules.name) ? 'Stable rules' : `Stable rules (${c.rules.name})`}: ${c.rules.rows.length - notMet.length} of ${c.rules.rows.length} met${notMet.length ? `; ${notMet.map((x) => `${x.status}: "${x.rule}" (${x.evidence})`).join('; ')}` : ''}.`,
  );
  if (c.risk.reconcile) rec(c.risk.reconcile);
  for (const g of r.gaps) rec(`Gap: ${g}.`);
  if (r.required.length)
    rec(
      `Required commits, in this order: ${r.required.map((s, i) => `${i + 1}. ${short(s)}`).join(' ')}; target trees: ${r.targets.length ? r.targets.join(', ') : 'none'}.`,
    );
  blank();

  // Excerpts of each changed function.
  const ex = (c.code.excerpts ?? []).filter((e) => e.lines.length || e.more);
  if (ex.length) {
    out.push('Changed lines per function (- at the parent, + at the commit):');
    for (const e of ex) {
      blank();
      para(`${e.function}() in ${e.path}, ${e.change}:`, '  ');
      for (const l of e.lines) out.push(...codeLines(`    ${l.sign}${String(l.line).padStart(5)}  `, l.text, W));
      if (e.more) para(`... ${e.more} more changed line(s) of ${e.function}() are in the patch below`, '    ');
    }
    blank();
  }

  if (c.code.callers.length) {
    out.push('Callers and registrations:');
    for (const k of c.code.callers) {
      const who = k.caller ? `${k.caller}()` : 'file-scope code';
      const t =
        k.how === 'call'
          ? `${k.callee}() is called by ${who} at ${k.path}:${k.line}`
          : `${k.callee}() is registered by ${who} through ${k.how.replace(/ in \w+\(\)$/, '').replace(/^passed to /, '')} at ${k.path}:${k.line}`;
      para(t, '  - ', '    ');
    }
    blank();
  }
  if (c.code.entryPoints.length) {
    out.push('Entry points:');
    for (const e of c.code.entryPoints) para(`${e.function}(): ${e.kind}, ${e.how} (${e.path}:${e.line})`, '  - ', '    ');
    blank();
  }

  out.push('Verification:');
  for (const v of verificationItems(c)) para(v, '  - ', '    ');
  blank();
  out.push('Unverified:');
  for (const u of unverifiedItems(c)) para(u, '  - ', '    ');
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
