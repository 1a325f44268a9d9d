/**
 * The architecture rules of eslint.config.js fail on a planted violation of each: the real ESLint with
 * the project's own configuration lints a planted file inside src/, bench/ or web/src (written for the
 * moment of the lint under a name no other file has, then removed: the type-aware rules read files from disk).
 */
import { ESLint } from 'eslint';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

let n = 0;
async function rulesHit(file: string, text: string): Promise<string[]> {
  const planted = path.join(ROOT, file.replace(/planted\.ts$/, `zz-planted-${process.pid}-${n++}.ts`));
  writeFileSync(planted, text);
  try {
    const [r] = await eslint.lintFiles([planted]);
    return (r?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
  } finally {
    rmSync(planted, { force: true });
  }
}

describe('architecture lint', () => {
  it('refuses an import against the stage order, and accepts one along it', async () => {
    const up = await rulesHit('src/git/planted.ts', "import { judgeCommits } from '../select/judge.js';\nexport const x = judgeCommits;\n");
    expect(up.join('\n')).toMatch(/architecture\/stage-order: git \(rank 1\) must not import select \(rank 6\)/);
    const typeOnly = await rulesHit('src/history/planted.ts', "import type { Verdict } from '../select/judge.js';\nexport type V = Verdict;\n");
    expect(typeOnly.join('\n')).toMatch(/stage-order: history \(rank 3\) must not import select/);
    const dynamic = await rulesHit('src/analysis/planted.ts', "export const m = () => import('../report/case/build.js');\n");
    expect(dynamic.join('\n')).toMatch(/stage-order: analysis \(rank 5\) must not import report/);
    const down = await rulesHit('src/select/planted.ts', "import { runGit } from '../git/run.js';\nexport const x = runGit;\n");
    expect(down.filter((m) => m.includes('stage-order'))).toEqual([]);
  });

  it('lets only src/git run processes', async () => {
    const hit = await rulesHit('src/history/planted.ts', "import { spawn } from 'node:child_process';\nexport const s = spawn;\n");
    expect(hit.join('\n')).toMatch(/no-restricted-imports: .*Only src\/git runs processes/);
    const ok = await rulesHit('src/git/planted.ts', "import { spawn } from 'node:child_process';\nexport const s = spawn;\n");
    expect(ok.filter((m) => m.includes('no-restricted-imports'))).toEqual([]);
  });

  it('lets only src/env.ts read the environment', async () => {
    const hit = await rulesHit('src/select/planted.ts', 'export const v = process.env.HOME;\n');
    expect(hit.join('\n')).toMatch(/no-restricted-properties: 'process.env' is restricted/);
  });

  it('keeps bench off the CLI and the web client off the server internals', async () => {
    const bench = await rulesHit('bench/planted.ts', "import { openContext } from '../src/cli/context.js';\nexport const o = openContext;\n");
    expect(bench.join('\n')).toMatch(/bench uses the library face/);
    const web = await rulesHit('web/src/planted.ts', "import { judgeCommits } from '../../src/select/judge.js';\nexport const j = judgeCommits;\n");
    expect(web.join('\n')).toMatch(/architecture\/web-boundary/);
  });

  it('lets only the owner of a table family query the index', async () => {
    const db = "import type { DB } from '../history/db.js';\n";
    const hit = await rulesHit('src/report/planted.ts', `${db}export const f = (d: DB): unknown => d.prepare('SELECT subject FROM commits').get();\n`);
    expect(hit.join('\n')).toMatch(/architecture\/table-owner: prepare\(\) on the index outside the table owners/);
    const pragma = await rulesHit('src/server/planted.ts', `${db}export const v = (d: DB | null): unknown => d?.pragma('data_version');\n`);
    expect(pragma.join('\n')).toMatch(/architecture\/table-owner: pragma\(\)/);
    const cached = await rulesHit(
      'src/select/planted.ts',
      `import { cachedStatement, type DB } from '../history/db.js';\nexport const f = (d: DB): unknown => cachedStatement(d, 'SELECT 1').get();\n`,
    );
    expect(cached.join('\n')).toMatch(/architecture\/table-owner: cachedStatement\(\)/);
    const regex = await rulesHit('src/report/planted.ts', 'export const m = (s: string): unknown => /x/.exec(s);\n');
    expect(regex.filter((m) => m.includes('table-owner'))).toEqual([]);
    const owner = await rulesHit(
      'src/history/planted.ts',
      "import type { DB } from './db.js';\nexport const f = (d: DB): unknown => d.prepare('SELECT 1').get();\n",
    );
    expect(owner.filter((m) => m.includes('table-owner'))).toEqual([]);
  });

  it('finds a floating promise', async () => {
    const hit = await rulesHit('src/select/planted.ts', 'async function f(): Promise<number> { return 1; }\nexport function g(): void { f(); }\n');
    expect(hit.join('\n')).toMatch(/no-floating-promises/);
  });
});
