/**
 * The project's stable rules as a table of computed answers. For the kernel these are the points of
 * Documentation/process/stable-kernel-rules.rst; other projects get the same questions in general words.
 * Each row is 'met', 'not met' or 'unknown' with the evidence — never a judgement the facts do not give.
 */
import type { RuleRow } from './types.js';

export interface RuleInputs {
  kernel: boolean;
  /** The commit is on the mainline branch (an ancestor of its tip). */
  upstream: { yes: boolean; mainline: string };
  /** Lines of the unified diff with 3 lines of context (+, - and context lines, not headers). */
  linesWithContext: number;
  added: number;
  removed: number;
  bugClass: { name: string; word: string } | null;
  fixesTags: string[];
  reportedBy: string[];
  testedBy: string[];
  reviewedBy: string[];
  ackedBy: string[];
  signedOff: boolean;
  featureWords: { name: string; word: string }[];
  /** Every file is documentation, tests or whitespace-only: a trivial change. */
  trivialOnly: string | null;
  /** New files the commit adds. */
  newFiles: string[];
}

const KERNEL_LIMIT = 100;

export function stableRules(x: RuleInputs): { name: string; rows: RuleRow[] } {
  const rows: RuleRow[] = [];
  rows.push({
    rule: x.kernel ? "It must already exist in Linus' tree (upstream)" : 'It is in the mainline branch first',
    status: x.upstream.yes ? 'met' : 'not met',
    evidence: x.upstream.yes ? `an ancestor of ${x.upstream.mainline}` : `not reachable from ${x.upstream.mainline}`,
  });
  const bugEvidence = [
    ...x.fixesTags.map((t) => `"${t}"`),
    ...x.reportedBy.map((t) => `"Reported-by: ${t}"`),
    ...(x.bugClass ? [`the message says "${x.bugClass.word}" (${x.bugClass.name})`] : []),
  ];
  rows.push({
    rule: x.kernel ? 'It must fix a real bug that bothers people (or add a device ID)' : 'It fixes a real bug',
    status: bugEvidence.length ? 'met' : 'unknown',
    evidence: bugEvidence.length ? bugEvidence.slice(0, 4).join('; ') : 'no Fixes: or Reported-by: tag and no bug word in the message',
  });
  if (x.kernel) {
    rows.push({
      rule: `It cannot be bigger than ${KERNEL_LIMIT} lines, with context`,
      status: x.linesWithContext <= KERNEL_LIMIT ? 'met' : 'not met',
      evidence: `${x.linesWithContext} lines with 3 lines of context (+${x.added} -${x.removed})`,
    });
  } else {
    rows.push({
      rule: 'It is small and contained',
      status: x.added + x.removed <= KERNEL_LIMIT ? 'met' : 'not met',
      evidence: `+${x.added} -${x.removed} lines`,
    });
  }
  const feature = x.featureWords.filter((w) => w.name === 'add' || w.name === 'introduce');
  rows.push({
    rule: x.kernel ? 'No new features' : 'It adds no feature',
    status: feature.length ? 'not met' : x.bugClass || x.fixesTags.length ? 'met' : 'unknown',
    evidence: feature.length
      ? `the subject says "${feature[0]!.word}"${x.newFiles.length ? `; adds ${x.newFiles.length} file(s)` : ''}`
      : x.newFiles.length
        ? `adds ${x.newFiles.slice(0, 3).join(', ')}`
        : 'no feature word in the subject',
  });
  rows.push({
    rule: x.kernel ? 'No "trivial" fixes without benefit for users (spelling, whitespace)' : 'It is not a cosmetic change',
    status: x.trivialOnly ? 'not met' : x.bugClass ? 'met' : 'unknown',
    evidence: x.trivialOnly ?? (x.bugClass ? `fixes a ${x.bugClass.name}` : 'no evidence either way'),
  });
  const tested = [...x.testedBy.map((t) => `Tested-by: ${t}`), ...x.reviewedBy.map((t) => `Reviewed-by: ${t}`), ...x.ackedBy.map((t) => `Acked-by: ${t}`)];
  rows.push({
    rule: x.kernel ? 'It must be obviously correct and tested' : 'It was reviewed or tested',
    status: tested.length ? 'met' : 'unknown',
    evidence: tested.length
      ? `${x.testedBy.length} Tested-by, ${x.reviewedBy.length} Reviewed-by, ${x.ackedBy.length} Acked-by`
      : 'no Tested-by, Reviewed-by or Acked-by tag (correctness is not computed)',
  });
  rows.push({
    rule: x.kernel ? 'It must follow the submitting-patches rules (Signed-off-by)' : "It carries its author's sign-off",
    status: x.signedOff ? 'met' : 'not met',
    evidence: x.signedOff ? 'Signed-off-by present' : 'no Signed-off-by line',
  });
  return { name: x.kernel ? 'stable-kernel-rules' : 'stable rules', rows };
}

/** Paths whose changes cannot matter to users of a stable release. */
export function trivialOnly(paths: readonly string[], subject: string): string | null {
  if (!paths.length) return null;
  const doc = paths.every((p) => /(^|\/)(Documentation|docs?)\/|\.(md|rst|txt)$|(^|\/)README/i.test(p));
  if (doc) return 'only documentation files';
  if (/\b(typo|spelling|whitespace|coding style)\b/i.test(subject))
    return `the subject says "${/\b(typo|spelling|whitespace|coding style)\b/i.exec(subject)![0]}"`;
  return null;
}
