/**
 * Compares the content of two index files (test/helpers/index-digest.ts): every table's row count and a
 * hash of all its rows (in a fixed order by every column). `--logical` compares what the index says with
 * row ids replaced by the shas and paths they name (an incremental index against a clean one);
 * the default compares the physical tables, the schema and meta but `indexed_at`, and the named checks
 * of issue 2: first_release per commit, branch_commits, trailers' ref_sha.
 *
 *   npx tsx bench/index/compare-index.ts [--logical] A.sqlite B.sqlite
 *
 * Exits 1 when anything differs.
 */
import { indexDigest } from '../../test/helpers/index-digest.js';

const args = process.argv.slice(2);
const logical = args.includes('--logical');
const [fileA, fileB] = args.filter((a) => a !== '--logical');
if (!fileA || !fileB) {
  process.stderr.write('usage: compare-index.ts [--logical] A.sqlite B.sqlite\n');
  process.exit(2);
}
const mode = logical ? 'logical' : 'physical';
const a = indexDigest(fileA, mode);
const b = indexDigest(fileB, mode);
let differ = 0;
for (const key of new Set([...a.keys(), ...b.keys()])) {
  const va = a.get(key) ?? '(missing)';
  const vb = b.get(key) ?? '(missing)';
  const same = va === vb;
  if (!same) differ++;
  process.stdout.write(`${same ? 'same  ' : 'DIFFER'} ${key}: ${va}${same ? '' : ` vs ${vb}`}\n`);
}
process.stdout.write(differ ? `${differ} difference(s)\n` : 'identical\n');
process.exit(differ ? 1 : 0);
