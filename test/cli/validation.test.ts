/**
 * Options that name a branch, a person, an address or an output file are checked (issue 15 items 6, 8):
 * typos are errors with a non-zero exit, nothing is written where the user did not ask, a repository of
 * another user is named as git's safe.directory refusal.
 */
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalCommand } from '../../src/cli/commands/eval.js';
import { mailCommand } from '../../src/cli/commands/mail.js';
import { reviewCommand } from '../../src/cli/commands/review.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { identityOption } from '../../src/cli/validate.js';
import type { StablepickError } from '../../src/errors.js';
import { openRepository } from '../../src/git/repo.js';
import { failureLine, runInProcess } from '../helpers/in-process.js';
import { makeRepo } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';
import { buildSelectRepo, type SelectFixture } from '../select/builder.js';

let fx: SelectFixture;
let work: string;

const run = (args: string[]): Promise<string> =>
  runInProcess([trainCommand, evalCommand, mailCommand, reviewCommand], [...args, '--repo', fx.repo.dir, '--db', fx.dbFile]);
const failure = (args: string[]): Promise<string> => failureLine(run(args), args.join(' '));

beforeAll(async () => {
  fx = buildSelectRepo({ trainPairs: 6 });
  (await fx.index()).close();
  await run(['train']);
  work = mkdtempSync(path.join(os.tmpdir(), 'stablepick-validate-'));
}, 180_000);
afterAll(() => {
  fx?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('branches', () => {
  it('review accept --branch <typo> records nothing and fails, naming the known branches', async () => {
    const msg = await failure(['review', 'accept', 'v1.2', '--branch', 'stabel-1.1', '--who', 'T <t@example.org>']);
    expect(msg).toMatch(/--branch "stabel-1\.1": no such branch in this repository — check the name .*stable-1\.1/);
    expect(await run(['review', 'list', '--json'])).toBe('[]\n');
  });

  it('mail --branch <typo> writes no empty series', async () => {
    const out = path.join(work, 'typo.mbox');
    expect(
      await failure(['mail', 'v1.1..v1.2', '--branch', 'stable-9.9', '--from', 'T <t@example.org>', '--to', 'stable@example.org', '--out', out]),
    ).toContain('no such branch');
    expect(readdirSync(work)).not.toContain('typo.mbox');
  });
});

describe('people and addresses', () => {
  it('--who must be "Name <address>"', async () => {
    expect(await failure(['review', 'accept', 'v1.2', '--branch', 'stable-1.1', '--who', 'not an address'])).toMatch(
      /--who "not an address" is not "Name <email>"/,
    );
    expect(identityOption('  Jane Doe <jane@example.org> ')).toBe('Jane Doe <jane@example.org>');
    expect(() => identityOption('Jane <jane@example.org>\r\nBcc: x@example.org')).toThrow(/--who/);
  });

  it('--to and --cc with CR/LF or garbage are refused, not changed or dropped', async () => {
    const base = ['mail', 'v1.1..v1.2', '--branch', 'stable-1.1', '--from', 'T <t@example.org>', '--out', path.join(work, 'x.mbox')];
    expect(await failure([...base, '--to', 'stable@example.org\r\nBcc: spy@example.org'])).toMatch(/--to ".*" holds a line break or control character/);
    expect(await failure([...base, '--to', 'stable@example.org', '--cc', 'garbage'])).toMatch(/--cc "garbage" is not a mail address/);
    expect(await failure([...base, '--to', 'stable@example.org', '--cc', 'a@example.org\nb@example.org'])).toContain('line break');
  });
});

describe('where files are written', () => {
  it('eval writes nothing into the current folder unless --out names a file', async () => {
    const cwd = process.cwd();
    const here = mkdtempSync(path.join(work, 'cwd-'));
    process.chdir(here);
    try {
      const text = await run(['eval', '--window', 'v1.1..v1.2', '--branch', 'stable-1.1']);
      expect(text).toContain('give --out FILE');
      expect(readdirSync(here)).toEqual([]);
      const lines = (await run(['eval', '--window', 'v1.1..v1.2', '--branch', 'stable-1.1', '--out', '-'])).trim().split('\n');
      for (const l of lines) expect(JSON.parse(l)).toHaveProperty('sha');
      expect(readdirSync(here)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('mail --out, mail --out-dir and eval --out inside the work tree are refused, as review export does', async () => {
    const state = snapshotRepoState(fx.repo.dir);
    const mail = ['mail', 'v1.1..v1.2', '--branch', 'stable-1.1', '--from', 'T <t@example.org>', '--to', 'stable@example.org'];
    expect(await failure([...mail, '--out', path.join(fx.repo.dir, 'series.mbox')])).toMatch(/--out .*series\.mbox is inside the repository/);
    expect(await failure([...mail, '--out', path.join(work, 'ok.mbox'), '--out-dir', path.join(fx.repo.dir, '.git', 'patches')])).toMatch(
      /--out-dir .* is inside the repository/,
    );
    expect(await failure(['eval', '--window', 'v1.1..v1.2', '--branch', 'stable-1.1', '--out', path.join(fx.repo.dir, 'eval.jsonl')])).toMatch(
      /is inside the repository/,
    );
    expectRepoUnchanged(fx.repo.dir, state);
  });
});

describe('a repository owned by another user', () => {
  it("is named as git's safe.directory refusal, not as 'not inside a git repository'", async () => {
    const r = makeRepo();
    try {
      r.commit('one', { a: 'a\n' });
      chownSync(r.dir, 12345, 12345);
      const e = (await openRepository(r.dir).catch((x: unknown) => x)) as StablepickError;
      expect(e.oneLine()).toMatch(
        /git refuses .*: it is owned by another user \(git's safe\.directory check\) — if you trust it, run `git config --global --add safe\.directory /,
      );
    } finally {
      chownSync(r.dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
      r.cleanup();
    }
  });
});
