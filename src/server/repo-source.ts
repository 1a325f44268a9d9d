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
import { dataVersion, type DB } from '../history/db.js';
import { commitView, listBranches, resolveIndexed } from '../history/queries.js';
import { applyReview, reviewConfig, type ReviewPolicy } from '../review/policy.js';
import { ReviewStore, type ReviewRecord } from '../review/store.js';
import type { Verdict } from '../select/judge.js';
import { judgeRange } from '../select/judge-range.js';
import { ApplyChecker } from '../analysis/apply/apply-check.js';
import { loadFixGraph } from '../analysis/fixes/graph.js';
import type { ExportFormat } from '../review/export.js';
import type {
  ApplyState,
  AuditStatus,
  AuditView,
  CandidateRow,
  CaseView,
  CommitDetail,
  ConflictView,
  ExportView,
  MailView,
  Mark,
  MatrixView,
  QueueInfo,
  ReviewEntry,
  ReviewRequest,
  ReviewState,
} from './api-types.js';
import { ApplyStatus, applyCell, conflictFiles } from './apply-status.js';
import { caseView } from './case-view.js';
import type { LlmConfig } from '../llm/config.js';
import { llmReview } from '../llm/stage.js';
import { caseLlmInput } from '../report/case/llm-facts.js';
import type { WrittenCase } from '../report/case/types.js';
import { marksOf, matrixRows, rangeQueues } from './matrix.js';
import { exportView, mailView } from './outputs.js';
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
  /** Trial-pick every commit onto every branch in the background (default true). */
  trialPicks?: boolean;
  onProgress?: (text: string) => void;
  /** `serve --llm` with a configured endpoint: the written case carries the models' paragraphs. */
  llm?: LlmConfig;
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
  private readonly marks = new Map<string, Mark[]>();
  private queues = new Map<string, QueueInfo>();
  private readonly apply = new ApplyStatus();
  /** The index's PRAGMA data_version when the review state was last read: another connection's commit changes it. */
  private dataVersion = -1;
  /** Own decisions and changes seen from others. */
  private changes = 0;
  /** Settles when the background trial picks are done (tests and the benchmark wait on it). */
  applyDone: Promise<void> = Promise.resolve();

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
    s.dataVersion = s.readDataVersion();
    const records = new Map<string, ReviewRecord>();
    for (const r of s.store.list()) records.set(`${r.branch}\0${r.sha}`, r);
    for (const c of jr.commits) s.marks.set(c.sha, marksOf(c.subject, jr.history.detailsOf(c.id)));
    s.queues = rangeQueues(
      jr.commits.map((c) => c.sha),
      loadFixGraph(input.db),
    );
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
    if (input.trialPicks !== false) {
      const todo = s.branches.map((b) => ({
        branch: b,
        shas: s.rowsBy
          .get(b)!
          .filter((r) => !r.already)
          .map((r) => r.sha),
      }));
      s.applyDone = s.apply.run(input.repo, todo);
    }
    return s;
  }

  private readDataVersion(): number {
    return dataVersion(this.input.db);
  }

  /**
   * Reads the review state again when another connection (the CLI, `review import`, a second dashboard)
   * committed to the index since the last look: one PRAGMA per request when nothing changed.
   */
  private refresh(): void {
    const v = this.readDataVersion();
    if (v === this.dataVersion) return;
    this.dataVersion = v;
    const records = new Map<string, ReviewRecord>();
    for (const r of this.store.list()) records.set(`${r.branch}\0${r.sha}`, r);
    for (const b of this.branches) {
      const rows = this.rowsBy.get(b)!;
      for (const j of this.judged.get(b)!.values()) {
        const rec = records.get(`${b}\0${j.verdict.sha}`) ?? null;
        const old = rows[j.order]!;
        if (old.status === (rec?.status ?? 'unreviewed') && old.at === (rec?.at ?? null) && old.why === (rec?.why ?? null) && old.who === (rec?.who ?? null))
          continue;
        rows[j.order] = this.row(j, rec);
        this.cases.delete(j.verdict.sha);
        this.changes++;
      }
    }
  }

  version(): number {
    this.refresh();
    return this.changes * 100_000 + this.apply.generation;
  }

  matrix(): MatrixView {
    this.refresh();
    const rowsBy = this.branches.map((b) => this.rowsBy.get(b) ?? []);
    const rows = matrixRows(rowsBy, this.marks, this.queues, (bi, sha) => {
      const c = this.apply.get(this.branches[bi]!, sha);
      return c ? { state: c.state, reason: c.reason } : undefined;
    });
    return { range: this.range, branches: [...this.branches], rows, applyPending: this.apply.pending, version: this.version() };
  }

  private row(j: Judged, record: ReviewRecord | null): CandidateRow {
    j.reviewed = applyReview(j.verdict, j.files, record, this.policy);
    return candidateRow({ judged: j.verdict, reviewed: j.reviewed, record, order: j.order, time: j.time, author: j.author, files: j.files });
  }

  rows(branch: string): readonly CandidateRow[] {
    this.refresh();
    return this.rowsBy.get(branch) ?? [];
  }

  private resolve(rev: string): string {
    return resolveIndexed(this.input.db, rev);
  }

  async commit(rev: string, opts: { withDiff?: boolean } = {}): Promise<CommitDetail> {
    const sha = this.resolve(rev);
    this.refresh();
    const cv = commitView(this.input.db, sha);
    const diff = opts.withDiff === false ? '' : diffOfPatch(await formatPatch(this.input.repo, sha, { fullIndex: false }));
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
      apply: Object.fromEntries(
        this.branches.flatMap((b) => {
          const c = this.apply.get(b, sha);
          const r = rows.find((x) => x.branch === b);
          if (r?.already) return [[b, { apply: 'already' as const, reason: `the branch has it as ${r.already.slice(0, 12)}` }]];
          return c ? [[b, { apply: c.state, reason: c.reason }]] : [];
        }),
      ),
      queue: this.queueState(sha),
    };
  }

  private queueState(sha: string): CommitDetail['queue'] {
    const q = this.queues.get(sha);
    if (!q) return null;
    const state: Record<string, { sha: string; subject: string; status: ReviewState; verdict: CandidateRow['verdict']; apply: ApplyState }[]> = {};
    for (const b of this.branches) {
      state[b] = q.members.flatMap((m) => {
        const j = this.judged.get(b)?.get(m);
        if (!j) return [];
        const r = this.rowsBy.get(b)![j.order]!;
        return [
          { sha: m, subject: r.subject, status: r.status, verdict: r.verdict, apply: r.already ? 'already' : (this.apply.get(b, m)?.state ?? 'pending') },
        ];
      });
    }
    return { ...q, state };
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
      const cfg = this.input.llm;
      const llm = cfg
        ? (c: WrittenCase) =>
            llmReview(
              caseLlmInput(
                c,
                listBranches(db, { includeMainline: true }).map((b) => b.name),
              ),
              db,
              cfg,
            )
        : undefined;
      p = caseView({ repo, db, conventions, configDir, ...(configFile ? { configFile } : {}) }, sha, this.branches, verdicts, llm);
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
    if (!j) throw new StablepickError('NOT_FOUND', { what: 'in-range', sha: req.sha, range: this.range, branch: req.branch });
    const reviewer = this.needReviewer();
    this.refresh();
    let record: ReviewRecord | null;
    if (req.status === 'unreviewed') {
      this.store.withdraw(req.sha, req.branch);
      record = null;
    } else record = this.store.set({ sha: req.sha, branch: req.branch, status: req.status, who: reviewer, why: req.why ?? '', source: 'web' });
    const row = this.row(j, record);
    this.rowsBy.get(req.branch)![j.order] = row;
    this.changes++;
    // The case states the verdict; it is computed again on the next visit.
    this.cases.delete(req.sha);
    return row;
  }

  private needReviewer(): string {
    if (!this.reviewer)
      throw new StablepickError('BAD_OPTION', {
        form: 'missing',
        option: '--who',
        why: 'nobody to record the decision as',
        fix: 'start `stablepick serve` with --who "Name <email>", or set git config user.name and user.email',
      });
    return this.reviewer;
  }

  reviewAny(req: ReviewRequest): ReviewState {
    if (this.judged.get(req.branch)?.has(req.sha)) return this.review(req).status;
    const reviewer = this.needReviewer();
    if (req.status === 'unreviewed') {
      this.store.withdraw(req.sha, req.branch);
      return 'unreviewed';
    }
    return this.store.set({ sha: req.sha, branch: req.branch, status: req.status, who: reviewer, why: req.why ?? '', source: 'web' }).status;
  }

  async conflicts(rev: string): Promise<ConflictView> {
    const sha = this.resolve(rev);
    await this.applyDone;
    const out: ConflictView = { sha, branches: [] };
    for (const b of this.branches) {
      const row = this.judged.get(b)?.get(sha);
      if (!row) continue;
      const c = this.apply.get(b, sha);
      if (!c) continue;
      out.branches.push({ branch: b, apply: c.state, reason: c.reason, files: conflictFiles(c.conflicts) });
    }
    return out;
  }

  private caseContext(): { repo: Repository; db: DB; conventions: Conventions; configDir: string; configFile?: string } {
    const { repo, db, conventions, configDir, configFile } = this.input;
    return { repo, db, conventions, configDir, ...(configFile ? { configFile } : {}) };
  }

  exportQueue(branch: string, format: ExportFormat): Promise<ExportView> {
    return exportView(this.caseContext(), branch, format);
  }

  mail(branch: string, opts: { from?: string; to?: string[]; write: boolean }): Promise<MailView> {
    return mailView({
      ctx: this.caseContext(),
      policy: this.policy,
      branch,
      reviewer: this.reviewer,
      write: opts.write,
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.to ? { to: opts.to } : {}),
    });
  }

  async auditStatus(branch: string): Promise<AuditStatus> {
    const a = await this.audit(branch);
    const status: Record<string, ReviewState> = {};
    for (const m of a.missing) status[m.sha] = this.store.get(m.sha, branch)?.status ?? 'unreviewed';
    const todo = a.missing.map((m) => m.sha).filter((s) => !this.apply.get(`audit:${branch}`, s));
    if (todo.length) {
      const checker = await ApplyChecker.open(this.input.repo, { blame: false, fullIndex: false });
      try {
        const tip = await checker.resolve(branch);
        const rs = await checker.checkMany(todo.map((sha) => ({ sha, tip, branch })));
        rs.forEach((r, i) => this.apply.set(`audit:${branch}`, todo[i]!, applyCell(r)));
      } finally {
        checker.close();
      }
    }
    const apply: AuditStatus['apply'] = {};
    for (const m of a.missing) {
      const c = this.apply.get(`audit:${branch}`, m.sha);
      if (c) apply[m.sha] = { apply: c.state, reason: c.reason };
    }
    return { status, apply };
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
