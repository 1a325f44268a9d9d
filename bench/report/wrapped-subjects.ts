/**
 * Subjects wrapped over more than one line, on a real history: how many commits have one, and whether
 * the mail's subject (`gitSubject` of src/report/mail/autosel-mail.ts, from the message and its first
 * line as the index stores it) equals what git shows (`git log --format=%s`) for every commit.
 *
 *   npx tsx bench/report/wrapped-subjects.ts --repo /work/.mirror/xen-project+xen/repo [--rev master]
 */
import { spawn } from 'node:child_process';
import { gitSubject } from '../../src/report/mail/autosel-mail.js';
import { opt } from '../args.js';

const repo = opt('--repo');
if (!repo) throw new Error('give --repo');
const rev = opt('--rev') ?? 'HEAD';

const git = spawn('git', ['-C', repo, 'log', '--no-merges', '-z', '--format=%H%x01%s%x01%B', rev], { stdio: ['ignore', 'pipe', 'inherit'] });
let buf = '';
let commits = 0;
let wrapped = 0;
let mismatches = 0;
const examples: string[] = [];
const take = (rec: string): void => {
  if (!rec) return;
  const [sha, s, message] = rec.split('\x01') as [string, string, string];
  commits++;
  const firstLine = message.split('\n')[0]!.trim();
  const para = message.replace(/^(?:[ \t\r]*\n)+/, '').split(/\n[ \t\r]*\n/)[0] ?? '';
  if (para.split('\n').filter((l) => l.trim() !== '').length > 1) wrapped++;
  if (gitSubject(message, firstLine) !== s) {
    mismatches++;
    if (examples.length < 5) examples.push(`${sha.slice(0, 12)} git=${JSON.stringify(s)} ours=${JSON.stringify(gitSubject(message, firstLine))}`);
  }
};
git.stdout.setEncoding('utf8');
git.stdout.on('data', (d: string) => {
  buf += d;
  const parts = buf.split('\0');
  buf = parts.pop() ?? '';
  for (const p of parts) take(p.replace(/^\n/, ''));
});
git.on('close', () => {
  take(buf.replace(/^\n/, ''));
  console.log(JSON.stringify({ repo, rev, commits, wrappedSubjects: wrapped, mismatchesWithGit: mismatches, examples }));
});
