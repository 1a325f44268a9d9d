/**
 * A case as Markdown, in the seed mail's order. Plain enough to read as text in a mail: no HTML, code
 * and quoted lines indented, no line that starts with `---` or `diff ` (git am would cut the mail there).
 */
import type { WrittenCase } from './types.js';

const short = (s: string): string => s.slice(0, 12);
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function caseMarkdown(c: WrittenCase): string {
  const out: string[] = [];
  out.push(`# ${short(c.sha)} ${c.subject}`, '');
  out.push(`**Verdict: ${c.verdict}** (confidence ${c.recommendation.confidence.toFixed(2)})`, '');
  out.push(c.summary, '');
  out.push('| branch | release | verdict | confidence | bug | queue applies | main reason |');
  out.push('|:--|:--|:--|--:|:--|:--|:--|');
  for (const b of c.branches) {
    const verdict = b.already ? `in branch (${b.already === 'ancestor' ? 'predates it' : short(b.already)})` : b.verdict;
    const applies = b.already ? '-' : b.apply.every((a) => a.result === 'not-tried') ? 'not tried' : b.applies ? 'yes' : 'no';
    out.push(
      `| ${b.branch} | ${b.release ?? '-'} | ${verdict} | ${b.confidence.toFixed(2)} | ${b.bug}${b.bugWith ? ` once ${short(b.bugWith)} is picked` : b.vulnerableSince && b.bug === 'affected' ? ` since ${short(b.vulnerableSince)}` : ''} | ${applies} | ${cell(b.reasons[0] ?? '')} |`,
    );
  }
  out.push('');

  out.push('## Code evidence', '');
  if (c.code.functions.length) {
    out.push('Functions changed:');
    for (const f of c.code.functions) out.push(`- \`${f.name}()\` at ${f.path}:${f.line} — ${f.change}, +${f.added} -${f.removed}`);
    out.push('');
  }
  if (c.code.callers.length) {
    out.push('Callers:');
    for (const k of c.code.callers) {
      const who = k.caller ? `\`${k.caller}()\`` : 'file-scope code';
      out.push(
        k.how === 'call'
          ? `- \`${k.callee}()\` is called by ${who} at ${k.path}:${k.line}`
          : `- \`${k.callee}()\` is registered by ${who} through ${k.how} at ${k.path}:${k.line}`,
      );
    }
    out.push('');
  }
  if (c.code.entryPoints.length) {
    out.push('Entry points:');
    for (const e of c.code.entryPoints) out.push(`- \`${e.function}()\` — ${e.kind}: ${e.how} (${e.path}:${e.line})`);
    out.push('');
  }
  if (c.code.reachability) out.push(`Reachability: ${c.code.reachability.conclusion}`, '');
  for (const n of c.code.notes) out.push(`Note: ${n}`, '');
  if (!c.code.functions.length && !c.code.notes.length) out.push('No function-level facts (no C functions changed).', '');

  out.push('## Bug analysis', '');
  if (c.bug.tags.length) {
    out.push('What the message says (tags):', '');
    for (const t of c.bug.tags) out.push(`    ${t.line}`);
    out.push('');
  }
  for (const st of c.bug.statements ?? []) out.push(`${st.trigger ? 'Trigger and effect' : 'Effect'} (the message): "${st.text}"`, '');
  if (c.bug.numbers?.length) out.push(`Numbers in the message: ${c.bug.numbers.join('; ')}`, '');
  if (c.bug.reporters?.length || c.bug.reportLinks?.length)
    out.push(`Reported by: ${c.bug.reporters?.join(', ') || '-'}; report: ${c.bug.reportLinks?.join(' ') || '-'}`, '');
  for (const s of c.bug.crashSites ?? []) out.push(`Assertion removed (crash site): ${s.path}:${s.line} \`${s.text.trim()}\``, '');
  for (const i of c.bug.introduced ?? [])
    out.push(
      `${i.how.startsWith('named') || (c.bug.introduced ?? []).length === 1 ? 'Introduced by' : 'Lines it removes were written by'} ${short(i.sha)} ("${i.subject}")${i.release ? `, first released in ${i.release}` : ''} (${i.how})`,
      '',
    );
  if (c.priority) out.push(`**Priority: ${c.priority.level}** — ${c.priority.effect} (the message says "${c.priority.word}")`, '');
  out.push(c.bug.bugClass ? `Bug class: ${c.bug.bugClass.name} (the message says "${c.bug.bugClass.word}").` : 'Bug class: none named by the message.', '');
  if (c.bug.removed.length) {
    out.push('Lines it removes (at the parent):', '');
    for (const l of c.bug.removed) out.push(`    ${l.path}:${l.line}: -${l.text}`);
    out.push('');
  }
  for (const k of c.bug.blameSkipped ?? []) {
    out.push(
      `Blame passed over ${short(k.sha)} ("${k.subject}"), listed in .git-blame-ignore-revs, for ${k.lines.slice(0, 3).join(', ')}${k.lines.length > 3 ? ', ...' : ''}.`,
      '',
    );
  }
  if (c.bug.added.length) {
    out.push('Lines it adds:', '');
    for (const l of c.bug.added) out.push(`    ${l.path}:${l.line}: +${l.text}`);
    out.push('');
  }

  out.push('## Code changes', '');
  out.push(`${c.changes.files.length} file(s), +${c.changes.added} -${c.changes.removed} lines, ${c.changes.hunks} hunk(s):`);
  for (const f of c.changes.files) out.push(`- ${f.path} (+${f.added} -${f.removed})`);
  out.push('');
  if (c.code.changes?.length) {
    out.push('What it does:', '');
    c.code.changes.forEach((ch, i) => out.push(`${i + 1}. **${ch.title}**: ${ch.text}`));
    out.push('');
  }
  for (const e of c.code.excerpts ?? []) {
    if (!e.lines.length && !e.more) continue;
    out.push(`\`${e.function}()\` (${e.path}, ${e.change}):`, '');
    for (const l of e.lines) out.push(`    ${l.sign}${String(l.line).padStart(5)}  ${l.text}`);
    if (e.more) out.push(`    ... ${e.more} more changed line(s), in the patch`);
    out.push('');
  }

  out.push('## Follow-up fixes and reverts required', '');
  if (!c.followUps.length) out.push('None: no later commit names this one in a Fixes: tag or reverts it.');
  c.followUps.forEach((f, i) => {
    const where = c.branches.map((b) => {
      if (b.followUpsHeld.some((h) => h.sha === f.sha)) {
        const h = b.followUpsHeld.find((x) => x.sha === f.sha)!;
        return `${b.branch}: already there${h.pick === 'ancestor' ? '' : ` as ${short(h.pick)}`}`;
      }
      return b.queue.some((q) => q.sha === f.sha) ? `${b.branch}: missing, queued after the candidate` : `${b.branch}: not needed`;
    });
    out.push(
      `${i + 1}. ${short(f.sha)} ("${f.subject}") ${f.kind === 'fixes' ? 'fixes it' : f.kind === 'reverts' ? 'reverts it' : 're-applies it'}${f.depth > 1 ? ` (depth ${f.depth})` : ''}${f.revertedUpstream ? ', itself reverted upstream' : ''}`,
    );
    out.push(`    ${f.line}`);
    if (f.story) out.push(`   ${f.story}`);
    out.push(`   ${where.join('; ')}`);
  });
  out.push('');

  out.push('## Prerequisites', '');
  if (!c.prerequisites.length) out.push('None found (blame of the removed and context lines, series, new symbols).');
  for (const p of c.prerequisites) {
    out.push(`- ${short(p.sha)} ("${p.subject}"), ${p.strength}, missing from ${p.branches.join(', ')}`);
    for (const w of p.why) out.push(`    ${w}`);
  }
  out.push('');

  out.push('## Suitability', '');
  out.push('For:');
  for (const f of c.suitability.for) out.push(`- ${f.text}`);
  if (!c.suitability.for.length) out.push('- nothing computed speaks for it');
  out.push('', 'Against:');
  for (const f of c.suitability.against) out.push(`- ${f.text}`);
  if (!c.suitability.against.length) out.push('- nothing computed speaks against it');
  out.push('');

  out.push(`## Stable rules (${c.rules.name})`, '');
  out.push('| rule | status | evidence |', '|:--|:--|:--|');
  for (const r of c.rules.rows) out.push(`| ${cell(r.rule)} | ${r.status} | ${cell(r.evidence)} |`);
  out.push('');

  out.push(`## Risk: ${c.risk.level}`, '');
  for (const f of c.risk.factors) out.push(`- ${f}`);
  out.push('');
  if (c.risk.reconcile) out.push(c.risk.reconcile, '');

  out.push('## Recommendation', '');
  const r = c.recommendation;
  out.push(`- Target trees: ${r.targets.length ? r.targets.join(', ') : 'none'}`);
  out.push(
    `- The bug is in: ${r.affected.length ? r.affected.join(', ') : 'no branch shown to hold it'}; the queue applies to: ${r.applies.length ? r.applies.join(', ') : 'none'}`,
  );
  for (const g of r.gaps) out.push(`- Gap: ${g}`);
  if (r.required.length) {
    out.push('- Required commits, in this order:');
    r.required.forEach((s, i) => {
      const m = c.branches.flatMap((b) => b.queue).find((q) => q.sha === s);
      out.push(`  ${i + 1}. ${short(s)} ${m ? `[${m.role}] ${m.subject}` : ''}`.trimEnd());
    });
  }
  out.push(`- Confidence: ${r.confidence.toFixed(2)}`);
  out.push('');

  out.push('## Reasons per branch', '');
  for (const b of c.branches) {
    out.push(`${b.branch} (${b.verdict}, ${b.confidence.toFixed(2)}):`);
    for (const x of b.reasons) out.push(`- ${x}`);
    for (const a of b.apply) out.push(`- trial pick of ${short(a.sha)}: ${a.result}${a.reason ? ` — ${a.reason}` : ''}`);
    out.push('');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
