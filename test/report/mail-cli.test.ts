/**
 * `stablepick explain` and `stablepick mail` on the demo repository, through the real CLI: the case as
 * Markdown and JSON, the mbox, bad input, a review rejection honoured by the next series, and sending to
 * a real SMTP server on 127.0.0.1. Content kept whole (issue 15): a subject wrapped over two lines is the
 * mail's subject as git shows it; an author name with a CR refuses that one mail, not the series; a mail
 * over --max-mail-size is not written, with a one-line warning; a CR inside a trailer lets no extra
 * address into Cc.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { recipientsFrom } from '../../src/report/mail/addresses.js';
import { mboxEntryToMessage, splitMbox } from '../../src/report/mail/mbox.js';
import { parseJson, runCli, type CliResult } from '../helpers/cli.js';
import { makeRepo, makeTempDir } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = makeTempDir('stablepick-mail-cli-test-');
let r: DemoResult;
let before: RepoStateSnapshot;
const FROM = 'Sasha Demo <sasha@demo-kernel.org>';
const BRANCHES = 'linux-6.17.y,linux-6.12.y';

beforeAll(async () => {
  r = await runDemo({ dir: path.join(root, 'demo') });
  before = snapshotRepoState(r.repoDir);
}, 180_000);

afterAll(() => {
  expectRepoUnchanged(r.repoDir, before);
  rmSync(root, { recursive: true, force: true });
});

const common = (): string[] => ['--repo', r.repoDir, '--db', r.dbPath];

/** The CLI without blocking this process (the SMTP server below must answer meanwhile). */
function runCliAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('stablepick explain', () => {
  it('prints the checked case as Markdown', () => {
    const res = runCli(['explain', r.demo.shas.lazyAlloc.slice(0, 10), '--branch', BRANCHES, ...common()]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^# [0-9a-f]{12} sched_ext: Allocate scx_kick_pseqs lazily using kvzalloc\(\)\n/);
    expect(res.stdout).toContain('## Follow-up fixes and reverts required');
    expect(res.stdout).toContain(
      `1. ${r.demo.shas.lazyFollowUp.slice(0, 12)} ("sched_ext: Fix scx_kick_pseqs corruption on concurrent scheduler loads") fixes it`,
    );
  });

  it('prints the case as JSON with its citations', () => {
    const c = parseJson<{ sha: string; verdict: string; citations: unknown[]; branches: { branch: string; verdict: string }[] }>(
      runCli(['explain', r.demo.shas.statsOverflow, '--branch', BRANCHES, '--format', 'json', ...common()]),
    );
    expect(c.sha).toBe(r.demo.shas.statsOverflow);
    expect(c.branches.map((b) => [b.branch, b.verdict])).toEqual([
      ['linux-6.17.y', 'YES'],
      ['linux-6.12.y', 'NO'],
    ]);
    expect(c.citations.length).toBeGreaterThan(5);
  });

  it('says in one line what is wrong with bad input', () => {
    const bad = runCli(['explain', r.demo.shas.lazyAlloc, '--branch', BRANCHES, '--format', 'html', ...common()]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('stablepick: --format must be md or json, not html — use --format md or --format json\n');
    const unknown = runCli(['explain', r.demo.shas.lazyAlloc, '--branch', 'linux-9.9.y', ...common()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^stablepick: no branch 'linux-9\.9\.y' in the repository as last indexed — stable branches: .*\n$/);
  });
});

describe('stablepick mail', () => {
  it('writes the mbox and a summary, and refuses to overwrite it', () => {
    const out = path.join(root, 'series.mbox');
    const res = runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--to', 'stable@vger.kernel.org', '--json', ...common()]);
    expect(res.stderr).toBe('');
    const j = JSON.parse(res.stdout) as { mails: { sha: string; kind: string; branches: string[] }[]; skipped: unknown[] };
    expect(j.mails.map((m) => m.sha)).toEqual(r.mails.map((m) => m.sha));
    const mbox = readFileSync(out, 'utf8');
    expect(mbox.match(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/gm)?.length).toBe(j.mails.length);
    const again = runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--to', 'stable@vger.kernel.org', ...common()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists — give another --out, or --force to overwrite it\n$/);
  });

  it('mails a kernel tree to both kernel lists when no To is given', () => {
    const out = path.join(root, 'default-to.mbox');
    const res = runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--json', ...common()]);
    expect(res.code, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout) as { mails: { to: string[] }[] };
    for (const m of j.mails) expect(m.to.slice(0, 2)).toEqual(['patches@lists.linux.dev', 'stable@vger.kernel.org']);
  });

  it('does not mail a commit a reviewer rejected for a branch', () => {
    const sha = r.demo.shas.statsOverflow;
    const rej = runCli([
      'review',
      'reject',
      sha,
      '--branch',
      'linux-6.17.y',
      '--why',
      'the counter is only read by a debug tool',
      '--who',
      'Greg Demo <greg@demo-kernel.org>',
      ...common(),
    ]);
    expect(rej.stderr).toBe('');
    expect(rej.code).toBe(0);
    const out = path.join(root, 'after-review.mbox');
    const j = parseJson<{ mails: { sha: string }[] }>(
      runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--to', 'stable@vger.kernel.org', '--json', ...common()]),
    );
    expect(j.mails.map((m) => m.sha)).not.toContain(sha);
    expect(j.mails.map((m) => m.sha)).toContain(r.demo.shas.lazyAlloc);
    const scan = runCli(['scan', 'v6.17..master', '--branch', 'linux-6.17.y', '--json', ...common()]);
    const line = scan.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { sha: string; verdict: string; reasons: { text: string }[] })
      .find((v) => v.sha === sha)!;
    expect(line.verdict).toBe('NO');
    expect(line.reasons[0]!.text).toContain('the counter is only read by a debug tool');
  });

  it('sends the series to a real SMTP server on 127.0.0.1', async () => {
    const received: { to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((x) => x.address), data: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const out = path.join(root, 'sent.mbox');
      const res = await runCliAsync([
        'mail',
        'v6.17..master',
        '--branch',
        BRANCHES,
        '--out',
        out,
        '--from',
        FROM,
        '--to',
        'stable@vger.kernel.org',
        '--send',
        '--smtp-host',
        '127.0.0.1',
        '--smtp-port',
        String(port),
        '--json',
        ...common(),
      ]);
      expect(res.stderr).toBe('');
      const j = JSON.parse(res.stdout) as { mails: { subject: string }[]; sent: { status: string }[] };
      expect(j.sent.length).toBe(j.mails.length);
      expect(j.sent.every((s) => s.status === 'sent')).toBe(true);
      expect(received.length).toBe(j.mails.length);
      for (const m of received) expect(m.to).toContain('stable@vger.kernel.org');
      expect(received[0]!.data).toMatch(/^X-stable: review\r?$/m);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(existsSync(path.join(root, 'sent.mbox'))).toBe(true);
  });
});

// Content kept whole (issue 15, item 7). The index copies are changed with SQL (what the indexer stores
// for such a commit); the repository is never changed.
let n = 0;
/** A copy of the demo index with `sql` applied. */
function indexWith(sql: string, ...args: unknown[]): string {
  const file = path.join(root, `content-index-${++n}.sqlite`);
  const src = new Database(r.dbPath);
  src.pragma('wal_checkpoint(TRUNCATE)');
  src.close();
  copyFileSync(r.dbPath, file);
  const db = new Database(file);
  db.prepare(sql).run(...args);
  db.close();
  return file;
}

interface Summary {
  mails: { sha: string; subject: string }[];
  skipped: { sha: string; reason: string }[];
}

function mailWith(db: string, extra: string[] = []): { code: number; stderr: string; summary: Summary | null; mbox: string } {
  const out = path.join(root, `content-out-${++n}.mbox`);
  const res = runCli([
    'mail',
    'v6.17..master',
    '--branch',
    BRANCHES,
    '--out',
    out,
    '--from',
    FROM,
    '--to',
    'stable@vger.kernel.org',
    '--json',
    ...extra,
    '--repo',
    r.repoDir,
    '--db',
    db,
  ]);
  let summary: Summary | null = null;
  try {
    summary = JSON.parse(res.stdout) as Summary;
  } catch {
    // not JSON: the command failed
  }
  let mbox = '';
  try {
    mbox = readFileSync(out, 'utf8');
  } catch {
    // not written
  }
  return { code: res.code, stderr: res.stderr, summary, mbox };
}

describe('the subject as git shows it', () => {
  it('joins a subject wrapped over two lines in the Subject (what git am takes), as git log --format=%s does', async () => {
    const sha = r.mails[0]!.sha;
    const row = new Database(r.dbPath, { readonly: true }).prepare('SELECT subject, message FROM commits WHERE sha = ?').get(sha) as {
      subject: string;
      message: string;
    };
    const wrapped = row.message.replace(`${row.subject}\n`, `${row.subject}\nand its second line\n`);
    expect(wrapped).not.toBe(row.message);
    // What git itself shows as the subject of such a message.
    const scratch = makeRepo({ branch: 'main' });
    const c = scratch.git(['commit-tree', scratch.git(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' }).trim(), '-m', wrapped]).trim();
    const gitSubject = scratch.git(['log', '-1', '--format=%s', c]).trim();
    scratch.cleanup();
    expect(gitSubject).toBe(`${row.subject} and its second line`);

    const res = mailWith(indexWith('UPDATE commits SET message = ? WHERE sha = ?', wrapped, sha));
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const entry = splitMbox(res.mbox).find((m) => m.startsWith(`From ${sha}`))!;
    const parsed = await PostalMime.parse(mboxEntryToMessage(entry));
    expect(parsed.subject).toMatch(new RegExp(`^\\[PATCH AUTOSEL [^\\]]+\\] ${gitSubject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // The second line is the subject's, not the first line of the body.
    expect(parsed.text).not.toMatch(/^and its second line$/m);
    expect(res.summary!.mails.find((m) => m.sha === sha)!.subject).toContain(gitSubject);
  }, 120_000);
});

describe('one mail refused, not the series', () => {
  it('an author name with a CR refuses only that mail, and lists it', () => {
    const all = mailWith(r.dbPath);
    expect(all.code).toBe(0);
    const shas = all.summary!.mails.map((m) => m.sha);
    expect(shas.length).toBeGreaterThan(1);
    const bad = shas[shas.length - 1]!;
    const res = mailWith(indexWith('UPDATE commits SET author_name = ? WHERE sha = ?', 'Tejun\rHeo', bad));
    expect(res.code, res.stderr).toBe(0);
    expect(res.summary!.mails.map((m) => m.sha)).toEqual(shas.filter((s) => s !== bad));
    const reasons = res.summary!.skipped.filter((s) => s.sha === bad).map((s) => s.reason);
    expect(
      reasons.some((x) => /^not mailed: mail header .* holds a line break/.test(x)),
      reasons.join('; '),
    ).toBe(true);
    expect(res.stderr).toMatch(new RegExp(`^stablepick: warning: ${bad.slice(0, 12)} \\(".*"\\) not mailed: mail header .* holds a line break`, 'm'));
  }, 180_000);

  it('a mail over --max-mail-size is not written, with a one-line warning naming the commit', () => {
    const all = mailWith(r.dbPath);
    const sizes = splitMbox(all.mbox).map((m) => ({ sha: /^From ([0-9a-f]{40})/.exec(m)![1]!, bytes: Buffer.byteLength(m) }));
    sizes.sort((a, b) => b.bytes - a.bytes);
    const [big, next] = sizes;
    expect(big!.bytes).toBeGreaterThan(next!.bytes + 200);
    const limit = Math.floor((big!.bytes + next!.bytes) / 2);
    const res = mailWith(r.dbPath, ['--max-mail-size', String(limit)]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.summary!.mails.map((m) => m.sha)).not.toContain(big!.sha);
    expect(res.summary!.mails.length).toBe(sizes.length - 1);
    const warnings = res.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^stablepick: warning: ${big!.sha.slice(0, 12)} \\(".*"\\) not mailed: the mail would be .* over the limit of .* \\(--max-mail-size\\)$`),
    );
    const bad = runCli([
      'mail',
      'v6.17..master',
      '--branch',
      BRANCHES,
      '--max-mail-size',
      'huge',
      '--from',
      FROM,
      '--to',
      'stable@vger.kernel.org',
      '--repo',
      r.repoDir,
      '--db',
      r.dbPath,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^stablepick: --max-mail-size huge is not a size/);
  }, 180_000);
});

describe('a CR inside a trailer', () => {
  it('never lets an extra address into To or Cc', () => {
    const message = [
      'lib: fix it',
      '',
      'Text.',
      '',
      'Reported-by: Ann <ann@example.org>\rCc: evil@attacker.example',
      'Signed-off-by: Dev <dev@example.org>',
      '',
    ].join('\n');
    const rc = recipientsFrom(
      { message, author: { name: 'Dev', email: 'dev@example.org' }, sender: { name: 'S', email: 's@example.org' }, stableLists: ['stable@vger.kernel.org'] },
      null,
    );
    const all = [...rc.to, ...rc.cc].join('\n');
    expect(all).not.toContain('evil@attacker.example');
    expect(all).not.toContain('ann@example.org');
    expect(rc.skipped.some((s) => s.reason.includes('control character') && s.source === 'Reported-by trailer')).toBe(true);
    expect(rc.cc).toContain('Dev <dev@example.org>');
  });
});
