/**
 * Builds the written case of each given commit (without trial picks) and runs the citation check on it
 * in one process; one JSON line per commit: { sha, ok, problems }. Used to count which YES cases of a
 * window would stop `stablepick mail` with the fact check's InternalError, formerly UNVERIFIED_FACT (bench/report/RESULTS.md).
 *
 *   npx tsx bench/report/verify-cases.ts --repo R --db D --branch S1,S2 SHAFILE
 */
import { readFileSync } from 'node:fs';
import { openContext } from '../../src/workspace.js';
import { buildCase, caseMarkdown, findProblems } from '../../src/report/case/index.js';
import { argv, opt } from '../args.js';

const repo = opt('--repo');
const db = opt('--db');
const branches = (opt('--branch') ?? '').split(',').filter(Boolean);
const file = argv[argv.length - 1];
if (!repo || !db || !branches.length || !file || file.startsWith('--')) {
  console.error('usage: verify-cases.ts --repo R --db D --branch S1,S2 SHAFILE');
  process.exit(2);
}
const ctx = await openContext({ repo, db }, { mustExist: true });
try {
  for (const sha of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const c = await buildCase({ repo: ctx.repo, db: ctx.db, conventions: ctx.conventions, configDir: ctx.repo.workTree ?? ctx.repo.gitDir }, sha, branches, {
      noApply: true,
    });
    const problems = await findProblems(ctx.repo, ctx.db, c, [caseMarkdown(c)]);
    console.log(JSON.stringify({ sha, ok: problems.length === 0, problems: problems.map((p) => p.problem) }));
  }
} finally {
  ctx.close();
}
