/**
 * Features of one commit for the model, each with words for the explanation: words and bigrams of the
 * message (hashed), trailers, bug and feature vocabularies, the diff's shape, how often earlier commits
 * in the same places and by the same people were picked, the age of the bug it fixes, later fixes of it,
 * and the rule facts.
 */
import type { NumStat } from '../git/diff-batch.js';
import { DIFF_FACTS, type DiffFacts } from '../analysis/diff/facts.js';
import type { CommitRec, Details, History, MergeGroup } from './history.js';
import type { RuleHit } from './rules.js';
import { BUG_WORDS, FEATURE_WORDS, hash32, proseOfBody, subjectPrefix, tokens, wordClasses } from './text.js';

const HASH_BITS = 18;
export const DIM = 1 << HASH_BITS;

/** Pick counts per key (directory, file, author, committer, subject prefix): [weighted n, picked]. */
export class RateTable {
  readonly map = new Map<string, [number, number]>();
  total = 0;
  picked = 0;

  add(key: string, w: number, y: number): void {
    let e = this.map.get(key);
    if (!e) this.map.set(key, (e = [0, 0]));
    e[0] += w;
    e[1] += y;
  }

  addTotal(w: number, y: number): void {
    this.total += w;
    this.picked += y;
  }

  get base(): number {
    return this.total > 0 ? (this.picked + 1) / (this.total + 2) : 0.1;
  }

  /** Smoothed log-odds of key's pick rate against the overall rate; 0 when unknown. */
  lift(key: string, m = 8): { lift: number; n: number; picked: number } {
    const e = this.map.get(key);
    if (!e) return { lift: 0, n: 0, picked: 0 };
    const g = this.base;
    const r = (e[1] + m * g) / (e[0] + m);
    return { lift: logit(r) - logit(g), n: e[0], picked: e[1] };
  }

  toJSON(): { total: number; picked: number; entries: [string, number, number][] } {
    const entries: [string, number, number][] = [];
    for (const [k, [n, p]] of this.map) if (n >= 2) entries.push([k, Math.round(n * 100) / 100, Math.round(p * 100) / 100]);
    return { total: this.total, picked: this.picked, entries };
  }

