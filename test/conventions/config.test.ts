import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StablepickError } from '../../src/errors.js';
import { CONFIG_FILE_NAME, loadConfig, parseConfig, registerConfigSection, resolveConventions } from '../../src/conventions/config.js';
import { parseTrailers } from '../../src/conventions/trailers.js';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stablepick-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A directory that looks like a non-bare repository: a work tree with a .git directory. */
function fakeRepo(root: string): { workTree: string; gitDir: string } {
  const gitDir = path.join(root, '.git');
  mkdirSync(path.join(gitDir, 'objects'), { recursive: true });
  writeFileSync(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
  return { workTree: root, gitDir };
}

function write(file: string, value: unknown): string {
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

function badConfig(fn: () => unknown): StablepickError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StablepickError);
    expect((e as StablepickError).code).toBe('BAD_CONFIG');
    expect((e as StablepickError).hint).not.toBe('');
    return e as StablepickError;
  }
  throw new Error('expected a BAD_CONFIG error');
}

/** Every file under `root` with its size and mtime, to show loading never writes. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${path.relative(root, p)} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(root);
  return out;
}

describe('loadConfig: where the file is', () => {
  it('no file: an empty config and path null', () => {
    const { workTree } = fakeRepo(dir);
    expect(loadConfig(workTree)).toEqual({ config: { conventions: {} }, path: null });
  });

  it('the work tree root first, then the git directory', () => {
    const { workTree, gitDir } = fakeRepo(dir);
    const inGit = write(path.join(gitDir, CONFIG_FILE_NAME), { conventions: { mainline: 'staging' } });
    expect(loadConfig(workTree)).toEqual({ config: { conventions: { mainline: 'staging' } }, path: inGit });
    const inTree = write(path.join(workTree, CONFIG_FILE_NAME), { conventions: { mainline: 'master' } });
    expect(loadConfig(workTree)).toEqual({ config: { conventions: { mainline: 'master' } }, path: inTree });
  });

  it('a git directory given directly (bare repository)', () => {
    const bare = path.join(dir, 'repo.git');
    mkdirSync(path.join(bare, 'objects'), { recursive: true });
    write(path.join(bare, 'HEAD'), 'ref: refs/heads/main\n');
    const file = write(path.join(bare, CONFIG_FILE_NAME), { conventions: { stableKeys: ['backport-to'] } });
    expect(loadConfig(bare)).toEqual({ config: { conventions: { stableKeys: ['backport-to'] } }, path: file });
  });

  it('a linked worktree of a real repository: its git dir, then the common git dir', () => {
    const main = path.join(dir, 'main');
    mkdirSync(main);
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], {
        cwd,
        encoding: 'utf8',
      });
    git(main, 'init', '-q');
    git(main, 'commit', '-q', '--allow-empty', '-m', 'init');
    git(main, 'worktree', 'add', '-q', path.join(dir, 'wt'), '-b', 'stable-1.0');
    const common = write(path.join(main, '.git', CONFIG_FILE_NAME), { conventions: { mainline: 'main' } });
    const before = snapshot(dir);
    expect(loadConfig(path.join(dir, 'wt'))).toEqual({ config: { conventions: { mainline: 'main' } }, path: common });
    expect(loadConfig(main).path).toBe(common);
    expect(snapshot(dir)).toEqual(before);
  });

  it('an explicit path wins, and must exist', () => {
    const { workTree } = fakeRepo(dir);
    write(path.join(workTree, CONFIG_FILE_NAME), { conventions: { mainline: 'master' } });
    const other = write(path.join(dir, 'other.json'), { conventions: { mainline: 'trunk' } });
    expect(loadConfig(workTree, other)).toEqual({ config: { conventions: { mainline: 'trunk' } }, path: other });
    const e = badConfig(() => loadConfig(workTree, path.join(dir, 'missing.json')));
    expect(e.message).toBe(`${path.join(dir, 'missing.json')}: no such file`);
  });

  it('never writes', () => {
    const { workTree } = fakeRepo(dir);
    const before = snapshot(dir);
    loadConfig(workTree);
    write(path.join(workTree, CONFIG_FILE_NAME), { conventions: {} });
    const mid = snapshot(dir);
    loadConfig(workTree);
    expect(snapshot(dir)).toEqual(mid);
    expect(mid.length).toBe(before.length + 1);
  });
});

describe('loadConfig / parseConfig: what is wrong with a file', () => {
  it('malformed JSON names the file', () => {
    const { workTree } = fakeRepo(dir);
    const file = write(path.join(workTree, CONFIG_FILE_NAME), '{ "conventions": { "mainline": "master", } }');
    const e = badConfig(() => loadConfig(workTree));
    expect(e.message.startsWith(`${file}: not valid JSON`)).toBe(true);
  });

  it.each([
    ['[]', 'the file must hold a JSON object'],
    ['{"convention": {}}', 'unknown key "convention"'],
    ['{"conventions": []}', '"conventions" must be an object'],
    ['{"conventions": {"fixKeys": ["fixes"]}}', 'unknown key conventions."fixKeys"'],
    ['{"conventions": {"fixesKeys": "fixes"}}', 'conventions.fixesKeys must be an array of strings'],
    ['{"conventions": {"fixesKeys": ["fixes", 3]}}', 'conventions.fixesKeys[1] must be a non-empty string'],
    ['{"conventions": {"fixesKeys": ["fixes:"]}}', 'conventions.fixesKeys[0] "fixes:": not a trailer key'],
    ['{"conventions": {"stableAddresses": ["/stable(@/"]}}', 'conventions.stableAddresses[0] "/stable(@/": invalid regular expression'],
    ['{"conventions": {"stableBranchPatterns": ["^maint-(\\\\d+)$"]}}', 'has no named group "version"'],
    ['{"conventions": {"stableBranchPatterns": ["^maint-(?<version>\\\\d+$"]}}', 'invalid regular expression'],
    ['{"conventions": {"excludeBranchPatterns": ["["]}}', 'invalid regular expression'],
    ['{"conventions": {"releaseTagPattern": ""}}', 'conventions.releaseTagPattern must be a non-empty string'],
    ['{"conventions": {"prereleasePattern": "(rc"}}', 'conventions.prereleasePattern: invalid regular expression'],
    ['{"conventions": {"mainline": 7}}', 'conventions.mainline must be a branch name or null'],
  ])('%s', (text, what) => {
    const e = badConfig(() => parseConfig(text, 'x/stablepick.config.json'));
    expect(e.message.startsWith('x/stablepick.config.json: ')).toBe(true);
    expect(e.message).toContain(what);
  });

  it('accepts comments keys, $schema, a BOM, null mainline and refs/heads/ names', () => {
    const { workTree } = fakeRepo(dir);
    write(
      path.join(workTree, CONFIG_FILE_NAME),
      '\ufeff' +
        JSON.stringify({
          $schema: './docs/config.schema.json',
          '// why': 'Xen: mainline is staging',
          conventions: { '// note': 'x', mainline: 'refs/heads/staging', fixesKeys: ['...', 'Bug-Introduced-By'] },
        }),
    );
    expect(loadConfig(workTree).config).toEqual({ conventions: { mainline: 'staging', fixesKeys: ['...', 'bug-introduced-by'] } });
    expect(parseConfig('{"conventions": {"mainline": null}}', 'f').conventions).toEqual({ mainline: null });
  });

  it('later stages register their own sections', () => {
    expect(() => parseConfig('{"selectTest": {"threshold": 0.5}}', 'f')).toThrow(/unknown key "selectTest"/);
    registerConfigSection('selectTest', (v, where) => {
      if (typeof v !== 'object' || v === null) throw new StablepickError('BAD_CONFIG', { where, problem: 'selectTest must be an object', fix: 'fix it' });
    });
    expect(parseConfig('{"selectTest": {"threshold": 0.5}}', 'f')).toEqual({ conventions: {}, selectTest: { threshold: 0.5 } });
    expect(() => parseConfig('{"selectTest": 1}', 'f')).toThrow(/f: selectTest must be an object/);
  });
});

describe('resolveConventions', () => {
  it('nothing set: the defaults themselves', () => {
    expect(resolveConventions({ conventions: {} })).toBe(DEFAULT_CONVENTIONS);
    expect(resolveConventions({ conventions: {} }, {})).toBe(DEFAULT_CONVENTIONS);
  });

  it('config > detected > defaults, key by key', () => {
    const c = resolveConventions({ conventions: { mainline: 'master' } }, { mainline: 'main', stableKeys: ['backport-to'] });
    expect(c.mainline).toBe('master');
    expect(c.stableKeys).toEqual(['backport-to']);
    expect(c.fixesKeys).toEqual(DEFAULT_CONVENTIONS.fixesKeys);
    const d = resolveConventions({ conventions: {} }, { mainline: 'staging' });
    expect(d.mainline).toBe('staging');
  });

  it('"..." extends the value underneath instead of replacing it', () => {
    const c = resolveConventions(
      { conventions: { fixesKeys: ['...', 'bug-introduced-by'], stableAddresses: ['backports@example.org'] } },
      { fixesKeys: ['...', 'regressed-by'] },
    );
    expect(c.fixesKeys).toEqual([...DEFAULT_CONVENTIONS.fixesKeys, 'regressed-by', 'bug-introduced-by']);
    expect(c.stableAddresses).toEqual(['backports@example.org']);
    const m = 'x: y\n\nBody.\n\nRegressed-by: 0123456789ab ("x: z")\nCc: stable@vger.kernel.org\nCc: backports@example.org\n';
    expect(parseTrailers(m, c).map((t) => t.kind)).toEqual(['fixes', 'cc', 'stable']);
  });

  it('checks hand-made configs too', () => {
    badConfig(() => resolveConventions({ conventions: { releaseTagPattern: '(' } }));
    badConfig(() => resolveConventions({ conventions: {} }, { stableBranchPatterns: ['^x$'] }));
  });

  it('a loaded config resolves end to end', () => {
    const { workTree } = fakeRepo(dir);
    write(path.join(workTree, CONFIG_FILE_NAME), {
      conventions: { stableBranchPatterns: ['^maint-(?<version>\\d+\\.\\d+)$'], excludeBranchPatterns: ['^stable-4\\.0$'] },
    });
    const c = resolveConventions(loadConfig(workTree).config);
    expect(c.stableBranchPatterns).toEqual(['^maint-(?<version>\\d+\\.\\d+)$']);
    expect(c.releaseTagPattern).toBe(DEFAULT_CONVENTIONS.releaseTagPattern);
  });
});
