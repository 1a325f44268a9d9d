/**
 * `stablepick explain` and `stablepick mail` on the demo repository, through the real CLI: the case as
 * Markdown and JSON, the mbox, bad input, a review rejection honoured by the next series, and sending to
 * a real SMTP server on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/report/demo/run-demo.js';
import { parseJson, runCli, type CliResult } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/repo-builder.js';
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
    expect(res.stdout).toContain(`1. ${r.demo.shas.lazyFollowUp.slice(0, 12)} ("sched_ext: Fix scx_kick_pseqs corruption on concurrent scheduler loads") fixes it`);
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
    expect(unknown.stderr).toMatch(/^stablepick: no stable or staging branch 'linux-9\.9\.y' in the index — known branches: .*\n$/);
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
    const rej = runCli(['review', 'reject', sha, '--branch', 'linux-6.17.y', '--why', 'the counter is only read by a debug tool', '--who', 'Greg Demo <greg@demo-kernel.org>', ...common()]);
    expect(rej.stderr).toBe('');
    expect(rej.code).toBe(0);
    const out = path.join(root, 'after-review.mbox');
    const j = parseJson<{ mails: { sha: string }[] }>(runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--to', 'stable@vger.kernel.org', '--json', ...common()]));
    expect(j.mails.map((m) => m.sha)).not.toContain(sha);
    expect(j.mails.map((m) => m.sha)).toContain(r.demo.shas.lazyAlloc);
    const scan = runCli(['scan', 'v6.17..master', '--branch', 'linux-6.17.y', '--json', ...common()]);
    const line = scan.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sha: string; verdict: string; reasons: { text: string }[] }).find((v) => v.sha === sha)!;
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
      const res = await runCliAsync(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--to', 'stable@vger.kernel.org', '--send', '--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--json', ...common()]);
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
