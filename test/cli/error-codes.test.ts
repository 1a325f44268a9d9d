/**
 * Errors as data (issue 17 item 5): every error code is thrown somewhere in src/, the user-facing codes
 * have real triggers (commands run on a repository the test builds, through the CLI's own parse and
 * report path) that end as one line, exit 1, no stack trace; a broken contract (InternalError) exits 70.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCommandModules } from '../../src/cli/commands/index.js';
import { registerConfigSections } from '../../src/cli/config-sections.js';
import { buildProgram, reportError } from '../../src/cli/main.js';
import { CatFileBatch } from '../../src/git/cat-file-batch.js';
import { InternalError, isStablepickError, type ErrorCode } from '../../src/errors.js';
import { depsRepo, type DepsFixture } from '../analysis/builder.js';
import { indexedContext, type TestContext } from '../analysis/ctx.js';

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The codes of ErrorDataMap, read from src/errors.ts. */
function declaredCodes(): string[] {
  const text = readFileSync(path.join(SRC, 'errors.ts'), 'utf8');
  const body = text.slice(text.indexOf('export interface ErrorDataMap {'), text.indexOf('\n}\n', text.indexOf('export interface ErrorDataMap {')));
  return [...body.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]!);
}

describe('every code is thrown somewhere', () => {
  const files = sourceFiles(SRC).filter((f) => !f.endsWith(`${path.sep}errors.ts`));
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');

  it('each declared code has a `new StablepickError(CODE` site in src/', () => {
    const codes = declaredCodes();
    expect(codes.length).toBeGreaterThan(20);
    const unthrown = codes.filter((c) => !text.includes(`new StablepickError('${c}'`));
    expect(unthrown).toEqual([]);
  });

  it('no StablepickError says it is a bug in stablepick (that is an InternalError)', () => {
    const sites = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('new StablepickError(')
        .slice(1)
        .filter((s) => /bug in stablepick/.test(s.slice(0, s.indexOf(');') + 1 || 400)))
        .map(() => path.relative(SRC, f)),
    );
    expect(sites).toEqual([]);
  });
});

let fx: DepsFixture;
let ctx: TestContext;
let work: string;