  static fromJSON(j: { total: number; picked: number; entries: [string, number, number][] }): RateTable {
    const t = new RateTable();
    t.total = j.total;
    t.picked = j.picked;
    for (const [k, n, p] of j.entries) t.map.set(k, [n, p]);
    return t;
  }
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

const TEST_PATH = /(?:^|\/)(?:tests?|testing|testsuite|selftests?|unittests?|unit-tests?|app\/test[^/]*)\/|(?:^|\/)test[_-][^/]*$|_test\.[a-z]+$/i;
const DOC_PATH =
  /(?:^|\/)(?:docs?|documentation|man|man\d)\/|\.(?:md|rst|txt|adoc|texi|texinfo|[1-8])$|(?:^|\/)(?:README|NEWS|ChangeLog|CHANGES|AUTHORS|MAINTAINERS)[^/]*$/i;
const BUILD_PATH =
  /(?:^|\/)(?:meson\.build|meson_options\.txt|meson\.options|Makefile[^/]*|[^/]*\.mk|CMakeLists\.txt|configure(?:\.ac)?|[^/]*\.am|[^/]*\.in|\.github\/.*|\.gitlab-ci[^/]*|\.ci\/.*|\.travis\.yml|[^/]*\.spec|debian\/.*)$/i;
const BUG_URL = /https?:\/\/\S*(?:bugzilla|show_bug|\/issues?\/\d+|\/bugs?\/\d+|launchpad\.net\/bugs|\/jira\/|\/browse\/[A-Z]+-\d+|redmine)/i;
const CI_PATH =
  /(?:^|\/)(?:\.github\/|\.gitlab-ci[^/]*$|\.gitlab\/|\.ci\/|\.circleci\/|\.cirrus[^/]*$|\.travis\.yml$|azure-pipelines[^/]*$|\.semaphore\/|Jenkinsfile$|\.packit[^/]*$|\.mergify[^/]*$|\.copr\/)/i;
const PO_PATH = /(?:^|\/)po\/|\.po$|\.pot$/i;

/** Directory keys of a path at depths 1..3 and the file itself. */
function pathKeys(p: string): string[] {
  const parts = p.split('/');
  const out: string[] = [];
  for (let d = 1; d <= 3 && d < parts.length; d++) out.push(`d${d}:${parts.slice(0, d).join('/')}`);
  out.push(`f:${p}`);
  return out;
}

export interface Stats {
  paths: RateTable;
  people: RateTable;
}

export function newStats(): Stats {
  return { paths: new RateTable(), people: new RateTable() };
}

/** Adds one labelled commit to the tables (weight w: its censoring weight). */
export function addToStats(stats: Stats, c: CommitRec, d: Details, y: number, w: number): void {
  const yw = y ? 1 : 0;
  const ww = y ? 1 : w;
  stats.paths.addTotal(ww, yw);
  stats.people.addTotal(ww, yw);
  const keys = new Set<string>();
  for (const f of d.files.slice(0, 50)) for (const k of pathKeys(f.path)) keys.add(k);
  const pre = subjectPrefix(c.subject);
  if (pre) keys.add(`p:${pre}`);
  for (const k of keys) stats.paths.add(k, ww, yw);
  stats.people.add(`a:${c.authorEmail}`, ww, yw);
  stats.people.add(`c:${c.committerEmail}`, ww, yw);
}

export interface Feature {
  key: string;
  value: number;
  /** What it means, for the explanation (a maintainer's words). */
  label: string;
  /** The commits the label names, for the fact check of a written case (full shas). */
  evidence?: Record<string, string>;
  /**
   * Not shown as a reason: a stop word, or a fact every commit of a scanned range shares (how long after
   * the fork or the last release, the length of the message) — true of the YES and the NO rows alike.
   */
  quiet?: boolean;
}

/** Words too common to be a reason a maintainer can check ("it", "the", "when"). */
const STOP_WORDS = new Set(
  'a an and are as at be been being but by can could did do does for from had has have he her his how i if in into is it its may might more most no not of on one or our out over she so some such than that the their them then there these they this those to too up us was we were what when where which while who why will with would you your also only just all any each both other same very after before again about because between through during under above below off own further once here'.split(
    ' ',
  ),
);
const QUIET_KEYS = /^(?:bias-ish|n:since-fork|fork:(?:0-30|30-90|90-180|180-365|365\+)$|n:since-release|m:body-len|n:files|n:added|n:deleted)/;

export interface FeatureInput {
  commit: CommitRec;
  details: Details;
  hits: readonly RuleHit[];
  stats: Stats;
  /** Line counts; with `facts` (what the diff does) when that family is on (null: git could not diff it). */
  numstat: (NumStat & { facts?: DiffFacts | null }) | null;
  /** Later commits count as follow-up fixes only when dated before this. */
  visibleUntil: number;
  /** When the branch the commit is judged for forked (training: the newest stable fork then). */
  forkTime: number | null;
  history: History;
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** How many commits of a merge group say they fix something, and how many that they add or rework (cached). */
const groupWords = new WeakMap<MergeGroup, { fix: number; feat: number }>();
function wordsOfGroup(g: MergeGroup, h: History): { fix: number; feat: number } {
  let r = groupWords.get(g);
  if (!r) {
    r = { fix: 0, feat: 0 };
    for (const s of g.members) {
      const subject = h.commits.get(s)?.subject ?? '';
      if (wordClasses(subject, BUG_WORDS).length) r.fix++;
      if (wordClasses(subject, FEATURE_WORDS).length) r.feat++;
    }
    groupWords.set(g, r);
  }
  return r;
}

const MERGE_NOISE = new Set([
  'merge',
  'pull',
  'request',
  'from',
  'branch',
  'branches',
  'tag',
  'remote-tracking',
  'into',
  'of',
  'and',
  'the',
  'origin',
  'main',
  'master',
]);

/** The words of a merge's subject: "Merge pull request #123 from user/fix-crash-on-exit" → user, fix, crash, on, exit. */
export function mergeWords(subject: string): string[] {
  const out = new Set<string>();
  for (const t of tokens(subject.replace(/[-_/.]/g, ' '))) if (!MERGE_NOISE.has(t)) out.add(t);
  return [...out].slice(0, 12);
}

export function extractFeatures(inp: FeatureInput): Feature[] {
  const { commit: c, details: d, stats } = inp;
  const out: Feature[] = [];
  const add = (key: string, value: number, label: string, evidence?: Record<string, string>): void => {
    if (value === 0 || !Number.isFinite(value)) return;
    const f: Feature = evidence ? { key, value, label, evidence } : { key, value, label };
    const word =
      /^(?:s|b):(.*)$/.exec(key)?.[1] ??
      /^s2:(\S+) (\S+)$/
        .exec(key)
        ?.slice(1)
        .find((x) => !STOP_WORDS.has(x)) ??
      null;
    if (QUIET_KEYS.test(key) || (word !== null && STOP_WORDS.has(word)) || (/^s2:/.test(key) && word === null)) f.quiet = true;
    out.push(f);
  };
  // The exact text a word class matched, quoted in the reason (never the class's name for another word).
  const said = (w: { label: string; re: RegExp }, text: string): string => w.re.exec(text)?.[0] ?? w.label;
  add('bias-ish', 1, 'every commit');
  // Words.
  const subj = c.subject;
  const st = tokens(subj);
  const seen = new Set<string>();
  for (let i = 0; i < st.length; i++) {
    const t = st[i]!;
    if (!seen.has(`s:${t}`)) add(`s:${t}`, 1, `subject says "${t}"`);
    seen.add(`s:${t}`);
    if (i + 1 < st.length) add(`s2:${t} ${st[i + 1]}`, 1, `subject says "${t} ${st[i + 1]}"`);
  }
  const pre = subjectPrefix(subj);
  if (pre) {
    add(`p:${pre}`, 1, `subject prefix "${pre}"`);
    const p1 = pre.split(/[/,]/)[0]!;
    if (p1 !== pre) add(`p1:${p1}`, 1, `subject prefix "${p1}"`);
  }
  if (/^revert\b/i.test(subj)) add('m:revert', 1, 'a revert');
  const body = proseOfBody(inp.details.message);
  const bt = new Set(tokens(body).slice(0, 300));
  for (const t of bt) add(`b:${t}`, 0.5, `message says "${t}"`);
  for (const w of wordClasses(subj, BUG_WORDS)) add(`bug:${w.name}`, 1, `subject says "${said(w, subj)}"`);
  for (const w of wordClasses(body, BUG_WORDS)) add(`bugb:${w.name}`, 1, `message says "${said(w, body)}"`);
  for (const w of wordClasses(subj, FEATURE_WORDS)) add(`feat:${w.name}`, 1, `subject says "${said(w, subj)}"`);
  for (const w of wordClasses(body, FEATURE_WORDS)) add(`featb:${w.name}`, 1, `message says "${said(w, body)}"`);
  add('m:body-len', Math.log1p(body.length) / 4, 'length of the explanation');
  // Trailers.
  const kinds = new Set(d.trailers.map((t) => t.kind));
  for (const k of [
    'fixes',
    'reported-by',
    'tested-by',
    'closes',
    'reviewed-by',
    'acked-by',
    'suggested-by',
    'co-developed-by',
    'stable',
    'backport-to',
    'stable-dep-of',
  ]) {
    if (kinds.has(k)) add(`t:${k}`, 1, `has a ${k === 'stable' ? 'stable tag' : `${k} trailer`}`);
  }
  // A bug tracker linked from a trailer, or anywhere in the message (Samba's `BUG: https://bugzilla...`
  // line sits above the trailer block, so it is not a trailer).
  const bugLink =
    d.trailers.some(
      (t) =>
        (t.kind === 'link' || t.kind === 'closes' || t.kind === 'other') &&
        /bug|issue|gitlab|github\.com\/.*\/issues|bugzilla|launchpad|jira|\/show_bug|xsa|cve/i.test(t.value),
    ) || BUG_URL.test(inp.details.message);
  if (bugLink) add('t:bug-link', 1, 'links a bug report');
  if (/\b(?:bz|bug|issue|rhbz|bsc|boo|lp)\s*#?\s*\d{3,}|\bgh-\d+|#\d{3,}\b|\bcve-\d{4}-\d+|\bxsa-\d+/i.test(`${subj}\n${body}`))
    add('t:bug-number', 1, 'names a bug number');
  // Every 'Key:' line of the message, trailer or not: projects mark backport candidates their own way.
  const keys0 = new Set<string>();
  for (const m of inp.details.message.slice(inp.details.message.indexOf('\n') + 1).matchAll(/^([A-Za-z][A-Za-z0-9-]{1,30}):[ \t]/gm)) keys0.add(m[1]!);
  for (const k of [...keys0].slice(0, 12)) add(`key:${k.toLowerCase()}`, 1, `has a "${k}:" line`);
  // Diff shape.
  const files = d.files;
  add('n:files', Math.log1p(files.length) / 2, 'number of files');
  if (inp.numstat) {
    add('n:added', Math.log1p(inp.numstat.added) / 4, 'lines added');
    add('n:deleted', Math.log1p(inp.numstat.deleted) / 4, 'lines removed');
    const churn = inp.numstat.added + inp.numstat.deleted;
    if (churn <= 10) add('m:tiny', 1, `a small change (${churn} lines)`);
    else if (churn >= 300) add('m:large', 1, `a large change (${churn} lines)`);
  }
  // What the diff does (added guards, error paths, lock and reference balance; new functions, types,
  // fields, exports, options), each quoting the first line that showed it; and CI-only commits.
  if (inp.numstat && 'facts' in inp.numstat) {
    const fx = inp.numstat.facts;
    if (fx) {
      DIFF_FACTS.forEach((x, i) => {
        if (fx.bits & (1 << i)) add(`d:${x.name}`, 1, `${x.label}: "${fx.quotes[x.name] ?? ''}"`);
      });
      if (fx.codeAdded + fx.codeRemoved === 0) add('d:no-code', 1, 'changes no C, Go, Python or shell code outside tests');
    }
    if (files.length && files.every((f) => CI_PATH.test(f.path))) add('m:only-ci', 1, 'touches only CI files');
  }
  const newFiles = files.filter((f) => f.status === 'A').length;
  if (newFiles) add('m:new-files', 1, `adds ${newFiles} new file${newFiles > 1 ? 's' : ''}`);
  if (files.length) {
    if (files.every((f) => TEST_PATH.test(f.path))) add('m:only-tests', 1, 'touches only tests');
    else if (files.some((f) => TEST_PATH.test(f.path))) add('m:some-tests', 1, 'touches tests too');
    if (files.every((f) => DOC_PATH.test(f.path))) add('m:only-docs', 1, 'touches only documentation');
    if (files.every((f) => BUILD_PATH.test(f.path))) add('m:only-build', 1, 'touches only build files');
    if (files.every((f) => PO_PATH.test(f.path))) add('m:only-po', 1, 'touches only translations');
    if (files.some((f) => /\.map$|version\.map|\.sym$|\.def$|kconfig|config\.in|options$/i.test(f.path) && f.status !== 'D'))
      add('m:api-config', 1, 'touches symbol maps or config options');
    const exts = new Set(files.map((f) => /\.([A-Za-z0-9]+)$/.exec(f.path)?.[1]?.toLowerCase() ?? 'none'));
    for (const e of [...exts].slice(0, 6)) add(`ext:${e}`, 1, `touches .${e} files`);
  }
  // Where, and who: pick rates of earlier commits.
  const keys = new Set<string>();
  for (const f of files.slice(0, 50)) for (const k of pathKeys(f.path)) keys.add(k);
  const level: Record<string, { sum: number; n: number }> = {};
  let best: { key: string; n: number; picked: number; lift: number } | null = null;
  for (const k of keys) {
    const r = stats.paths.lift(k);
    const lv = k.slice(0, k.indexOf(':'));
    const e = (level[lv] ??= { sum: 0, n: 0 });
    e.sum += r.lift;
    e.n++;
    if (k.startsWith('d') && r.n >= 10 && (!best || Number(k[1]) > Number(best.key[1]) || (k[1] === best.key[1] && Math.abs(r.lift) > Math.abs(best.lift))))
      best = { key: k, ...r };
    if (k.startsWith('d') && k.length < 60) add(`dir:${k}`, 1, `touches ${k.slice(3)}`);
  }
  for (const [lv, e] of Object.entries(level)) {
    const where = best
      ? `touches ${best.key.slice(3)}, where ${pct(best.picked / best.n)} of ${Math.round(best.n)} earlier commits were picked`
      : 'where it touches';
    add(`n:rate-${lv}`, e.sum / e.n, where);
  }
  if (pre) {
    const r = stats.paths.lift(`p:${pre}`);
    add('n:rate-prefix', r.lift, `subject prefix "${pre}": ${r.n >= 1 ? `${pct(r.picked / r.n)} of ${Math.round(r.n)} earlier commits were picked` : 'new'}`);
  }
  const au = stats.people.lift(`a:${c.authorEmail}`);
  add(
    'n:rate-author',
    au.lift,
    `author ${c.authorName}: ${au.n >= 1 ? `${pct(au.picked / au.n)} of ${Math.round(au.n)} earlier commits were picked` : 'first commit'}`,
  );
  add('n:author-new', au.n < 1 ? 1 : 0, `author ${c.authorName}: no earlier commits`);
  const co = stats.people.lift(`c:${c.committerEmail}`);
  add(
    'n:rate-committer',
    co.lift,
    `committer ${c.committerEmail}: ${co.n >= 1 ? `${pct(co.picked / co.n)} of ${Math.round(co.n)} earlier commits were picked` : 'first commit'}`,
  );
  // The bug it fixes, and later fixes of this commit.
  const targets = d.trailers
    .filter((t) => t.kind === 'fixes' && t.refSha)
    .map((t) => inp.history.commits.get(t.refSha!))
    .filter((x): x is CommitRec => !!x);
  if (targets.length) {
    const days = Math.max(0, (c.time - Math.min(...targets.map((t) => t.time))) / 86400);
    add('n:bug-age', Math.log1p(days) / 3, `the bug it fixes is ${Math.round(days)} days old`);
  }
  const later = (inp.history.fixedBy.get(c.sha) ?? []).filter((f) => f.time < inp.visibleUntil && f.time > c.time);
  if (later.length)
    add('m:has-followup', 1, `was itself fixed later (${later.length} later commit${later.length > 1 ? 's name' : ' names'} it in a Fixes: tag)`);
  // Where in the release cycle: right after a release, or while one is being stabilised (-rc).
  const rel = inp.history.releaseBefore(c.time);
  if (rel) {
    const days = (c.time - rel.time) / 86400;
    add('n:since-release', Math.log1p(days) / 3, `${Math.round(days)} days after ${rel.name}`);
    if (rel.prerelease) add('m:rc-phase', 1, `made after ${rel.name}, while the release was being stabilised`);
  }
  // The merge that brought it in (a pull request, a topic branch): stable teams take or leave one whole.
  const group = inp.history.groupOf(c.sha);
  const mergeCommit = group?.merge ? inp.history.commits.get(group.merge) : undefined;
  if (group && mergeCommit && mergeCommit.time < inp.visibleUntil) {
    const n = group.members.length;
    const m12 = mergeCommit.sha.slice(0, 12);
    const w = wordsOfGroup(group, inp.history);
    const ev = { merge: mergeCommit.sha };
    add('g:merged', 1, `came in with merge ${m12}`, ev);
    add('n:group-size', Math.log1p(n - 1) / 2, `came in with merge ${m12} and ${n - 1} other commit${n === 2 ? '' : 's'}`, ev);
    add('n:group-fix', w.fix / n, `${w.fix} of the ${n} commits merged by ${m12} say they fix something`, ev);
    add('n:group-feat', w.feat / n, `${w.feat} of the ${n} commits merged by ${m12} say they add or rework something`, ev);
    for (const t of mergeWords(mergeCommit.subject)) add(`ms:${t}`, 0.5, `merge ${m12} says "${t}"`, ev);
  } else if (group && !group.merge) add('g:direct', 1, 'committed directly on mainline');
  // How long after the branch forked: young branches take much, old ones only fixes.
  if (inp.forkTime !== null && inp.forkTime <= c.time) {
    const days = (c.time - inp.forkTime) / 86400;
    const bucket = days < 30 ? '0-30' : days < 90 ? '30-90' : days < 180 ? '90-180' : days < 365 ? '180-365' : '365+';
    add('n:since-fork', Math.log1p(days) / 3, `made ${Math.round(days)} days after the branch forked`);
    add(`fork:${bucket}`, 1, `made ${Math.round(days)} days after the branch forked`);
    const fixy = wordClasses(subj, BUG_WORDS).length > 0;
    const featy = wordClasses(subj, FEATURE_WORDS).length > 0;
    if (fixy) add(`fork:${bucket}&fix`, 1, `a fix, ${Math.round(days)} days after the branch forked`);
    if (featy) add(`fork:${bucket}&feat`, 1, `a feature or cleanup, ${Math.round(days)} days after the branch forked`);
  }
  // Rule facts.
  for (const h of inp.hits) if (h.rule !== 'in-branch') add(`r:${h.rule}`, 1, h.text);
  return out;
}

export interface Vector {
  idx: Int32Array;
  val: Float32Array;
}

export function vectorize(fs: readonly Feature[]): Vector {
  const idx = new Int32Array(fs.length);
  const val = new Float32Array(fs.length);
  for (let i = 0; i < fs.length; i++) {
    idx[i] = hash32(fs[i]!.key) & (DIM - 1);
    val[i] = fs[i]!.value;
  }
  return { idx, val };
}
