/**
 * The other ways a project takes a planned series: a cherry-pick script for projects that pick by
 * `git cherry-pick -x` (Xen, OpenVPN, systemd), with the review list as its opening comment, and a
 * quilt series (one directory per branch: a `series` file and the patches). The AUTOSEL mbox is
 * autosel-mail.ts. Nothing here runs git: the script is for the maintainer to read and run.
 */
import type { SeriesPlan } from '../series/plan.js';
import { wrap } from '../case/text.js';

const short = (s: string): string => s.slice(0, 12);
/** A shell word: single-quoted unless plainly safe. */
const sh = (s: string): string => (/^[\w./@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** The review list: per pick, its branches, verdict, risk, priority and summary, as `# ` comment lines. */
function reviewList(plan: SeriesPlan): string[] {
  const out: string[] = [];
  for (const m of plan.members) {
    out.push(`${short(m.sha)} ${m.subject}`);
    out.push(
      `  branches: ${m.trees.map((t) => t.branch).join(', ')}${m.kind === 'dependency' ? ` (prerequisite of ${m.neededBy.map(short).join(', ')})` : ''}`,
    );
    const c = m.case;
    if (c) {
      out.push(`  verdict ${c.verdict}, risk ${c.risk.level.toUpperCase()}${c.priority ? `, priority ${c.priority.level} (${c.priority.effect})` : ''}`);
      out.push(...wrap(c.summary, 70, '  ', '  '));
      const s = c.bug.statements?.[0];
      if (s) out.push(...wrap(`the message: "${s.text}"`, 70, '  ', '    '));
    }
    out.push('');
  }
  for (const s of plan.skipped) out.push(...wrap(`not picked: ${short(s.sha)} ${s.subject}: ${s.reason}`, 70));
  return out;
}

/** A POSIX shell script: per branch, switch to it and cherry-pick each member with -x, oldest first. */
export function cherryPickScript(plan: SeriesPlan): string {
  const lines = [
    '#!/bin/sh',
    '# Stable picks planned by stablepick (`mail --format cherry-pick`).',
    '# Read the review list, then run this script in a clean work tree.',
    '#',
  ];
  for (const l of reviewList(plan)) lines.push(l ? `# ${l}` : '#');
  lines.push('', 'set -e', '');
  for (const t of plan.trees) {
    const mine = plan.members.filter((m) => m.trees.some((x) => x.branch === t.branch));
    if (!mine.length) continue;
    lines.push(`# ${t.branch}${t.release ? ` (at ${t.release})` : ''}: ${mine.length} pick(s)`);
    lines.push(`git switch ${sh(t.branch)}`);
    for (const m of mine) lines.push(`git cherry-pick -x ${m.sha}  # ${m.subject.replace(/[\r\n]/g, ' ')}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Quilt series: per branch a folder with `series` and the patches (each adapted to the newest tree it names). */
export function quiltSeries(plan: SeriesPlan, slug: (subject: string) => string): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  for (const t of plan.trees) {
    const mine = plan.members.filter((m) => m.patch && m.trees.some((x) => x.branch === t.branch));
    if (!mine.length) continue;
    const names = mine.map((m, i) => `${String(i + 1).padStart(4, '0')}-${slug(m.subject)}.patch`);
    mine.forEach((m, i) => files.push({ path: `${t.branch}/${names[i]}`, text: m.patch }));
    files.push({ path: `${t.branch}/series`, text: `${names.join('\n')}\n` });
  }
  return files;
}
