/**
 * The dashboard's HTTP layer (Hono): the JSON API under /api and the built page. Every request must
 * carry the session token (the page gets it in a meta tag when opened with `?token=`, the API in the
 * `X-Stablepick-Token` header), must name an allowed Host (no DNS rebinding) and, for writes, come from
 * the page's own origin with a JSON body.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { isStablepickError, StablepickError } from '../errors.js';
import type { Overview, ReviewRequest, WritableStatus } from './api-types.js';
import { branchOverview, parseCandidateQuery, queryCandidates } from './candidates.js';
import type { CandidateSource } from './source.js';

export const TOKEN_HEADER = 'x-stablepick-token';
const WRITABLE: readonly WritableStatus[] = ['accepted', 'rejected', 'deferred', 'needs-review'];

export interface AppOptions {
  source: CandidateSource;
  token: string;
  /** The built page (dist/web). */
  webDir: string;
  /** Whether a Host header names this server (set once the port is known). */
  allowedHost(host: string): boolean;
  /** Errors that are not a StablepickError (bugs): where to tell about them. */
  onInternalError?: (e: unknown) => void;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function errorStatus(code: string): 400 | 404 | 409 | 500 {
  if (code === 'NOT_FOUND') return 404;
  if (code === 'BAD_ARGUMENT' || code === 'AMBIGUOUS' || code === 'UNKNOWN_REVISION') return 400;
  if (code === 'INDEX_BUSY') return 409;
  return 500;
}

