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
import { isStablepickError, StablepickError, type ErrorCode } from '../errors.js';
import type { ExportFormatName, Overview, ReviewRequest, WritableStatus } from './api-types.js';
import { branchOverview, parseCandidateQuery, queryCandidates } from './candidates.js';
import type { CandidateSource } from './source.js';

const TOKEN_HEADER = 'x-stablepick-token';
const WRITABLE: readonly (WritableStatus | 'unreviewed')[] = ['accepted', 'rejected', 'deferred', 'needs-review', 'unreviewed'];
const FORMATS: readonly ExportFormatName[] = ['mbox', 'cherry-pick', 'quilt'];
/** A bulk decision is at most this many commits × branches. */
const MAX_BULK = 5_000;

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
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
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

/** The HTTP status of each error code (a Record, so that a new code must be placed here). */
const ERROR_STATUS: Readonly<Record<ErrorCode, 400 | 404 | 409 | 500>> = {
  GIT_MISSING: 500,
  GIT_FAILED: 500,
  NOT_A_REPOSITORY: 500,
  UNKNOWN_REVISION: 400,
  SHALLOW_REPOSITORY: 500,
  MISSING_OBJECT: 500,
  AMBIGUOUS: 400,
  NOT_INDEXED: 404,
  UNKNOWN_BRANCH: 404,
  NOT_A_STABLE_BRANCH: 400,
  BAD_OPTION: 400,
  BAD_REVISION: 400,
  BAD_RANGE: 400,
  BAD_ADDRESS: 400,
  BAD_SMTP: 400,
  BAD_INPUT: 400,
  BAD_MAIL: 400,
  BAD_DECISION: 400,
  BAD_REQUEST: 400,
  BAD_OUTPUT: 400,
  BAD_CONFIG: 500,
  INDEX_MISSING: 500,
  INDEX_BUSY: 409,
  INDEX_CORRUPT: 500,
  INDEX_NEWER: 500,
  NOT_FOUND: 404,
  NOT_MAILABLE: 400,
  DOES_NOT_APPLY: 409,
  SMTP_FAILED: 500,
  IO: 500,
};

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
    if (c.req.header('sec-fetch-site') === 'cross-site')
      return fail(c, 403, 'FORBIDDEN', 'cross-site requests are refused', 'open the URL stablepick serve printed');
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });

  app.use('/api/*', async (c, next) => {
    if (!sameToken(c.req.header(TOKEN_HEADER), token))
      return fail(c, 403, 'FORBIDDEN', 'missing or wrong session token', `send the ${TOKEN_HEADER} header of the page`);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      if (origin !== undefined && !sameOrigin(origin, c.req.header('host') ?? ''))
        return fail(c, 403, 'FORBIDDEN', `origin '${origin}' is not this server`, 'writes come from the dashboard page only');
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') return fail(c, 415, 'BAD_REQUEST', 'the body must be JSON', 'send Content-Type: application/json');
    }
    await next();
  });

  app.onError((e, c) => {
    if (isStablepickError(e)) return c.json({ error: { code: e.code, message: e.message, hint: e.hint, data: e.data } }, ERROR_STATUS[e.code]);
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

  // diff=0: everything but the diff (the page paints the message first and asks for the diff beside it).
  app.get('/api/commit/:sha', async (c) => c.json(await source.commit(c.req.param('sha'), { withDiff: c.req.query('diff') !== '0' })));
  app.get('/api/commit/:sha/diff', async (c) => c.json({ diff: (await source.commit(c.req.param('sha'))).diff }));
  app.get('/api/commit/:sha/case', async (c) => c.json(await source.writtenCase(c.req.param('sha'))));

  app.get('/api/audit', async (c) => {
    const branch = c.req.query('branch') || source.branches[0];
    if (!branch || !source.branches.includes(branch))
      throw new StablepickError('UNKNOWN_BRANCH', { branch: branch ?? '', scope: 'session', known: source.branches });
    return c.json(await source.audit(branch));
  });

  const jsonBody = async (c: Context, max: number, shape: string): Promise<unknown> => {
    const len = Number(c.req.header('content-length') ?? '0');
    if (len > max) throw new StablepickError('BAD_REQUEST', { input: 'the body', why: 'is too large', fix: `send at most ${max} bytes` });
    try {
      return await c.req.json();
    } catch {
      throw new StablepickError('BAD_REQUEST', { input: 'the body', why: 'is not valid JSON', fix: `send ${shape}` });
    }
  };
  const knownBranch = (branch: unknown): string => {
    if (typeof branch !== 'string' || !source.branches.includes(branch))
      throw new StablepickError('UNKNOWN_BRANCH', { branch: String(branch ?? ''), scope: 'session', known: source.branches });
    return branch;
  };

  app.post('/api/review', async (c) => {
    const req = parseReview(await jsonBody(c, 64 * 1024, '{"sha", "branch", "status", "why"}'));
    knownBranch(req.branch);
    return c.json({ row: source.review(req) });
  });

  // Several decisions at once (a selection, a row's branches, a queue in order): each is validated
  // before any is recorded, then they are recorded in the order given.
  app.post('/api/review/bulk', async (c) => {
    const body = await jsonBody(c, 4 * 1024 * 1024, '{"decisions": [{"sha", "branch", "status", "why"}]}');
    const list = (body as { decisions?: unknown } | null)?.decisions;
    if (!Array.isArray(list) || !list.length)
      throw new StablepickError('BAD_REQUEST', {
        input: '"decisions"',
        why: 'must be a non-empty array',
        fix: 'send {"decisions": [{"sha", "branch", "status", "why"}]}',
      });
    if (list.length > MAX_BULK)
      throw new StablepickError('BAD_REQUEST', { input: `${list.length} decisions`, why: `are more than ${MAX_BULK} at once`, fix: 'send them in parts' });
    const reqs = list.map(parseReview);
    for (const r of reqs) knownBranch(r.branch);
    const rows = reqs.map((r) => source.review(r));
    return c.json({ rows, version: source.version() });
  });

  app.get('/api/matrix', (c) => c.json(source.matrix()));
  app.get('/api/version', (c) => c.json({ version: source.version() }));

  app.get('/api/commit/:sha/conflicts', async (c) => {
    if (!source.conflicts) throw new StablepickError('NOT_FOUND', { what: 'in-session', part: 'trial picks' });
    return c.json(await source.conflicts(c.req.param('sha')));
  });

  app.post('/api/export', async (c) => {
    const b = (await jsonBody(c, 4096, '{"branch", "format"}')) as { branch?: unknown; format?: unknown } | null;
    const branch = knownBranch(b?.branch);
    const format = b?.format;
    if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format))
      throw new StablepickError('BAD_OPTION', { form: 'unknown', option: 'export format', value: String(format), fix: `use one of ${FORMATS.join(', ')}` });
    if (!source.exportQueue) throw new StablepickError('NOT_FOUND', { what: 'in-session', part: 'export' });
    return c.json(await source.exportQueue(branch, format as ExportFormatName));
  });

  app.post('/api/mail', async (c) => {
    const b = (await jsonBody(c, 64 * 1024, '{"branch", "from", "to", "write"}')) as { branch?: unknown; from?: unknown; to?: unknown; write?: unknown } | null;
    const branch = knownBranch(b?.branch);
    const from = typeof b?.from === 'string' ? b.from : undefined;
    const to = Array.isArray(b?.to) ? b.to.filter((x): x is string => typeof x === 'string') : typeof b?.to === 'string' ? b.to.split(',') : undefined;
    for (const a of [from ?? '', ...(to ?? [])]) if (/[\r\n\0]/.test(a)) throw new StablepickError('BAD_ADDRESS', { value: a, why: 'control' });
    if (!source.mail) throw new StablepickError('NOT_FOUND', { what: 'in-session', part: 'mail' });
    return c.json(await source.mail(branch, { write: b?.write === true, ...(from ? { from } : {}), ...(to ? { to } : {}) }));
  });

  app.get('/api/audit/status', async (c) => {
    const branch = knownBranch(c.req.query('branch') || source.branches[0]);
    if (!source.auditStatus) return c.json({ status: {}, apply: {} });
    return c.json(await source.auditStatus(branch));
  });

  app.post('/api/audit/review', async (c) => {
    const req = parseReview(await jsonBody(c, 64 * 1024, '{"sha", "branch", "status", "why"}'));
    knownBranch(req.branch);
    if (!source.reviewAny) throw new StablepickError('NOT_FOUND', { what: 'in-session', part: 'audit decisions' });
    return c.json({ status: source.reviewAny(req) });
  });

  app.all('/api/*', (c) => fail(c, 404, 'NOT_FOUND', `no API at ${c.req.path}`, 'see docs/dashboard.md'));

  app.get('/', (c) => {
    if (!sameToken(c.req.query('token'), token)) {
      return c.html(
        '<!doctype html><meta charset="utf-8"><title>stablepick</title><p>Open the address <code>stablepick serve</code> printed: it carries the session token.</p>',
        403,
      );
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
    return fail(c, 400, 'BAD_REQUEST', 'bad path');
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
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new StablepickError('BAD_REQUEST', { input: 'the body', why: 'must be a JSON object', fix: 'send {"sha", "branch", "status", "why"}' });
  const b = body as Record<string, unknown>;
  const str = (k: string): string => {
    const v = b[k];
    if (typeof v !== 'string' || !v.trim())
      throw new StablepickError('BAD_REQUEST', { input: `"${k}"`, why: 'must be a non-empty string', fix: 'send {"sha", "branch", "status", "why"}' });
    return v.trim();
  };
  const sha = str('sha').toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new StablepickError('BAD_REVISION', { rev: sha, expected: 'full id', fix: 'give the 40-hex sha' });
  const status = str('status');
  if (!(WRITABLE as readonly string[]).includes(status))
    throw new StablepickError('BAD_OPTION', { form: 'unknown', option: 'review status', value: status, fix: `use one of ${WRITABLE.join(', ')}` });
  const why = b.why === undefined || b.why === null ? '' : b.why;
  if (typeof why !== 'string') throw new StablepickError('BAD_REQUEST', { input: '"why"', why: 'must be a string', fix: 'give the reason as text' });
  if (why.length > 10_000) throw new StablepickError('BAD_REQUEST', { input: 'the reason', why: 'is longer than 10,000 characters', fix: 'shorten it' });
  if (status === 'rejected' && !why.trim())
    throw new StablepickError('BAD_REQUEST', { input: 'a rejection', why: 'needs a reason', fix: 'say why the commit should not go to this branch' });
  return { sha, branch: str('branch'), status: status as WritableStatus | 'unreviewed', why: why.trim() };
}
