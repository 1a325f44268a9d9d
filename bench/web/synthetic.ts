/**
 * A synthetic candidate list for the dashboard benchmark: N commits judged for one or two branches,
 * with kernel-like subjects, paths, subsystems and a realistic spread of verdicts and confidences.
 * Deterministic (seeded). Served through the same CandidateSource seam as a real repository.
 */
import type { AuditView, CandidateRow, CaseView, CommitDetail, MatrixView, ReviewRequest, RowVerdict } from '../../src/server/api-types.js';
import { matrixRows } from '../../src/server/matrix.js';
import type { CandidateSource } from '../../src/server/source.js';
import { subsystemOf } from '../../src/server/subsystem.js';
import { prng } from '../../src/select/logreg.js';

const AREAS = [
  'drivers/net',
  'drivers/gpu',
  'drivers/usb',
  'drivers/scsi',
  'drivers/nvme',
  'drivers/md',
  'drivers/iio',
  'drivers/hid',
  'drivers/pci',
  'drivers/clk',
  'fs/btrfs',
  'fs/ext4',
  'fs/xfs',
  'fs/nfs',
  'fs/smb',
  'mm',
  'kernel/sched',
  'kernel/bpf',
  'kernel/trace',
  'net/ipv4',
  'net/ipv6',
  'net/core',
  'net/mac80211',
  'sound/soc',
  'arch/x86',
  'arch/arm64',
  'arch/riscv',
  'block',
  'crypto',
  'io_uring',
  'security/selinux',
  'include/linux',
  'tools/testing',
  'Documentation/admin-guide',
];
const VERBS = ['Fix', 'Avoid', 'Add', 'Remove', 'Handle', 'Correct', 'Use', 'Prevent', 'Refactor', 'Drop', 'Check', 'Convert'];
const WHAT = [
  'NULL pointer dereference in',
  'use-after-free in',
  'memory leak in',
  'race between',
  'missing lock in',
  'off-by-one in',
  'error path of',
  'support for',
  'overflow in',
  'deadlock in',
  'unused variable in',
  'warning in',
];
const FN = [
  'probe()',
  'remove()',
  'xmit path',
  'open()',
  'ioctl handler',
  'suspend/resume',
  'init',
  'teardown',
  'rx ring refill',
  'reset work',
  'irq handler',
  'timeout handler',
];
const VERDICTS: [RowVerdict, number][] = [
  ['YES', 0.12],
  ['NEEDS-REVIEW', 0.13],
  ['NO', 0.7],
  ['IN-BRANCH', 0.05],
];

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

export function syntheticRows(n: number, branch: string, seed = 1): CandidateRow[] {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const rows: CandidateRow[] = [];
  let t = Date.UTC(2025, 0, 1) / 1000;
  for (let i = 0; i < n; i++) {
    const area = pick(AREAS);
    const nfiles = 1 + Math.floor(r() * r() * 6);
    const paths = Array.from(
      { length: nfiles },
      (_, k) => `${area}/${pick(['core', 'main', 'dev', 'util', 'hw', 'ops'])}${k ? `_${k}` : ''}/${pick(['a', 'b', 'c', 'x'])}${Math.floor(r() * 40)}.c`,
    );
    let u = r();
    let verdict: RowVerdict = 'NO';
    for (const [v, p] of VERDICTS) {
      if (u < p) {
        verdict = v;
        break;
      }
      u -= p;
    }
    const confidence = Math.round((0.5 + r() * 0.5) * 1000) / 1000;
    const subject = `${area.split('/').pop()}: ${pick(VERBS)} ${pick(WHAT)} ${pick(FN)}`;
    const reasons = [
      `${pick(['a reported bug', 'Fixes: tag', 'Cc: stable', 'new feature'])} ("${subject.slice(0, 40)}") [history: ${Math.floor(r() * 90)} of 100 earlier such commits were picked]`,
      `made ${Math.floor(r() * 200)} days after the branch forked (lowers the score)`,
      `message mentions "${pick(['crash', 'leak', 'oops', 'warning'])}" (raises the score)`,
    ];
    t += 600 + Math.floor(r() * 3600);
    rows.push({
      sha: hex(r, 40),
      branch,
      subject,
      order: i,
      time: t,
      author: `Dev ${Math.floor(r() * 400)}`,
      verdict,
      modelVerdict: verdict,
      confidence,
      probability: verdict === 'NO' ? 1 - confidence : confidence,
      reason: reasons[0]!,
      reasons,
      status: 'unreviewed',
      who: null,
      why: null,
      at: null,
      subsystem: subsystemOf(paths),
      paths,
      files: paths.length,
      already: verdict === 'IN-BRANCH' ? hex(r, 40) : null,
    });
  }
  return rows;
}

