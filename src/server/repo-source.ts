/**
 * The dashboard's data for a real repository: the range judged once at start (judgeRange, as `scan`
 * does), each row with the review decision applied (applyReview), recomputed after a decision. The
 * commit page, the written case and the audit are computed on demand.
 */
import type { AuditItem } from '../analysis/audit/index.js';
import { auditBranch } from '../analysis/audit/index.js';
import type { Conventions } from '../conventions/types.js';
import { StablepickError } from '../errors.js';
import { formatPatch } from '../git/format-patch.js';
import type { Repository } from '../git/repo.js';
import type { DB } from '../history/db.js';
import { commitView, resolveIndexed } from '../history/queries.js';
import { applyReview, reviewConfig, type ReviewPolicy } from '../review/policy.js';
import { ReviewStore, type ReviewRecord } from '../review/store.js';
import type { Verdict } from '../select/judge.js';
import { judgeRange } from '../select/judge-range.js';
import type { AuditView, CandidateRow, CaseView, CommitDetail, ReviewEntry, ReviewRequest } from './api-types.js';
import { caseView } from './case-view.js';
import { candidateRow } from './rows.js';
import type { CandidateSource } from './source.js';

export interface RepoSourceInput {
  repo: Repository;
  db: DB;
  conventions: Conventions;
  /** The folder whose stablepick.config.json applies. */
  configDir: string;
  configFile?: string;
  range: string;
  branches: readonly string[];
  firstParent?: boolean;
  /** Who decisions taken in the browser are recorded as. */
  reviewer: string | null;
  onProgress?: (text: string) => void;
}

interface Judged {
  verdict: Verdict;
  /** After the review (updated with each decision). */
  reviewed: Verdict;
  order: number;
  time: number;
  author: string;
  files: string[];
}

/** The unified diff part of a format-patch mail: from the first `diff --git` to the signature. */
export function diffOfPatch(mail: string): string {
  const start = mail.search(/^diff --git /m);
  if (start < 0) return '';
  const body = mail.slice(start);
  const sig = body.search(/^-- \n/m);
  return sig < 0 ? body : body.slice(0, sig);
}

export class RepoSource implements CandidateSource {
  readonly range: string;
  readonly branches: readonly string[];
  readonly judgedAt = Date.now();
  readonly reviewer: string | null;
  private readonly store: ReviewStore;
  private readonly policy: ReviewPolicy;
  /** branch → sha → judged. */
  private readonly judged = new Map<string, Map<string, Judged>>();
  private readonly rowsBy = new Map<string, CandidateRow[]>();
  private readonly audits = new Map<string, Promise<AuditView>>();
  private readonly cases = new Map<string, Promise<CaseView>>();

  private constructor(private readonly input: RepoSourceInput) {
    this.range = input.range;
    this.branches = [...input.branches];
    this.reviewer = input.reviewer;
    this.store = new ReviewStore(input.db);
    this.policy = reviewConfig(input.configDir, input.configFile);
  }

