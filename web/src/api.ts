/** Talking to the dashboard's server: every request carries the session token from the page's meta tag. */
import type { ApiError as ApiErrorBody, CandidateRow, ReviewRequest } from '../../src/server/api-types.js';

const token = document.querySelector('meta[name="stablepick-token"]')?.getAttribute('content') ?? '';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function handle<T>(r: Response): Promise<T> {
  const text = await r.text();
  let body: unknown = null;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    throw new ApiError(`the server answered ${r.status} with something that is not JSON`, 'BAD_RESPONSE', '', r.status);
  }
  if (!r.ok) {
    const e = (body as ApiErrorBody | null)?.error;
    throw new ApiError(e?.message ?? `HTTP ${r.status}`, e?.code ?? 'HTTP', e?.hint ?? '', r.status);
  }
  return body as T;
}

export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return handle<T>(await fetch(path, { headers: { 'X-Stablepick-Token': token, Accept: 'application/json' }, ...(signal ? { signal } : {}) }));
}

export async function postReview(req: ReviewRequest): Promise<CandidateRow> {
  const r = await fetch('/api/review', {
    method: 'POST',
    headers: { 'X-Stablepick-Token': token, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(req),
  });
  return (await handle<{ row: CandidateRow }>(r)).row;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export async function apiPost<T>(path: string, body: unknown): Promise<T> {
  const r = await fetch(path, {
    method: 'POST',
    headers: { 'X-Stablepick-Token': token, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return handle<T>(r);
}

/** Records decisions in order; `version` is the server's version after them (the page's own change). */
export async function postBulk(decisions: ReviewRequest[]): Promise<{ rows: CandidateRow[]; version: number }> {
  return apiPost<{ rows: CandidateRow[]; version: number }>('/api/review/bulk', { decisions });
}
