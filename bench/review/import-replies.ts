/**
 * `review import` of many replies to one mail: generates a repository with one upstream fix and one
 * stable branch, indexes it, records one stablepick mail about the fix, writes an mbox of N replies to
 * that mail (ACKs, NAKs and questions in turn, each with a quoted part and a signature) and times
 * `stablepick review import` on it (the real CLI, one run).
 *
 *   npx tsx bench/review/import-replies.ts [--replies 20000] [--keep] [--prepare-only]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../src/history/db.js';
import { ReviewStore } from '../../src/review/store.js';
import { argv, opt } from '../args.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const N = Number(opt('--replies') ?? 20000);
const work = mkdtempSync(path.join(os.tmpdir(), 'stablepick-bench-import-'));
const repo = path.join(work, 'repo');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.org',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.org',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: work,
};
const git = (...a: string[]): string => {
  const r = spawnSync('git', ['-C', repo, ...a], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const cli = (...a: string[]): { code: number; stdout: string; stderr: string; ms: number } => {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), ...a], {
    cwd: ROOT,
    env: { ...process.env, STABLEPICK_CACHE_DIR: work },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - t) / 1e6 };
};

spawnSync('git', ['init', '-q', '-b', 'main', repo], { env });
writeFileSync(path.join(repo, 'a.c'), 'int a = 1;\n');
git('add', '-A');
git('commit', '-q', '-m', 'initial');
git('tag', 'v1.0');
git('branch', 'linux-1.0.y');
writeFileSync(path.join(repo, 'a.c'), 'int a = 2;\n');
git('commit', '-q', '-am', 'lib: fix a\n\nSigned-off-by: Dev <dev@example.org>');
const fix = git('rev-parse', 'HEAD');
const db = path.join(work, 'index.sqlite');
const idx = cli('index', '--repo', repo, '--db', db);
if (idx.code !== 0) throw new Error(idx.stderr);
const mailId = `<stablepick-1-1-${fix.slice(0, 12)}@stable.example.org>`;
const d = openDb(db);
new ReviewStore(d).recordMail({ messageId: mailId, sha: fix, branches: ['linux-1.0.y'], subject: '[PATCH AUTOSEL 1.0] lib: fix a', at: 1_700_000_000 });
d.close();

const kinds = ['Acked-by: Rev {i} <rev{i}@example.org>', 'NAK, this is not a fix for {i}: the value was right.', 'Why does {i} need this on 1.0?'];
const parts: string[] = [];
for (let i = 0; i < N; i++) {
  const date = new Date((1_700_000_000 + 60 + i) * 1000).toUTCString().replace('GMT', '+0000');
  parts.push(
    [
      `From rev${i}@example.org Mon Nov  3 18:02:46 2025`,
      `From: Rev ${i} <rev${i}@example.org>`,
      'To: stable@vger.kernel.org',
      `Subject: Re: [PATCH AUTOSEL 1.0] lib: fix a`,
      `Date: ${date}`,
      `Message-ID: <reply-${i}@example.org>`,
      `In-Reply-To: ${mailId}`,
      `References: ${mailId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `On Mon, 3 Nov 2025, stablepick wrote:`,
      '> [ Upstream commit ' + fix + ' ]',
      '> -int a = 1;',
      '> +int a = 2;',
      '',
      kinds[i % kinds.length]!.replaceAll('{i}', String(i)),
      '',
      '-- ',
      `Rev ${i}`,
      '',
    ].join('\n'),
  );
}
const mbox = path.join(work, 'replies.mbox');
writeFileSync(mbox, parts.join('\n'));
if (argv.includes('--prepare-only')) {
  // For profiling: the mbox and the index, and the command to run.
  console.log(`review import ${mbox} --repo ${repo} --db ${db} --json`);
  process.exit(0);
}
const run = cli('review', 'import', mbox, '--repo', repo, '--db', db, '--json');
// --json prints one line per reply.
const lines = run.stdout
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { outcome: string });
const out = run.code === 0 ? { messages: lines.length, recorded: lines.filter((l) => l.outcome === 'recorded').length } : null;
console.log(
  JSON.stringify({
    replies: N,
    mboxBytes: statSync(mbox).size,
    exit: run.code,
    seconds: +(run.ms / 1000).toFixed(2),
    messages: out?.messages,
    recorded: out?.recorded,
    stderr: run.stderr.slice(0, 300),
  }),
);
if (!argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