function fail(c: Context, status: 400 | 403 | 404 | 413 | 415 | 500, code: string, message: string, hint = ''): Response {
  return c.json({ error: { code, message, hint } }, status);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function createApp(opts: AppOptions): Hono {
  const { source, token } = opts;
  const app = new Hono();
  const indexTemplate = readFileSync(path.join(opts.webDir, 'index.html'), 'utf8');
  const indexHtml = indexTemplate.replace('<head>', `<head>\n    <meta name="stablepick-token" content="${escapeAttr(token)}">`);

  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (!opts.allowedHost(host)) return fail(c, 403, 'FORBIDDEN', `host '${host}' is not this server`, 'open the URL stablepick serve printed');
    if (c.req.header('sec-fetch-site') === 'cross-site') return fail(c, 403, 'FORBIDDEN', 'cross-site requests are refused', 'open the URL stablepick serve printed');
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });

  app.use('/api/*', async (c, next) => {
    if (!sameToken(c.req.header(TOKEN_HEADER), token)) return fail(c, 403, 'FORBIDDEN', 'missing or wrong session token', `send the ${TOKEN_HEADER} header of the page`);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (origin !== undefined && !sameOrigin(origin, c.req.header('host') ?? '')) return fail(c, 403, 'FORBIDDEN', `origin '${origin}' is not this server`, 'writes come from the dashboard page only');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return fail(c, 415, 'BAD_ARGUMENT', 'the body must be JSON', 'send Content-Type: application/json');
    }
    await next();
  });

  app.onError((e, c) => {
    if (isStablepickError(e)) return c.json({ error: { code: e.code, message: e.message, hint: e.hint } }, errorStatus(e.code));
    opts.onInternalError?.(e);
    return fail(c, 500, 'INTERNAL', `internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, 'this is a bug in stablepick');
  });

  app.get('/api/overview', (c) => {
    const o: Overview = {
      range: source.range,
      judgedAt: source.judgedAt,
      reviewer: source.reviewer,
      branches: source.branches.map((b) => branchOverview(b, source.rows(b))),
    };
    return c.json(o);
  });

  app.get('/api/candidates', (c) => {
    const q = parseCandidateQuery(c.req.query(), source.branches);
    const page = queryCandidates(source.rows(q.branch), q);
    // compact=1: what the list shows, without every reason and path (a third of the bytes for big lists).
    if (c.req.query('compact') === '1') page.rows = page.rows.map((r) => ({ ...r, reasons: [], paths: [] }));
    return c.json(page);
  });

  app.get('/api/commit/:sha', async (c) => c.json(await source.commit(c.req.param('sha'))));
  app.get('/api/commit/:sha/case', async (c) => c.json(await source.writtenCase(c.req.param('sha'))));

  app.get('/api/audit', async (c) => {
    const branch = c.req.query('branch') || source.branches[0];
    if (!branch || !source.branches.includes(branch)) throw new StablepickError('NOT_FOUND', `branch '${branch ?? ''}' is not judged in this session`, `use one of ${source.branches.join(', ')}`);
    return c.json(await source.audit(branch));
  });

  app.post('/api/review', async (c) => {
    const len = Number(c.req.header('content-length') ?? '0');
    if (len > 64 * 1024) return fail(c, 413, 'BAD_ARGUMENT', 'the body is too large', 'a review is a few fields');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return fail(c, 400, 'BAD_ARGUMENT', 'the body is not valid JSON', 'send {"sha", "branch", "status", "why"}');
    }
    const req = parseReview(body);
    if (!source.branches.includes(req.branch)) throw new StablepickError('NOT_FOUND', `branch '${req.branch}' is not judged in this session`, `use one of ${source.branches.join(', ')}`);
    return c.json({ row: source.review(req) });
  });

  app.all('/api/*', (c) => fail(c, 404, 'NOT_FOUND', `no API at ${c.req.path}`, 'see docs/dashboard.md'));

  app.get('/', (c) => {
    if (!sameToken(c.req.query('token'), token)) {
      return c.html('<!doctype html><meta charset="utf-8"><title>stablepick</title><p>Open the address <code>stablepick serve</code> printed: it carries the session token.</p>', 403);
    }
    return c.html(indexHtml);
  });

  app.get('/assets/*', (c) => serveFile(c, opts.webDir, c.req.path));
  app.get('/favicon.svg', (c) => serveFile(c, opts.webDir, c.req.path));

  return app;
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === host;
  } catch {
    return false;
  }
}

function serveFile(c: Context, root: string, urlPath: string): Response {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return fail(c, 400, 'BAD_ARGUMENT', 'bad path');
  }
  const file = path.resolve(root, `.${rel}`);
  if (!file.startsWith(root + path.sep)) return fail(c, 404, 'NOT_FOUND', 'no such file');
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return fail(c, 404, 'NOT_FOUND', `no file ${rel}`);
  }
  return c.body(new Uint8Array(data), 200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
}

/** Validates the body of POST /api/review. */
export function parseReview(body: unknown): ReviewRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new StablepickError('BAD_ARGUMENT', 'the body must be a JSON object', 'send {"sha", "branch", "status", "why"}');
  const b = body as Record<string, unknown>;
  const str = (k: string): string => {
    const v = b[k];
    if (typeof v !== 'string' || !v.trim()) throw new StablepickError('BAD_ARGUMENT', `"${k}" must be a non-empty string`, 'send {"sha", "branch", "status", "why"}');
    return v.trim();
  };
  const sha = str('sha').toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new StablepickError('BAD_ARGUMENT', `'${sha}' is not a full commit id`, 'give the 40-hex sha');
  const status = str('status');
  if (!(WRITABLE as readonly string[]).includes(status)) throw new StablepickError('BAD_ARGUMENT', `unknown review status '${status}'`, `use one of ${WRITABLE.join(', ')}`);
  const why = b.why === undefined || b.why === null ? '' : b.why;
  if (typeof why !== 'string') throw new StablepickError('BAD_ARGUMENT', '"why" must be a string', 'give the reason as text');
  if (why.length > 10_000) throw new StablepickError('BAD_ARGUMENT', 'the reason is longer than 10,000 characters', 'shorten it');
  if (status === 'rejected' && !why.trim()) throw new StablepickError('BAD_ARGUMENT', 'a rejection needs a reason', 'say why the commit should not go to this branch');
  return { sha, branch: str('branch'), status: status as WritableStatus, why: why.trim() };
}
