/**
 * Content kept whole in the AUTOSEL mails (issue 15, item 7), through the real `stablepick mail` on the
 * demo repository:
 *   - a subject wrapped over two lines is the mail's subject as git itself shows it (joined), and its
 *     second line does not fall into the body (it did: the subject was cut at the first line);
 *   - an author name with a CR refuses that one mail, listed, not the whole series (it refused all);
 *   - a mail over the size limit (--max-mail-size) is not written, with a one-line warning naming it;
 *   - a CR inside a trailer never lets an extra address into Cc.
 * The index copies are changed with SQL (what the indexer stores for such a commit); the repository is
 * never changed.
 */
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoResult } from '../../src/report/demo/run-demo.js';
import { recipientsFrom } from '../../src/report/mail/addresses.js';
import { mboxEntryToMessage, splitMbox } from '../../src/report/mail/mbox.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo, makeTempDir } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';

const root = makeTempDir('stablepick-mail-content-');
const FROM = 'Sasha Demo <sasha@demo-kernel.org>';
const BRANCHES = 'linux-6.17.y,linux-6.12.y';
let r: DemoResult;
let before: RepoStateSnapshot;

beforeAll(async () => {
  r = await runDemo({ dir: path.join(root, 'demo') });
  before = snapshotRepoState(r.repoDir);
}, 180_000);

afterAll(() => {
  expectRepoUnchanged(r.repoDir, before);
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A copy of the demo index with `sql` applied. */
function indexWith(sql: string, ...args: unknown[]): string {
  const file = path.join(root, `index-${++n}.sqlite`);
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

function mail(db: string, extra: string[] = []): { code: number; stderr: string; summary: Summary | null; mbox: string } {
  const out = path.join(root, `out-${++n}.mbox`);
  const res = runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--out', out, '--from', FROM, '--to', 'stable@vger.kernel.org', '--json', ...extra, '--repo', r.repoDir, '--db', db]);
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
    const row = new Database(r.dbPath, { readonly: true }).prepare('SELECT subject, message FROM commits WHERE sha = ?').get(sha) as { subject: string; message: string };
    const wrapped = row.message.replace(`${row.subject}\n`, `${row.subject}\nand its second line\n`);
    expect(wrapped).not.toBe(row.message);
    // What git itself shows as the subject of such a message.
    const scratch = makeRepo({ branch: 'main' });
    const c = scratch.git(['commit-tree', scratch.git(['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' }).trim(), '-m', wrapped]).trim();
    const gitSubject = scratch.git(['log', '-1', '--format=%s', c]).trim();
    scratch.cleanup();
    expect(gitSubject).toBe(`${row.subject} and its second line`);

    const res = mail(indexWith('UPDATE commits SET message = ? WHERE sha = ?', wrapped, sha));
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
    const all = mail(r.dbPath);
    expect(all.code).toBe(0);
    const shas = all.summary!.mails.map((m) => m.sha);
    expect(shas.length).toBeGreaterThan(1);
    const bad = shas[shas.length - 1]!;
    const res = mail(indexWith('UPDATE commits SET author_name = ? WHERE sha = ?', 'Tejun\rHeo', bad));
    expect(res.code, res.stderr).toBe(0);
    expect(res.summary!.mails.map((m) => m.sha)).toEqual(shas.filter((s) => s !== bad));
    const skip = res.summary!.skipped.find((s) => s.sha === bad);
    expect(skip?.reason).toMatch(/^not mailed: mail header .* holds a line break/);
    expect(res.stderr).toMatch(new RegExp(`^stablepick: warning: ${bad.slice(0, 12)} \\(".*"\\) not mailed: mail header .* holds a line break`, 'm'));
  }, 180_000);

  it('a mail over --max-mail-size is not written, with a one-line warning naming the commit', () => {
    const all = mail(r.dbPath);
    const sizes = splitMbox(all.mbox).map((m) => ({ sha: /^From ([0-9a-f]{40})/.exec(m)![1]!, bytes: Buffer.byteLength(m) }));
    sizes.sort((a, b) => b.bytes - a.bytes);
    const [big, next] = sizes;
    expect(big!.bytes).toBeGreaterThan(next!.bytes + 200);
    const limit = Math.floor((big!.bytes + next!.bytes) / 2);
    const res = mail(r.dbPath, ['--max-mail-size', String(limit)]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.summary!.mails.map((m) => m.sha)).not.toContain(big!.sha);
    expect(res.summary!.mails.length).toBe(sizes.length - 1);
    const warnings = res.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^stablepick: warning: ${big!.sha.slice(0, 12)} \\(".*"\\) not mailed: the mail would be .* over the limit of .* \\(--max-mail-size\\)$`));
    const bad = runCli(['mail', 'v6.17..master', '--branch', BRANCHES, '--max-mail-size', 'huge', '--from', FROM, '--to', 'stable@vger.kernel.org', '--repo', r.repoDir, '--db', r.dbPath]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^stablepick: --max-mail-size huge is not a size/);
  }, 180_000);
});

describe('a CR inside a trailer', () => {
  it('never lets an extra address into To or Cc', () => {
    const message = ['lib: fix it', '', 'Text.', '', 'Reported-by: Ann <ann@example.org>\rCc: evil@attacker.example', 'Signed-off-by: Dev <dev@example.org>', ''].join('\n');
    const rc = recipientsFrom({ message, author: { name: 'Dev', email: 'dev@example.org' }, sender: { name: 'S', email: 's@example.org' }, stableLists: ['stable@vger.kernel.org'] }, null);
    const all = [...rc.to, ...rc.cc].join('\n');
    expect(all).not.toContain('evil@attacker.example');
    expect(all).not.toContain('ann@example.org');
    expect(rc.skipped.some((s) => s.reason.includes('control character') && s.source === 'Reported-by trailer')).toBe(true);
    expect(rc.cc).toContain('Dev <dev@example.org>');
  });
});
