/** The ordered pick queue of a candidate for a branch: missing prerequisites, the candidate, missing follow-ups. */
import { followUps } from '../fixes/follow-ups.js';
import type { AnalysisContext } from '../fixes/types.js';
import { describeReason, prerequisites } from './prerequisites.js';
import type { PickQueue, PrereqOptions, QueueMember } from './types.js';
import { commitSubject } from '../../history/tables/commits.js';

export async function pickQueue(ctx: AnalysisContext, sha: string, branch: string, opts: PrereqOptions = {}): Promise<PickQueue> {
  const pre = await prerequisites(ctx, sha, branch, opts);
  const fu = followUps(ctx, sha, branch, opts.asOf === undefined ? {} : { asOf: opts.asOf });
  const subject = commitSubject(ctx.db, sha) ?? '';
  const queue: QueueMember[] = [];
  for (const p of pre.prerequisites) {
    queue.push({
      sha: p.sha,
      subject: p.subject,
      role: 'prerequisite',
      why: [`needed by ${p.neededBy.slice(0, 12)} (${p.strength})`, ...p.reasons.map(describeReason)],
      prerequisite: p,
    });
  }
  queue.push({ sha, subject, role: 'candidate', why: fu.reasons.length ? fu.reasons.slice(0, 1) : ['the candidate'] });
  for (const f of fu.followUps) {
    if (f.inBranch || f.revertedUpstream || queue.some((q) => q.sha === f.sha)) continue;
    queue.push({ sha: f.sha, subject: f.subject, role: 'follow-up', why: [`${f.kind} ${f.edge.to.slice(0, 12)}: ${f.edge.evidence.line}`], followUp: f });
  }
  return { sha, branch, queue, prerequisites: pre, followUps: fu, verdict: fu.verdict };
}
