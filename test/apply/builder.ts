/**
 * A tiny builder of real git repositories for the apply tests, plus a hash of everything a user could
 * see change in a repository (refs, HEAD, index, config, work tree, the listing and bytes of objects).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class TestRepo {
  readonly dir: string;
  private tick = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static create(prefix = 'sp-apply-'): TestRepo {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    const r = new TestRepo(dir);
    r.git('init', '-q', '-b', 'main');
    r.git('config', 'user.name', 'Test Author');
    r.git('config', 'user.email', 'author@example.org');
    r.git('config', 'commit.gpgsign', 'false');
    return r;
  }

  get gitDir(): string {
    return path.join(this.dir, '.git');
  }

  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
    const date = `${1700000000 + this.tick * 60} +0100`;
    env.GIT_AUTHOR_DATE = date;
    env.GIT_COMMITTER_DATE = date;
    env.GIT_CONFIG_NOSYSTEM = '1';
    env.HOME = this.dir;
    env.LC_ALL = 'C';
    return env;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).replace(/\n$/, '');
  }

  /** Runs git and returns its exit code instead of throwing. */
  gitCode(...args: string[]): number {
    try {
      execFileSync('git', args, { cwd: this.dir, env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
      return 0;
    } catch (e) {
      return (e as { status?: number }).status ?? -1;
    }
  }

  write(file: string, content: string | Buffer): void {
    const p = path.join(this.dir, file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }

  remove(file: string): void {
    unlinkSync(path.join(this.dir, file));
  }

  /** Stages everything and commits; returns the new commit id. */
  commit(message: string, author?: string): string {
    this.tick++;
    this.git('add', '-A');
    const args = ['commit', '-q', '--allow-empty', '-m', message];
    if (author) args.push(`--author=${author}`);
    this.git(...args);
    return this.git('rev-parse', 'HEAD');
  }

  checkout(ref: string, create = false): void {
    if (create) this.git('checkout', '-q', '-b', ref);
    else this.git('checkout', '-q', ref);
  }

  rev(r: string): string {
    return this.git('rev-parse', r);
  }

  /** A clone (own objects) in which real `git cherry-pick` can run. */
  clone(): TestRepo {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-apply-clone-'));
    rmSync(dir, { recursive: true, force: true });
    execFileSync('git', ['clone', '-q', '--no-local', this.dir, dir], { env: this.env(), stdio: 'pipe' });
    const c = new TestRepo(dir);
    c.tick = this.tick;
    c.git('config', 'user.name', 'Test Picker');
    c.git('config', 'user.email', 'picker@example.org');
    return c;
  }

  destroy(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The state of a repository as a hash: path, size and bytes of every file under the work tree and the git
 * directory, and the modification time of every file outside .git/objects.
 */
export function repoStateHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      const rel = path.relative(dir, p);
      if (st.isDirectory()) {
        h.update(`D ${rel}\n`);
        walk(p);
      } else {
        h.update(`F ${rel} ${st.size}\n`);
        h.update(readFileSync(p));
        if (!rel.startsWith(`.git${path.sep}objects`)) h.update(` ${st.mtimeMs}\n`);
      }
    }
  };
  walk(dir);
  return h.digest('hex');
}

/** Real `git cherry-pick` of `sha` onto `onto` in a clone: the resulting tree, or null on conflict. */
export function realCherryPick(clone: TestRepo, onto: string, sha: string): { tree: string | null; commit: string | null } {
  clone.git('checkout', '-q', '--detach', onto);
  const code = clone.gitCode('cherry-pick', '--allow-empty', sha);
  if (code !== 0) {
    clone.gitCode('cherry-pick', '--abort');
    clone.git('reset', '-q', '--hard', onto);
    return { tree: null, commit: null };
  }
  return { tree: clone.rev('HEAD^{tree}'), commit: clone.rev('HEAD') };
}

/** `main` with a fix that applies to branch `stable` and a second fix on top that conflicts there alone. */
export function fixAndConflictRepo(): { repo: TestRepo; fix: string; conflict: string } {
  const repo = TestRepo.create();
  repo.write('a.c', 'one\ntwo\nthree\n');
  repo.commit('base');
  repo.git('branch', 'stable');
  repo.write('a.c', 'one\ntwo fixed\nthree\n');
  const fix = repo.commit('a: fix two');
  repo.write('a.c', 'one\ntwo fixed again\nthree\n');
  const conflict = repo.commit('a: fix two again');
  return { repo, fix, conflict };
}
