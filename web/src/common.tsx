/** Small pieces every page uses: badges, dates, the reason dialog, the shared triage order. */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ApplyState, CandidateRow, Overview, ReviewState, RowVerdict, WritableStatus } from '../../src/server/api-types.js';
import { go } from './route.js';

export const short = (sha: string): string => sha.slice(0, 12);

export function fmtDate(unix: number | null | undefined): string {
  return unix ? new Date(unix * 1000).toISOString().slice(0, 10) : '';
}

export function VerdictBadge({ v }: { v: RowVerdict | string }) {
  return <span class={`badge v-${v.toLowerCase()}`}>{v}</span>;
}

export function StatusBadge({ s, long }: { s: ReviewState | string; long?: boolean }) {
  return <span class={`badge s-${s}`}>{s === 'unreviewed' && !long ? '—' : s}</span>;
}

/**
 * The rows the reviewer last listed (in the list's order), so j/k on a commit page go to the next and
 * previous candidate of the same list.
 */
export const triage: { branch: string | null; shas: string[] } = { branch: null, shas: [] };

export interface PendingDecision {
  sha: string;
  branch: string;
  status: WritableStatus;
  subject: string;
  why: string;
}

/**
 * Asks for a reason (required for a rejection). Enter submits, Shift+Enter a new line, Escape cancels.
 * Either way `close` is called first; `onSubmit` gets the decision asked about and the reason.
 */
export function ReasonDialog<P extends PendingDecision>({
  pending,
  onSubmit: done,
  close,
}: {
  pending: P;
  onSubmit: (p: P, why: string) => void;
  close: () => void;
}) {
  const onCancel = close;
  const onSubmit = (why: string): void => {
    close();
    done(pending, why);
  };
  const [why, setWhy] = useState(pending.why);
  const ref = useRef<HTMLTextAreaElement>(null);
  // Focus before the browser paints, so a key pressed right after the dialog appears lands in it.
  useLayoutEffect(() => ref.current?.focus(), []);
  const need = pending.status === 'rejected';
  const submit = (): void => {
    if (need && !why.trim()) return;
    onSubmit(why.trim());
  };
  return (
    <div class="modal" role="dialog" aria-label="reason">
      <div class="modal-box">
        <div class="modal-title">
          {pending.status === 'rejected' ? 'Reject' : pending.status === 'accepted' ? 'Accept' : pending.status === 'deferred' ? 'Defer' : 'Mark for review'}{' '}
          {short(pending.sha)} for {pending.branch}
        </div>
        <div class="muted">{pending.subject}</div>
        <textarea
          ref={ref}
          id="reason-input"
          rows={3}
          placeholder={need ? 'Why should it not go to this branch? (required)' : 'Reason (optional)'}
          value={why}
          onInput={(e) => setWhy((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              submit();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            }
          }}
        />
        <div class="modal-actions">
          <button id="reason-submit" class={`btn ${pending.status === 'rejected' ? 'btn-no' : 'btn-yes'}`} disabled={need && !why.trim()} onClick={submit}>
            {pending.status === 'rejected' ? 'Reject' : 'Save'}
          </button>
          <button class="btn" onClick={onCancel}>
            Cancel
          </button>
          <span class="muted">Enter saves · Esc cancels</span>
        </div>
      </div>
    </div>
  );
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? <div class="error">{error}</div> : null;
}

export function replaceRow(rows: readonly CandidateRow[], row: CandidateRow): CandidateRow[] {
  return rows.map((r) => (r.sha === row.sha && r.branch === row.branch ? row : r));
}

export const APPLY_TEXT: Record<ApplyState, string> = {
  clean: 'applies',
  offset: 'applies with offset',
  conflict: 'conflict',
  already: 'already held',
  empty: 'empty pick',
  pending: 'trial pick running…',
  failed: 'trial pick failed',
};

/** The branch of a per-branch page, as a select that goes to the same page of another branch. */
export function BranchSelect({ overview, branch, href }: { overview: Overview; branch: string; href: (b: string) => string }) {
  return (
    <select value={branch} onChange={(e) => go(href((e.target as HTMLSelectElement).value))}>
      {overview.branches.map((b) => (
        <option key={b.branch} value={b.branch}>
          {b.branch}
        </option>
      ))}
    </select>
  );
}
