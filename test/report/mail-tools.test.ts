/**
 * The mails as the kernel's own tools read them: `git send-email --dry-run` takes every file of
 * `mail --out-dir` with its recipients and threading, and b4 finds the whole thread in the mbox and turns
 * the first mail into a patch that `git am`s. Both tools are Debian packages (git-email, b4) that
 * .ci/run installs; the test says so when one is missing instead of passing silently.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/repo-builder.js';

const root = makeTempDir('stablepick-mail-tools-');
let r: DemoResult;
let outDir: string;
let mbox: string;
let summary: { mails: { messageId: string; subject: string }[] };

function tool(cmd: string, args: string[], cwd: string): { code: number; out: string } {
  const p = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      GIT_AUTHOR_NAME: 'Sasha Demo',
      GIT_AUTHOR_EMAIL: 'sasha@demo-kernel.org',
      GIT_COMMITTER_NAME: 'Sasha Demo',
      GIT_COMMITTER_EMAIL: 'sasha@demo-kernel.org',
    },
  });
  if (p.error && (p.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new Error(`${cmd} is not installed: apt-get install ${cmd === 'b4' ? 'b4' : 'git-email'} (.ci/run does)`);
  const out = `${p.stdout}${p.stderr}`;
  if (p.status !== 0) console.error(cmd, args.join(' '), out.slice(-1500));
  return { code: p.status ?? -1, out };
}

beforeAll(async () => {
  // b4 reads the user from git config, not from the environment.
  writeFileSync(path.join(root, '.gitconfig'), '[user]\n\tname = Sasha Demo\n\temail = sasha@demo-kernel.org\n');
  r = await runDemo({ dir: path.join(root, 'demo') });
  outDir = path.join(root, 'patches');
  mbox = path.join(root, 'series.mbox');
  summary = parseJson(
    runCli([
      'mail',
      'v6.17..master',
      '--branch',
      'linux-6.17.y,linux-6.12.y',
      '--out',
      mbox,
      '--out-dir',
      outDir,
      '--from',
      'Sasha Demo <sasha@demo-kernel.org>',
      '--to',
      'stable@vger.kernel.org',
      '--json',
      '--repo',
      r.repoDir,
      '--db',
      r.dbPath,
    ]),
  );
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('git send-email', () => {
  it('reads every mail of --out-dir, with its recipients and threading', () => {
    const files = readdirSync(outDir).sort();
    expect(files.length).toBe(summary.mails.length);
    expect(files[0]).toMatch(/^0001-.*\.patch$/);
    const work = path.join(root, 'sendmail-work');
    tool('git', ['init', '-q', work], root);
    const res = tool(
      'git',
      [
        'send-email',
        '--dry-run',
        '--confirm=never',
        '--suppress-cc=self',
        '--smtp-server=/bin/true',
        '--to',
        'stable@vger.kernel.org',
        ...files.map((f) => path.join(outDir, f)),
      ],
      work,
    );
    expect(res.code).toBe(0);
    expect(res.out.match(/^Dry-OK\. Log says:$/gm)?.length).toBe(files.length);
    for (const m of summary.mails) expect(res.out).toContain(`Subject: ${m.subject}`);
    expect(res.out).toContain(`In-Reply-To: ${summary.mails[0]!.messageId}`);
    expect(res.out).toMatch(/^Cc: [^\n]*(?:\n\s[^\n]*)*Phil Demo <phil@demo-kernel\.org>/m);
  });
});

describe('b4', () => {
  it('finds the whole thread in the mbox', () => {
    const out = path.join(root, 'b4-mbox');
    mkdirSync(out);
    const res = tool('b4', ['--offline-mode', 'mbox', '-m', mbox, '-o', out, summary.mails[0]!.messageId], root);
    expect(res.code).toBe(0);
    expect(res.out).toContain(`${summary.mails.length} messages in the thread`);
  });

  // b4 0.12 (Debian 12) cannot `am` a local mail whose Subject header is folded — git format-patch's own
  // output included ("Header values may not contain linefeed"); the mail with a short subject is used.
  it('turns a mail into a patch that git am applies to its branch', () => {
    const lone = path.join(root, 'first.mbox');
    const i = summary.mails.findIndex((m) => m.subject.length + 'Subject: '.length <= 78);
    const mail = summary.mails[i]!;
    const text = readFileSync(path.join(outDir, readdirSync(outDir).sort()[i]!), 'utf8');
    writeFileSync(lone, text);
    const out = path.join(root, 'b4-am');
    mkdirSync(out);
    const res = tool('b4', ['--offline-mode', 'am', '-m', lone, '-o', out, mail.messageId], root);
    expect(res.code).toBe(0);
    const mbx = readdirSync(out).find((f) => f.endsWith('.mbx'))!;
    const clone = path.join(root, 'clone');
    tool('git', ['clone', '-q', '--shared', '-b', 'linux-6.17.y', r.repoDir, clone], root);
    const am = tool('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'am', path.join(out, mbx)], clone);
    expect(am.code).toBe(0);
    expect(tool('git', ['log', '-1', '--format=%s', 'HEAD'], clone).out.trim()).toBe(mail.subject.replace(/^\[PATCH AUTOSEL [^\]]+\] /, ''));
  });
});
