/**
 * Export of a branch's accepted queue, in upstream commit order:
 *   - cherry-pick: a bash script, one `git cherry-pick -x <sha>` per commit with its subject as comment;
 *   - quilt: a folder with one adapted .patch per commit and a `series` file;
 *   - mbox: the same adapted patches as one mbox (for `git am`).
 * Adapted patches come from a trial queue (ApplyChecker in queue mode: each commit onto the result of the
 * ones before it, in a private object directory); each carries `(cherry picked from commit <sha>)` as
 * `git cherry-pick -x` would write it. A commit the branch already has is left out (noted). The queue
 * stops at the first conflict: quilt writes that commit's upstream patch with a note and lists it, and
 * what follows, commented out in `series`; the result says so, and the command exits non-zero.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApplyChecker } from '../analysis/apply/apply-check.js';
import type { ApplyResult } from '../analysis/apply/types.js';
import { formatPatch } from '../git/format-patch.js';
import type { Repository } from '../git/repo.js';
import { userErrorOf, type DB } from '../history/db.js';
import { stageFolder, writeOutputFile } from '../report/output-file.js';
import { patchAsMboxEntry } from './mbox.js';
import { ReviewStore } from './store.js';
import { commitRecord, type CommitRecord } from '../history/tables/commits.js';
import { pickedAs } from '../history/tables/branches.js';

export type ExportFormat = 'mbox' | 'cherry-pick' | 'quilt';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['mbox', 'cherry-pick', 'quilt'];

export interface QueuedCommit {
  sha: string;
  subject: string;
  /** Set when the index knows the branch already holds a pick of it. */
  onBranchAs: string | null;
}

export interface ExportMember {
  sha: string;
  subject: string;
  /** written: in the output; already-applied / empty: left out; conflict: does not apply; not-tried: after a conflict. */
  state: 'written' | 'already-applied' | 'empty' | 'conflict' | 'not-tried';
  reason: string;
  file?: string;
}

export interface ExportResult {
  branch: string;
  format: ExportFormat;
  out: string;
  members: ExportMember[];
  /** The first commit that does not apply (quilt, mbox), or null. */
  conflict: { sha: string; subject: string; reason: string } | null;
}

/** The accepted commits of `branch`, in upstream commit order (commit date, then author date). */
export function acceptedQueue(db: DB, branch: string): QueuedCommit[] {
  const shas = new ReviewStore(db).list({ branch, status: 'accepted' }).map((r) => r.sha);
  if (!shas.length) return [];
  const rows = shas.map((s) => commitRecord(db, s) as CommitRecord);
  rows.sort((a, b) => a.commit_time - b.commit_time || a.author_time - b.author_time || a.id - b.id);
  return rows.map((r) => ({ sha: r.sha, subject: r.subject, onBranchAs: pickedAs(db, branch, r.sha) ?? null }));
}

