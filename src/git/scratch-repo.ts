/**
 * A repository that stablepick itself creates and owns (the demo's sample project, scratch clones): init,
 * commit files with fixed identities and dates, branch, tag, cherry-pick with a rewritten message. Never
 * pointed at a user's repository.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitText, type GitTarget } from './run.js';

export interface Identity {
  name: string;
  email: string;
}

export interface ScratchCommit {
  /** Files to write (content) or delete (null), relative to the top. */
  files?: Record<string, string | null>;
  message: string;
  author: Identity;
  committer?: Identity;
  /** Unix seconds. */
  time: number;
}

export class ScratchRepo {
  readonly target: GitTarget;

  private constructor(readonly dir: string) {
    this.target = { gitDir: path.join(dir, '.git'), workTree: dir };
  }

  /** Creates a new repository in `dir` (which must be empty or absent) on branch `branch`. */
  static async create(dir: string, branch = 'master'): Promise<ScratchRepo> {
    mkdirSync(dir, { recursive: true });
    await gitText(null, ['init', '-q', '-b', branch, dir]);
    const r = new ScratchRepo(dir);
    for (const [k, v] of [
      ['commit.gpgsign', 'false'],
      ['tag.gpgsign', 'false'],
      ['gc.auto', '0'],
      ['core.autocrlf', 'false'],
    ]) {
      await r.git(['config', k!, v!]);
    }
    return r;
  }

  git(args: readonly string[], env?: Record<string, string>, input?: string): Promise<string> {
    return gitText(this.target, args, { env, input });
  }

  private idEnv(author: Identity, committer: Identity, time: number): Record<string, string> {
    const date = `@${time} +0000`;
    return {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      GIT_COMMITTER_DATE: date,
    };
  }

  /** Writes the files, stages everything and commits; returns the new commit's sha. */
  async commit(c: ScratchCommit): Promise<string> {
    for (const [rel, content] of Object.entries(c.files ?? {})) {
      const abs = path.join(this.dir, rel);
      if (content === null) rmSync(abs, { force: true });
      else {
        mkdirSync(path.dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    }
    await this.git(['add', '-A']);
    await this.git(
      ['commit', '-q', '--allow-empty', '--no-verify', '--cleanup=verbatim', '-F', '-'],
      this.idEnv(c.author, c.committer ?? c.author, c.time),
      c.message,
    );
    return this.git(['rev-parse', 'HEAD']);
  }

  /**
   * Applies `sha`'s change to the current branch (a real 3-way cherry-pick) and commits it with `message`,
   * the original author, and the given committer and time.
   */
  async pick(sha: string, message: string, committer: Identity, time: number): Promise<string> {
    await this.git(['cherry-pick', '--no-commit', sha]);
    const author = await this.git(['log', '-1', '--format=%an%x00%ae%x00%at', sha]);
    const [name = '', email = '', at = '0'] = author.split('\0');
    const env = this.idEnv({ name, email }, committer, time);
    env.GIT_AUTHOR_DATE = `@${at} +0000`;
    await this.git(['commit', '-q', '--no-verify', '--cleanup=verbatim', '-F', '-'], env, message);
    return this.git(['rev-parse', 'HEAD']);
  }

  async message(sha: string): Promise<string> {
    return this.git(['log', '-1', '--format=%B', sha]);
  }

  async branch(name: string, at: string): Promise<void> {
    await this.git(['branch', name, at]);
  }

  async checkout(name: string): Promise<void> {
    await this.git(['checkout', '-q', name]);
  }

  async tag(name: string, message: string, tagger: Identity, time: number): Promise<void> {
    await this.git(['tag', '-a', name, '-m', message], this.idEnv(tagger, tagger, time));
  }
}
