/** A candidate row from a verdict, the commit's files and its review decision. */
import type { Reason, Verdict } from '../select/judge.js';
import type { ReviewRecord } from '../review/store.js';
import type { CandidateRow, RowVerdict } from './api-types.js';
import { subsystemOf } from './subsystem.js';

const ROW_PATHS = 50;

/** The line a person reads: the deciding rule, else the first rule, else the strongest feature. */
function mainReason(reasons: readonly Reason[]): string {
  const r = reasons.find((x) => x.kind === 'rule' && x.decided) ?? reasons.find((x) => x.kind === 'rule') ?? reasons[0];
  return r ? r.text : '';
}

function rowVerdict(v: Verdict): RowVerdict {
  return v.already ? 'IN-BRANCH' : v.verdict;
}

export interface RowInput {
  /** The selection's verdict. */
  judged: Verdict;
  /** After applyReview. */
  reviewed: Verdict;
  record: ReviewRecord | null;
  order: number;
  time: number;
  author: string;
  files: readonly string[];
}

export function candidateRow(x: RowInput): CandidateRow {
  const v = x.reviewed;
  return {
    sha: v.sha,
    branch: v.branch,
    subject: v.subject,
    order: x.order,
    time: x.time,
    author: x.author,
    verdict: rowVerdict(v),
    modelVerdict: rowVerdict(x.judged),
    confidence: v.confidence,
    probability: v.probability,
    reason: mainReason(v.reasons),
    reasons: v.reasons.map((r) => r.text),
    status: x.record ? x.record.status : 'unreviewed',
    who: x.record?.who ?? null,
    why: x.record?.why ?? null,
    at: x.record?.at ?? null,
    subsystem: subsystemOf(x.files),
    paths: x.files.slice(0, ROW_PATHS),
    files: x.files.length,
    already: v.already ?? null,
  };
}
