/** A tiny local fixture builder: real git repositories in os.tmpdir(), built with the git CLI. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  /** Writes files (path -> content; null deletes) and commits them; returns the new sha. */
  commit(message: string, files: Record<string, string | null>): string;
  /** A hash of refs, HEAD, index and object files: must not change while stablepick reads. */
  stateHash(): string;
  remove(): void;
}

export function makeRepo(): TestRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'stablepick-code-'));
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.org',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.org',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: dir,
  };
  const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  const walk = (d: string, out: string[]): void => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p, out);
      else out.push(`${path.relative(dir, p)}:${statSync(p).size}`);
    }
  };
  return {
    dir,
    git,
    commit(message, files) {
      for (const [p, content] of Object.entries(files)) {
        const full = path.join(dir, p);
        if (content === null) {
          git('rm', '-q', p);
          continue;
        }
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, content);
        git('add', p);
      }
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    stateHash() {
      const files: string[] = [];
      walk(path.join(dir, '.git'), files);
      const h = createHash('sha256');
      h.update(git('for-each-ref'));
      h.update(git('rev-parse', 'HEAD'));
      h.update(git('status', '--porcelain'));
      h.update(files.filter((f) => !f.includes('logs/')).sort().join('\n'));
      return h.digest('hex');
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