  static async load(input: RepoSourceInput): Promise<RepoSource> {
    const s = new RepoSource(input);
    const jr = await judgeRange({
      db: input.db,
      repo: input.repo,
      configDir: input.configDir,
      ...(input.configFile ? { configFile: input.configFile } : {}),
      branches: input.branches,
      range: input.range,
      firstParent: input.firstParent === true,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    const records = new Map<string, ReviewRecord>();
    for (const r of s.store.list()) records.set(`${r.branch}\0${r.sha}`, r);
    s.branches.forEach((branch, bi) => {
      const byShas = new Map<string, Judged>();
      const rows: CandidateRow[] = [];
      (jr.verdicts[bi] ?? []).forEach((v, order) => {
        const c = jr.history.commits.get(v.sha)!;
        const files = jr.history.detailsOf(c.id).files.map((f) => f.path);
        const j: Judged = { verdict: v, reviewed: v, order, time: c.authorTime, author: c.authorName, files };
        byShas.set(v.sha, j);
        rows.push(s.row(j, records.get(`${branch}\0${v.sha}`) ?? null));
      });
      s.judged.set(branch, byShas);
      s.rowsBy.set(branch, rows);
    });
    return s;
  }

  private row(j: Judged, record: ReviewRecord | null): CandidateRow {
    j.reviewed = applyReview(j.verdict, j.files, record, this.policy);
    return candidateRow({ judged: j.verdict, reviewed: j.reviewed, record, order: j.order, time: j.time, author: j.author, files: j.files });
  }

  rows(branch: string): readonly CandidateRow[] {
    return this.rowsBy.get(branch) ?? [];
  }

  private resolve(rev: string): string {
    return resolveIndexed(this.input.db, rev);
  }

  async commit(rev: string): Promise<CommitDetail> {
    const sha = this.resolve(rev);
    const cv = commitView(this.input.db, sha);
    const diff = diffOfPatch(await formatPatch(this.input.repo, sha, { fullIndex: false }));
    const rows: CandidateRow[] = [];
    const history: Record<string, ReviewEntry[]> = {};
    for (const b of this.branches) {
      const j = this.judged.get(b)?.get(sha);
      if (j) rows.push(this.rowsBy.get(b)![j.order]!);
      history[b] = this.store.history(sha, b).map((r) => ({ status: r.status, who: r.who, at: r.at, why: r.why, source: r.source }));
    }
    return {
      sha,
      subject: cv.subject,
      author: { name: cv.author.name, email: cv.author.email, time: Math.floor(Date.parse(cv.author.time) / 1000) },
      message: cv.message,
      files: cv.files,
      diff,
      rows,
      history,
    };
  }

  writtenCase(rev: string): Promise<CaseView> {
    const sha = this.resolve(rev);
    let p = this.cases.get(sha);
    if (!p) {
      const { repo, db, conventions, configDir, configFile } = this.input;
      const verdicts = new Map<string, Verdict>();
      for (const b of this.branches) {
        const j = this.judged.get(b)?.get(sha);
        if (j) verdicts.set(b, j.reviewed);
      }
      p = caseView({ repo, db, conventions, configDir, ...(configFile ? { configFile } : {}) }, sha, this.branches, verdicts);
      p.catch(() => this.cases.delete(sha));
      this.cases.set(sha, p);
    }
    return p;
  }

  audit(branch: string): Promise<AuditView> {
    let p = this.audits.get(branch);
    if (!p) {
      const { repo, db, conventions } = this.input;
      p = Promise.resolve().then(() => auditView(auditBranch({ repo, db, conventions }, branch)));
      p.catch(() => this.audits.delete(branch));
      this.audits.set(branch, p);
    }
    return p;
  }

  review(req: ReviewRequest): CandidateRow {
    const j = this.judged.get(req.branch)?.get(req.sha);
    if (!j) throw new StablepickError('NOT_FOUND', `commit ${req.sha.slice(0, 12)} is not in the range ${this.range} judged for ${req.branch}`, 'decide on commits of the list');
    if (!this.reviewer) throw new StablepickError('BAD_ARGUMENT', 'nobody to record the decision as', 'start `stablepick serve` with --who "Name <email>", or set git config user.name and user.email');
    const record = this.store.set({ sha: req.sha, branch: req.branch, status: req.status, who: this.reviewer, why: req.why ?? '', source: 'web' });
    const row = this.row(j, record);
    this.rowsBy.get(req.branch)![j.order] = row;
    // The case states the verdict; it is computed again on the next visit.
    this.cases.delete(req.sha);
    return row;
  }
}

function auditView(r: { branch: string; tip: string; missing: AuditItem[]; revertedSkipped: number; heldFixes: number }): AuditView {
  return {
    branch: r.branch,
    tip: r.tip,
    missing: r.missing.map((m) => ({
      sha: m.sha,
      subject: m.subject,
      commitTime: m.commitTime,
      firstRelease: m.firstRelease,
      depth: m.depth,
      kind: m.kind,
      fixes: m.reasons.map((x) => ({ sha: x.edge.to, subject: x.targetSubject })),
      passedOver: m.passedOver,
      revertedUpstream: m.revertedUpstream,
    })),
    revertedSkipped: r.revertedSkipped,
    heldFixes: r.heldFixes,
  };
}