/** The cherry-pick script for a queue. */
export function cherryPickScript(branch: string, queue: readonly QueuedCommit[]): string {
  const lines = [
    '#!/bin/bash',
    `# The accepted queue of ${branch}, in upstream order (written by stablepick review export).`,
    `# Run it in a work tree with ${branch} checked out.`,
    'set -e',
  ];
  for (const c of queue) {
    const subject = c.subject.replace(/[\r\n]+/g, ' ');
    if (c.onBranchAs) lines.push(`# git cherry-pick -x ${c.sha}  # ${subject} (already on the branch as ${c.onBranchAs.slice(0, 12)})`);
    else lines.push(`git cherry-pick -x ${c.sha}  # ${subject}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Adds `(cherry picked from commit <sha>)` at the end of a format-patch message, as `git cherry-pick -x` does. */
export function withCherryPickLine(patch: string, sha: string): string {
  const line = `(cherry picked from commit ${sha})`;
  if (patch.includes(line)) return patch;
  const sep = patch.search(/^---$/m);
  if (sep < 0) return patch;
  const head = patch.slice(0, sep).replace(/\n*$/, '');
  // Headers end at the first empty line; a message with no body gets one.
  const bodyStart = head.indexOf('\n\n');
  const hasBody = bodyStart >= 0 && head.slice(bodyStart).trim() !== '';
  const lastLine = head.slice(head.lastIndexOf('\n') + 1);
  const trailerBlock = hasBody && /^[A-Za-z0-9-]+: /.test(lastLine);
  const joiner = !hasBody ? '\n\n' : trailerBlock ? '\n' : '\n\n';
  return `${head}${joiner}${line}\n${patch.slice(sep)}`;
}

/** format-patch's file name for a subject (as apply-check writes them). */
export function patchFileName(n: number, subject: string): string {
  const slug =
    subject
      .replace(/^\[[^\]]*\]\s*/, '')
      .replace(/[^A-Za-z0-9._]+/g, '-')
      .replace(/\.+/g, '.')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 52)
      .replace(/[-.]+$/, '') || 'patch';
  return `${String(n).padStart(4, '0')}-${slug}.patch`;
}

/** Writes the export. `out` must not exist (a file for mbox and cherry-pick; a new or empty folder for quilt). */
export async function exportQueue(repo: Repository, db: DB, branch: string, format: ExportFormat, out: string): Promise<ExportResult> {
  const queue = acceptedQueue(db, branch);
  const result: ExportResult = { branch, format, out, members: [], conflict: null };
  if (format === 'cherry-pick') {
    writeOutputFile(out, cherryPickScript(branch, queue), { mode: 0o755 });
    for (const c of queue) {
      result.members.push(
        c.onBranchAs
          ? { sha: c.sha, subject: c.subject, state: 'already-applied', reason: `the branch has it as ${c.onBranchAs.slice(0, 12)}` }
          : { sha: c.sha, subject: c.subject, state: 'written', reason: 'git cherry-pick -x', file: out },
      );
    }
    return result;
  }
  const checker = await ApplyChecker.open(repo, { blame: false });
  // A quilt folder is filled under a temporary name and moved into place at the end: all of it or nothing.
  const staged = format === 'quilt' ? stageFolder(out) : null;
  const dir = staged?.path ?? out;
  try {
    const tip = await checker.resolve(branch);
    const q = queue.length
      ? await checker.queueResolved(
          queue.map((c) => c.sha),
          tip,
          branch,
        )
      : null;
    const members = q?.members ?? [];
    const series: string[] = [`# The accepted queue of ${branch}, in upstream order (written by stablepick review export).`];
    const mbox: string[] = [];
    let n = 0;
    for (const [i, c] of queue.entries()) {
      const r: ApplyResult | undefined = members[i];
      if (!r) {
        result.members.push({ sha: c.sha, subject: c.subject, state: 'not-tried', reason: 'after a commit that does not apply' });
        if (format === 'quilt') {
          n++;
          const file = patchFileName(n, c.subject);
          writeFileSync(
            path.join(dir, file),
            await notedUpstreamPatch(
              checker,
              c.sha,
              `NOT TRIED: it comes after ${result.conflict?.sha.slice(0, 12) ?? 'a commit'}, which does not apply to ${branch}.`,
            ),
          );
          series.push(`# NOT TRIED ${file}`);
          result.members[result.members.length - 1]!.file = file;
        }
        continue;
      }
      if (r.result === 'already-applied' || r.result === 'empty') {
        result.members.push({ sha: c.sha, subject: c.subject, state: r.result, reason: r.reason });
        series.push(`# ${r.result === 'empty' ? 'EMPTY' : 'ALREADY APPLIED'} ${c.sha.slice(0, 12)} ${c.subject}: ${r.reason}`);
        continue;
      }
      n++;
      const file = patchFileName(n, c.subject);
      if (r.result === 'conflict') {
        result.conflict = { sha: c.sha, subject: c.subject, reason: r.reason };
        const member: ExportMember = { sha: c.sha, subject: c.subject, state: 'conflict', reason: r.reason };
        result.members.push(member);
        if (format === 'quilt') {
          member.file = file;
          writeFileSync(
            path.join(dir, file),
            await notedUpstreamPatch(checker, c.sha, `DOES NOT APPLY to ${branch}: ${r.reason}. This is the upstream patch, not adapted; backport it by hand.`),
          );
          series.push(`# CONFLICT ${file}: ${r.reason}`);
        }
        continue;
      }
      const patch = withCherryPickLine(r.patch ?? '', c.sha);
      result.members.push({ sha: c.sha, subject: c.subject, state: 'written', reason: r.reason, file: format === 'quilt' ? file : out });
      if (format === 'quilt') {
        writeFileSync(path.join(dir, file), patch);
        series.push(file);
      } else mbox.push(patchAsMboxEntry(patch));
    }
    if (format === 'quilt') writeFileSync(path.join(dir, 'series'), `${series.join('\n')}\n`);
    else writeOutputFile(out, mbox.join(''));
    staged?.commit();
    return result;
  } catch (e) {
    staged?.abort();
    throw userErrorOf(e, out) ?? e;
  } finally {
    checker.close();
  }
}

/** The upstream patch of `sha` with a note at the top of the message body (for commits that do not apply). */
async function notedUpstreamPatch(checker: ApplyChecker, sha: string, note: string): Promise<string> {
  const text = await formatPatch(checker.target, sha);
  const at = text.indexOf('\n\n');
  const patch = at < 0 ? text : `${text.slice(0, at)}\n\n[stablepick: ${note}]\n\n${text.slice(at + 2)}`;
  return withCherryPickLine(patch, sha);
}

/** Whether `out` may be written: it must not exist, or (quilt) be an empty folder. */
export function outputFree(out: string, format: ExportFormat): boolean {
  if (!existsSync(out)) return true;
  if (format !== 'quilt') return false;
  try {
    return readdirSync(out).length === 0;
  } catch {
    return false;
  }
}