export class SyntheticSource implements CandidateSource {
  readonly range = 'v6.17..v6.18 (synthetic)';
  readonly judgedAt = Date.now();
  readonly reviewer = 'Bench Reviewer <bench@example.org>';
  readonly branches: readonly string[];
  private readonly byBranch = new Map<string, CandidateRow[]>();

  private changes = 0;

  /** The same commits for every branch; verdicts and confidences drawn per branch. */
  constructor(n: number, branches: readonly string[] = ['linux-6.12.y']) {
    this.branches = branches;
    const base = syntheticRows(n, branches[0] ?? 'b', 1);
    branches.forEach((b, i) => {
      const own = i === 0 ? base : syntheticRows(n, b, i + 1);
      this.byBranch.set(
        b,
        base.map((r, k) => ({
          ...own[k]!,
          sha: r.sha,
          subject: r.subject,
          order: r.order,
          time: r.time,
          author: r.author,
          subsystem: r.subsystem,
          paths: r.paths,
          files: r.files,
          branch: b,
        })),
      );
    });
  }

  rows(branch: string): readonly CandidateRow[] {
    return this.byBranch.get(branch) ?? [];
  }

  version(): number {
    return this.changes;
  }

  matrix(): MatrixView {
    const rowsBy = this.branches.map((b) => this.rows(b));
    const rows = matrixRows(rowsBy, new Map(), new Map(), (bi, sha) => {
      const c = sha.charCodeAt(0) + sha.charCodeAt(1) + bi;
      return c % 9 === 0
        ? { state: 'conflict', reason: 'CONFLICT (content) in synthetic.c' }
        : c % 5 === 0
          ? { state: 'offset', reason: '1 hunk moved' }
          : { state: 'clean', reason: '' };
    });
    for (const r of rows) if (r.sha.charCodeAt(2) % 7 === 0) r.marks = ['fixes'];
    return { range: this.range, branches: [...this.branches], rows, applyPending: 0, version: this.changes };
  }

  commit(sha: string): Promise<CommitDetail> {
    const rows = this.branches.map((b) => this.rows(b).find((r) => r.sha.startsWith(sha))).filter((r): r is CandidateRow => !!r);
    const r = rows[0];
    if (!r) return Promise.reject(new Error(`no synthetic commit ${sha}`));
    const p = r.paths[0]!;
    return Promise.resolve({
      sha: r.sha,
      subject: r.subject,
      author: { name: r.author, email: 'dev@example.org', time: r.time },
      message: `${r.subject}\n\nSynthetic.\n`,
      files: r.paths.map((path) => ({ path, status: 'M' })),
      diff: `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n@@ -1,3 +1,3 @@\n int x;\n-int y = 1;\n+int y = 2;\n int z;\n`,
      rows,
      history: {},
    });
  }

  writtenCase(sha: string): Promise<CaseView> {
    return Promise.resolve({ sha, markdown: `# ${sha.slice(0, 12)}\n\nSynthetic case.\n`, branches: [], followUps: [], prerequisites: [] });
  }

  audit(branch: string): Promise<AuditView> {
    return Promise.resolve({ branch, tip: '0'.repeat(40), missing: [], revertedSkipped: 0, heldFixes: 0 });
  }

  review(req: ReviewRequest): CandidateRow {
    const rows = this.byBranch.get(req.branch)!;
    const i = rows.findIndex((r) => r.sha === req.sha);
    this.changes++;
    const row = { ...rows[i]!, status: req.status, who: this.reviewer, why: req.why ?? '', at: Math.floor(Date.now() / 1000) };
    if (req.status === 'rejected') row.verdict = 'NO';
    rows[i] = row;
    return row;
  }
}