beforeAll(async () => {
  fx = depsRepo();
  ctx = await indexedContext(fx.repo.dir);
  ctx.db.close();
  work = mkdtempSync(path.join(os.tmpdir(), 'stablepick-errors-'));
}, 120_000);
afterAll(() => {
  ctx?.close();
  fx?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a command as `stablepick` does (parse, then the CLI's error report), with stderr captured. */
async function cli(argv: readonly string[]): Promise<{ error: unknown; status: number; stderr: string }> {
  await registerConfigSections();
  const program = buildProgram(await loadCommandModules(argv[0]));
  let error: unknown = null;
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    error = e;
  }
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  let status = 0;
  try {
    if (error) status = reportError(error);
  } finally {
    spy.mockRestore();
  }
  return { error, status, stderr };
}

describe('real triggers of the user-facing codes', () => {
  const repo = (): string[] => ['--repo', fx.repo.dir, '--db', ctx.dbPath];
  const triggers: [ErrorCode, () => string[], RegExp][] = [
    ['NOT_A_REPOSITORY', () => ['stats', '--repo', path.join(work, 'no-such-dir'), '--db', ctx.dbPath], /does not exist/],
    ['INDEX_MISSING', () => ['stats', '--repo', fx.repo.dir, '--db', path.join(work, 'none.db')], /^no index at /],
    ['UNKNOWN_REVISION', () => ['apply-check', 'no-such-rev', '--branch', 'stable-1.0', '--repo', fx.repo.dir], /unknown revision 'no-such-rev'/],
    ['BAD_REVISION', () => ['apply-check', 'a\nb', '--branch', 'stable-1.0', '--repo', fx.repo.dir], /^not a revision: "a\\nb"/],
    ['BAD_RANGE', () => ['scan', `${fx.alpha}...${fx.p1}`, '--branch', 'stable-1.0', ...repo()], /symmetric difference/],
    ['UNKNOWN_BRANCH', () => ['audit', '--branch', 'nope', ...repo()], /^no indexed branch 'nope'/],
    ['BAD_OPTION', () => ['explain', fx.p1, '--branch', 'stable-1.0', '--format', 'xml', ...repo()], /^--format must be md or json, not xml/],
    ['NOT_FOUND', () => ['review', 'import', path.join(work, 'nope.mbox'), ...repo()], /nope\.mbox: no such file/],
    ['BAD_INPUT', () => ['review', 'import', path.join(work, 'empty.mbox'), ...repo()], /empty\.mbox is empty/],
    [
      'BAD_ADDRESS',
      () => ['review', 'accept', fx.p1, '--branch', 'stable-1.0', '--who', 'not an address', ...repo()],
      /--who "not an address" is not "Name <email>"/,
    ],
    [
      'BAD_OUTPUT',
      () => ['review', 'export', '--branch', 'stable-1.0', '--format', 'cherry-pick', '--out', path.join(work, 'taken.txt'), ...repo()],
      /taken\.txt already exists/,
    ],
    ['INDEX_CORRUPT', () => ['stats', '--repo', fx.repo.dir, '--db', path.join(work, 'garbage.db')], /is damaged/],
    ['INDEX_NEWER', () => ['stats', '--repo', fx.repo.dir, '--db', path.join(work, 'newer.db')], /newer stablepick \(schema 999 > \d+\)/],
    ['NOT_INDEXED', () => ['show', fx.repo.revParse('late'), ...repo()], /is not in the index yet/],
    ['AMBIGUOUS', () => ['show', fx.qPrefix, ...repo()], /names several/],
    ['BAD_CONFIG', () => ['stats', ...repo(), '--config', path.join(work, 'bad.json')], /unknown key "nope"/],
  ];

  beforeAll(() => {
    writeFileSync(path.join(work, 'empty.mbox'), '');
    writeFileSync(path.join(work, 'bad.json'), '{"nope": 1}\n');
    writeFileSync(path.join(work, 'taken.txt'), 'x\n');
    writeFileSync(path.join(work, 'garbage.db'), Buffer.alloc(8192, 0x5a));
    copyFileSync(ctx.dbPath, path.join(work, 'newer.db'));
    const db = new Database(path.join(work, 'newer.db'));
    db.pragma('user_version = 999');
    db.close();
    // A commit git knows and the index does not (made after indexing), on a branch of its own.
    execFileSync('git', ['-C', fx.repo.dir, 'branch', 'late', fx.repo.revParse('HEAD')]);
    fx.repo.checkout('late');
    fx.repo.commit('late: a commit after the index', { 'late.txt': 'late\n' });
  });

  it('GIT_MISSING: git is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(work, 'no-bin');
    let r: Awaited<ReturnType<typeof cli>>;
    try {
      r = await cli(['stats', ...repo()]);
    } finally {
      process.env.PATH = saved;
    }
    expect(isStablepickError(r.error) && r.error.code).toBe('GIT_MISSING');
    expect(isStablepickError(r.error) && r.error.data).toEqual({ code: 'GIT_MISSING' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('stablepick: git was not found on PATH — install git (2.39 or newer) and try again\n');
  });

  it.each(triggers)('%s', async (code, args, line) => {
    const r = await cli(args());
    expect(isStablepickError(r.error) ? r.error.code : r.error).toBe(code);
    expect(isStablepickError(r.error) && r.error.data.code).toBe(code);
    expect(r.status).toBe(1);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.startsWith('stablepick: ')).toBe(true);
    expect(r.stderr.slice('stablepick: '.length)).toMatch(line);
  });
});

describe('a broken contract', () => {
  it('a git helper used after close is an InternalError, not a user error', async () => {
    const batch = CatFileBatch.open({ gitDir: path.join(fx.repo.dir, '.git'), workTree: fx.repo.dir });
    expect((await batch.read(fx.alpha))?.type).toBe('commit');
    batch.close();
    const e = await batch.read(fx.alpha).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InternalError);
    expect(isStablepickError(e)).toBe(false);
    expect((e as InternalError).contract).toBe('cat-file-closed');
  });

  it('is reported as one line with exit 70', () => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    let status: number;
    try {
      status = reportError(new InternalError('cat-file-closed', 'git cat-file --batch is closed'));
    } finally {
      spy.mockRestore();
    }
    expect(status).toBe(70);
    expect(stderr).toBe(
      'stablepick: internal error: git cat-file --batch is closed — this is a bug in stablepick; rerun with STABLEPICK_DEBUG=1 and report it\n',
    );
  });
});
