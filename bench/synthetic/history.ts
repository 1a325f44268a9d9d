/**
 * The history itself: mainline with topic merges, release and -rc tags; stable branches forked at
 * releases that pick later mainline commits with the kernel's markers; stable release tags. Everything
 * is written as one fast-import stream; the shas needed in messages come back through get-mark.
 */
import { makeEdits, newFile, render, replayEdits, type Edit, type Lines } from './content.js';
import type { FastImport } from './fast-import.js';
import { body, revertReason, subject, trailers } from './messages.js';
import { GREG, LINUS, makePeople, SASHA, type Person } from './people.js';
import { Rng } from './prng.js';
import { buildUniverse, type Component, type Universe } from './universe.js';

export interface Options {
  commits: number;
  seed: number;
  stableBranches: number;
  /** Stable commits per mainline commit, over all branches. */
  stableRatio: number;
  files: number;
  /** Receives progress lines. */
  progress: (line: string) => void;
}

export interface Counts {
  mainline: number;
  merges: number;
  octopus: number;
  releases: number;
  rcTags: number;
  fixes: number;
  fixesLines: number;
  fixesShort: number;
  fixesMalformed: number;
  ccStable: number;
  reverts: number;
  treewide: number;
  stable: number;
  stablePicks: number;
  stableTags: number;
  stableBranches: number;
  markers: number;
  markerUpstream: number;
  markerBracket: number;
  markerCherry: number;
  markerChained: number;
  markerNone: number;
  adapted: number;
}

/** Ground truth for checking an indexer: marks, resolved to shas once the import is done. */
export interface TruthRecord {
  type: 'fixes' | 'pick' | 'revert';
  mark: number;
  target: number;
  form: string;
  branch?: string;
}

const T0 = Date.UTC(2005, 3, 16) / 1000;
const T1 = Date.UTC(2025, 0, 1) / 1000;
const DAY = 86400;
const TOPIC_REF = 'refs/synthetic/topic';
/** The `fork` of a commit on master: no restriction on the files it may touch. */
const ON_MASTER = Number.MAX_SAFE_INTEGER;
const BUG_SHARE = 0.35;

interface Change {
  path: number;
  kind: 'M' | 'A' | 'D';
  edits: Edit[];
  lines: Lines | undefined;
}

/** What a stable branch needs to know about a recent mainline commit. */
interface Rec {
  n: number;
  mark: number;
  subject: string;
  message: string;
  author: Person;
  authorTime: number;
  changes: Change[];
  cc: boolean;
  /** Oldest release the Cc: stable annotation asks for (-1: none). */
  ccMinRelease: number;
  fixesTarget: number;
  bug: boolean;
  picks: { mark: number; message: string }[];
}

interface Branch {
  name: string;
  version: string;
  release: number;
  forkN: number;
  /** Release index after which the branch gets no more picks. */
  eolRelease: number;
  files: (Lines | undefined)[];
  scanned: number;
  picked: Set<number>;
  carry: number;
  sublevel: number;
  sinceTag: number;
  nextTagAt: number;
}

/** Where and when a mainline commit goes. */
interface Head {
  ref: string;
  /** Mark of the parent for the first commit of a topic branch, else 0 (the ref's tip). */
  from: number;
  n: number;
  mark: number;
  ct: number;
  author: Person;
  /** Topic commits may only touch files master left alone since this commit; ON_MASTER on master. */
  fork: number;
}

interface ReleaseEvent {
  at: number;
  release: number;
  rc: number;
}

function versionOf(release: number): [number, number] {
  return [1 + Math.floor(release / 20), release % 20];
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const RELEASE_NAMES = [
  'Hurr durr',
  'Baby Opossum Posse',
  'Curry Ramen',
  'Sneaky Weasel',
  'Flesh-Eating Bats',
  'Roaring Lionus',
  'Shy Crocodile',
  'Kleptomaniac Octopus',
  'Obnoxious Rabbit',
  'Hungry Hippo',
  'Befuddled Badger',
  'Sleepy Sloth',
];

export class HistoryGenerator {
  private readonly rng: Rng;
  private readonly uni: Universe;
  private readonly people: Person[];
  private readonly n: number;
  private readonly cycle: number;
  private readonly step: number;
  readonly counts: Counts;
  readonly truth: TruthRecord[] = [];
  readonly branchNames: string[] = [];

  private mark = 0;
  private nextN = 0;
  private readonly markOf: Int32Array;
  private readonly subjects: string[];
  /** 1 = may be named by Fixes:/reverts (a normal mainline commit). */
  private readonly plain: Uint8Array;
  private readonly lastTouched: Int32Array;
  private readonly files: (Lines | undefined)[];
  private readonly present: number[][];
  private readonly absent: number[][];
  private readonly slot: Int32Array;
  private readonly recs = new Map<number, Rec>();
  private prunedTo = 0;
  /** Recent commits on master's first-parent line: where topic branches fork. */
  private readonly trail: number[] = [];
  /** Normal mainline commits of each component, oldest first: Fixes: mostly names one of these. */
  private readonly compHistory: number[][];

  private readonly events: ReleaseEvent[] = [];
  private eventIdx = 0;
  private readonly releaseN: number[] = [];
  private readonly releaseMark: number[] = [];
  private cycleStart = 0;
  private currentRelease = 0;
  private readonly forkAt = new Map<number, { eol: number }>();
  private readonly branches: Branch[] = [];
  private readonly stableRate: number;
  private readonly batchEvery: number;
  private readonly delay: number;
  private nextBatch: number;
  private readonly tagEvery: number;
  private lastTime = T0;
  private readonly started = Date.now();
  private nextProgress: number;

  constructor(
    private readonly fi: FastImport,
    private readonly opt: Options,
  ) {
    this.rng = new Rng(opt.seed);
    this.uni = buildUniverse(this.rng.derive(1), opt.files, 400);
    this.people = makePeople(this.rng.derive(2), 4000);
    this.n = opt.commits;
    this.cycle = Math.max(100, Math.min(10000, Math.round(this.n / 100)));
    this.step = (T1 - T0) / this.n;
    this.markOf = new Int32Array(this.n);
    this.subjects = new Array<string>(this.n);
    this.plain = new Uint8Array(this.n);
    const paths = this.uni.paths.length;
    this.lastTouched = new Int32Array(paths).fill(-1);
    this.files = new Array<Lines | undefined>(paths);
    this.present = this.uni.comps.map(() => []);
    this.compHistory = this.uni.comps.map(() => []);
    this.absent = this.uni.comps.map((c) => c.files.slice());
    this.slot = new Int32Array(paths);
    for (const c of this.uni.comps) c.files.forEach((p, i) => (this.slot[p] = i));
    this.counts = {
      mainline: 0,
      merges: 0,
      octopus: 0,
      releases: 0,
      rcTags: 0,
      fixes: 0,
      fixesLines: 0,
      fixesShort: 0,
      fixesMalformed: 0,
      ccStable: 0,
      reverts: 0,
      treewide: 0,
      stable: 0,
      stablePicks: 0,
      stableTags: 0,
      stableBranches: 0,
      markers: 0,
      markerUpstream: 0,
      markerBracket: 0,
      markerCherry: 0,
      markerChained: 0,
      markerNone: 0,
      adapted: 0,
    };
    // Release schedule: a two-week-like merge window (20 % of a cycle), then -rc1 .. -rc7, then the release.
    for (let r = 0; (r + 1) * this.cycle < this.n - 1; r++) {
      const start = r * this.cycle;
      for (let k = 1; k <= 7; k++) this.events.push({ at: start + Math.round(this.cycle * (0.2 + ((k - 1) * 0.8) / 7)), release: r, rc: k });
      this.events.push({ at: start + this.cycle, release: r, rc: 0 });
    }
    const releases = Math.floor(this.events.length / 8);
    const k = Math.min(opt.stableBranches, releases);
    const life = Math.max(2, Math.round((2.5 * releases) / (k + 1)));
    let lifetimeCommits = 0;
    let prev = -1;
    for (let b = 0; b < k; b++) {
      let r = Math.round(((b + 1) * releases) / (k + 1)) - 1;
      if (r <= prev) r = prev + 1;
      if (r > releases - 1) break;
      prev = r;
      const eol = b === k - 1 ? Number.MAX_SAFE_INTEGER : r + life;
      this.forkAt.set(r, { eol });
      lifetimeCommits += Math.min(this.n, (Math.min(eol, releases) + 1) * this.cycle) - (r + 1) * this.cycle;
    }
    this.stableRate = lifetimeCommits > 0 ? (opt.stableRatio * this.n) / lifetimeCommits : 0;
    this.batchEvery = Math.max(10, Math.round(this.cycle / 10));
    this.delay = this.batchEvery;
    this.nextBatch = this.batchEvery * 2;
    this.tagEvery = Math.max(5, Math.min(100, Math.round(this.n / 10000)));
    this.nextProgress = Math.max(1000, Math.round(this.n / 20));
  }

  // ---------------------------------------------------------------- helpers

  private time(n: number): number {
    const t = Math.floor(T0 + n * this.step + this.rng.next() * this.step);
    this.lastTime = Math.max(this.lastTime + 1, t);
    return this.lastTime;
  }

  private author(): Person {
    const i = Math.floor(this.people.length * this.rng.next() ** 1.8);
    return this.people[i] ?? LINUS;
  }

  private maintainerOf(c: Component): Person {
    return this.people[this.rng.pick(c.maintainers)] ?? LINUS;
  }

  private pickComp(family?: number): Component {
    const f = this.uni.families[family ?? this.rng.weighted(this.uni.familyCum)];
    if (!f) throw new Error('no family');
    const id = f.comps[this.rng.weighted(f.cum)];
    const c = id === undefined ? undefined : this.uni.comps[id];
    if (!c) throw new Error('no component');
    return c;
  }

  private compOfPath(path: number): number {
    // Linear ownership lookup is avoided: paths are laid out component by component.
    let lo = 0;
    let hi = this.uni.comps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.uni.comps[mid]?.files[0] ?? 0) <= path) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private setPresent(path: number, on: boolean): void {
    if (path < 2) return;
    const c = this.compOfPath(path);
    const from = on ? this.absent[c] : this.present[c];
    const to = on ? this.present[c] : this.absent[c];
    if (!from || !to) return;
    const i = this.slot[path] ?? 0;
    const last = from.pop();
    if (last !== undefined && last !== path) {
      from[i] = last;
      this.slot[last] = i;
    }
    this.slot[path] = to.length;
    to.push(path);
  }

  private onMaster(n: number): void {
    this.trail.push(n);
    if (this.trail.length > 400) this.trail.splice(0, 200);
  }

  private modLine(path: number, text: string): string {
    return `M 100644 inline ${this.uni.paths[path] ?? ''}\ndata ${bytes(text)}\n${text}`;
  }

  private delLine(path: number): string {
    return `D ${this.uni.paths[path] ?? ''}\n`;
  }

  /** Writes a commit and asks for its sha. */
  private writeCommit(ref: string, mark: number, author: Person, at: number, committer: Person, ct: number, msg: string, extra: string): void {
    this.fi.write(
      `commit ${ref}\nmark :${mark}\nauthor ${author.ident} ${at} ${author.tz}\ncommitter ${committer.ident} ${ct} ${committer.tz}\ndata ${bytes(msg)}\n${msg}${extra}\n`,
    );
    this.fi.askMark(mark);
  }

  private makefile(release: number, extra: string, sublevel = 0): string {
    const [maj, min] = versionOf(release);
    return render([
      '# SPDX-License-Identifier: GPL-2.0',
      `VERSION = ${maj}`,
      `PATCHLEVEL = ${min}`,
      `SUBLEVEL = ${sublevel}`,
      `EXTRAVERSION = ${extra}`,
      `NAME = ${RELEASE_NAMES[release % RELEASE_NAMES.length] ?? ''}`,
      '',
      '# *DOCUMENTATION*',
      'MAKEFLAGS += -rR --no-print-directory',
    ]);
  }

  // ---------------------------------------------------------------- mainline

  /** Touches files for one commit; `fork` restricts to files master has not changed since that commit. */
  private touch(comp: Component, fork: number, n: number, wide: boolean): Change[] {
    const rng = this.rng;
    const changes: Change[] = [];
    const used = new Set<number>();
    const ok = (p: number): boolean => !used.has(p) && this.lastTouched[p]! <= fork;
    const add = (p: number, kind: 'M' | 'A' | 'D', stem: string): void => {
      used.add(p);
      const path = this.uni.paths[p] ?? '';
      let ch: Change;
      if (kind === 'A') {
        const lines = newFile(rng, path, stem);
        this.files[p] = lines;
        this.setPresent(p, true);
        ch = { path: p, kind, edits: [], lines };
      } else if (kind === 'D') {
        this.files[p] = undefined;
        this.setPresent(p, false);
        ch = { path: p, kind, edits: [], lines: undefined };
      } else {
        const { edits, next } = makeEdits(rng, this.files[p] ?? [], path, stem);
        this.files[p] = next;
        ch = { path: p, kind, edits, lines: next };
      }
      this.lastTouched[p] = n;
      changes.push(ch);
    };
    const fromComp = (c: Component): boolean => {
      const pres = this.present[c.id] ?? [];
      const abs = this.absent[c.id] ?? [];
      for (let tries = 0; tries < 12; tries++) {
        if (abs.length > 0 && (pres.length === 0 || rng.chance(0.025))) {
          const p = abs[rng.int(abs.length)] ?? -1;
          if (p >= 0 && ok(p)) {
            add(p, 'A', c.stem);
            return true;
          }
          continue;
        }
        const p = pres[rng.int(pres.length)] ?? -1;
        if (p < 0 || !ok(p)) continue;
        add(p, pres.length > 3 && rng.chance(0.003) ? 'D' : 'M', c.stem);
        return true;
      }
      return false;
    };
    if (wide) {
      const k = rng.range(100, 400);
      for (let i = 0; i < k * 2 && changes.length < k; i++) fromComp(this.pickComp());
      return changes;
    }
    const r = rng.next();
    const k = r < 0.55 ? 1 : r < 0.75 ? 2 : r < 0.87 ? 3 : r < 0.95 ? 4 : 5;
    for (let i = 0; i < k * 3 && changes.length < k; i++) fromComp(comp);
    if (changes.length === 0) fromComp(this.pickComp());
    if (rng.chance(0.1) && this.uni.headers.length > 0) {
      const h = rng.pick(this.uni.headers);
      if (this.files[h] && ok(h)) add(h, 'M', comp.stem);
    }
    if (fork === ON_MASTER && rng.chance(0.01)) add(this.uni.maintainersFile, 'M', 'maint');
    return changes;
  }

  private renderChanges(changes: readonly Change[]): string {
    let s = '';
    for (const c of changes) s += c.kind === 'D' ? this.delLine(c.path) : this.modLine(c.path, render(c.lines ?? []));
    return s;
  }

  /** A normal mainline commit earlier than `maxTarget` commits may be named (Fixes:, revert). */
  private targetBefore(limit: number, near: boolean, comp?: Component): number {
    const rng = this.rng;
    if (limit <= 0) return -1;
    let t = this.drawTarget(limit, near);
    const hist = comp && rng.chance(0.85) ? this.compHistory[comp.id] : undefined;
    if (hist && hist.length > 0 && t > 0) {
      // The newest commit of the same component at or before the drawn age.
      let lo = 0;
      let hi = hist.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((hist[mid] ?? 0) <= t) lo = mid + 1;
        else hi = mid;
      }
      const h = hist[lo - 1];
      if (h !== undefined) return h;
    }
    for (let i = 0; t > 0 && this.plain[t] === 0 && i < 50; i++) t--;
    if (t < 0 || (t > 0 && this.plain[t] === 0)) return -1;
    return t;
  }

  private drawTarget(limit: number, near: boolean): number {
    const rng = this.rng;
    let t: number;
    const r = rng.next();
    if (!near && r < 0.015) t = 0;
    else if (near || r < 0.35) t = limit - rng.range(0, Math.min(limit, 2 * this.cycle));
    else if (r < 0.7) t = limit - rng.range(0, Math.min(limit, 20 * this.cycle));
    else t = rng.int(limit + 1);
    return t;
  }

  private releaseContaining(t: number): number {
    let lo = 0;
    let hi = this.releaseN.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.releaseN[mid] ?? 0) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private async fixesLine(target: number): Promise<{ line: string; form: string }> {
    const sha = await this.fi.sha(this.markOf[target] ?? 0);
    const subj = this.subjects[target] ?? '';
    const r = this.rng.next();
    if (r < 0.005) {
      this.counts.fixesMalformed++;
      const v = this.rng.int(5);
      const line =
        [
          `Fixes: ${sha.slice(0, 12)} ${subj}`,
          `Fixes: commit ${sha.slice(0, 12)} ("${subj}")`,
          `Fixes: ${sha.slice(0, 12)}("${subj}")`,
          `Fixes: "${subj}"`,
          `Fixes: ${sha.slice(0, 12)} ("${subj.slice(0, Math.max(8, subj.length >> 1))}`,
        ][v] ?? '';
      return { line, form: 'malformed' };
    }
    if (r < 0.015) {
      this.counts.fixesShort++;
      return { line: `Fixes: ${sha.slice(0, 7)} ("${subj}")`, form: 'short' };
    }
    if (r < 0.025) return { line: `Fixes: ${sha} ("${subj}")`, form: 'full' };
    return { line: `Fixes: ${sha.slice(0, 12)} ("${subj}")`, form: 'normal' };
  }

  private ccLine(target: number): { line: string; min: number } {
    const rng = this.rng;
    let min = -1;
    let note = '';
    if (target >= 0 && rng.chance(0.35)) {
      const rel = this.releaseContaining(target);
      if (rel < this.releaseN.length) min = rel;
    } else if (rng.chance(0.12) && this.releaseN.length > 0) min = rng.int(this.releaseN.length);
    if (min >= 0) {
      const [maj, mn] = versionOf(min);
      note = rng.pick([` # ${maj}.${mn}.x`, ` # v${maj}.${mn}+`, ` # ${maj}.${mn}+`]);
    }
    const addr = rng.chance(0.25) ? '<stable@vger.kernel.org>' : rng.chance(0.03) ? 'stable@kernel.org' : 'stable@vger.kernel.org';
    return { line: `Cc: ${addr}${note}`, min };
  }

  /** One non-merge mainline commit on `ref`: mostly a normal one, now and then tree-wide or a revert. */
  private async plainCommit(ref: string, from: number, fork: number, family: number | undefined): Promise<number> {
    const rng = this.rng;
    const n = this.nextN++;
    const mark = ++this.mark;
    const ct = this.time(n);
    const author = this.author();
    const comp = this.pickComp(family);
    const head: Head = { ref, from, n, mark, ct, author, fork };
    if (fork === ON_MASTER && n > 200 && rng.chance(0.001)) return this.treewideCommit(head, comp);
    const limit = Math.min(n - 20, fork);
    if (limit > 50 && rng.chance(0.003)) {
      const t = this.targetBefore(limit, true);
      if (t >= 0) return this.revertCommit(head, comp, t);
    }
    return this.normalCommit(head, comp);
  }

  /** A tree-wide cleanup touching hundreds of files (never picked). */
  private treewideCommit(h: Head, comp: Component): number {
    const rng = this.rng;
    this.counts.treewide++;
    const changes = this.touch(comp, h.fork, h.n, true);
    const subj = `treewide: ${rng.pick(['use', 'convert to', 'switch to'])} ${rng.pick(['strscpy()', 'sysfs_emit()', 'timer_delete()', 'secs_to_jiffies()', 'kmalloc_obj()'])}`;
    const text = body(rng, comp, false);
    const tr = trailers(rng, this.people, { author: h.author, chain: [], fixes: [], ccStable: null, bug: false, time: h.ct });
    const msg = `${subj}\n\n${text}\n\n${tr.join('\n')}\n`;
    this.finishCommit(h, h.author, subj, msg, changes, { bug: false, cc: null, target: -1, pickable: false, authorTime: h.ct });
    return h.mark;
  }

  /** `Revert "<subject>"`, touching the reverted commit's files when they are still known and free. */
  private async revertCommit(h: Head, comp: Component, t: number): Promise<number> {
    const rng = this.rng;
    const rec = this.recs.get(t);
    this.counts.reverts++;
    const sha = await this.fi.sha(this.markOf[t] ?? 0);
    const paths = rec ? rec.changes.filter((c) => c.kind === 'M' && this.files[c.path] && (this.lastTouched[c.path] ?? 0) <= h.fork).map((c) => c.path) : [];
    let changes: Change[];
    if (paths.length > 0) {
      changes = [];
      for (const p of paths) {
        const { edits, next } = makeEdits(rng, this.files[p] ?? [], this.uni.paths[p] ?? '', comp.stem);
        this.files[p] = next;
        this.lastTouched[p] = h.n;
        changes.push({ path: p, kind: 'M', edits, lines: next });
      }
      comp = this.uni.comps[this.compOfPath(paths[0] ?? 2)] ?? comp;
    } else changes = this.touch(comp, h.fork, h.n, false);
    const subj = `Revert "${this.subjects[t] ?? ''}"`;
    this.truth.push({ type: 'revert', mark: h.mark, target: this.markOf[t] ?? 0, form: 'revert' });
    const tr = trailers(rng, this.people, { author: h.author, chain: [this.maintainerOf(comp)], fixes: [], ccStable: null, bug: true, time: h.ct });
    const msg = `${subj}\n\nThis reverts commit ${sha}.\n\n${revertReason(rng)}\n\n${tr.join('\n')}\n`;
    this.finishCommit(h, h.author, subj, msg, changes, { bug: false, cc: null, target: -1, pickable: true, authorTime: h.ct });
    return h.mark;
  }

  private async normalCommit(h: Head, comp: Component): Promise<number> {
    const rng = this.rng;
    const { n, author, ct, fork } = h;
    const bug = rng.chance(BUG_SHARE);
    const changes = this.touch(comp, fork, n, false);
    const subj = subject(rng, comp, bug);
    const limit = Math.min(n - 20, fork);
    const fixes: string[] = [];
    let target = -1;
    if (limit > 0 && rng.chance(bug ? 0.45 : 0.065)) {
      const count = rng.chance(0.03) ? 2 : 1;
      for (let i = 0; i < count; i++) {
        const t = this.targetBefore(limit, false, comp);
        if (t < 0) continue;
        const f = await this.fixesLine(t);
        fixes.push(f.line);
        if (target < 0) target = t;
        this.truth.push({ type: 'fixes', mark: h.mark, target: this.markOf[t] ?? 0, form: f.form });
      }
      if (fixes.length > 0) {
        this.counts.fixes++;
        this.counts.fixesLines += fixes.length;
      }
    }
    let cc: { line: string; min: number } | null = null;
    if (rng.chance(bug ? 0.19 : 0.02)) {
      cc = this.ccLine(target);
      this.counts.ccStable++;
    }
    const chain: Person[] = [];
    const r = rng.next();
    if (r < 0.7) chain.push(this.maintainerOf(comp));
    if (r < 0.15) chain.push(this.maintainerOf(comp));
    const committer = chain[chain.length - 1] ?? author;
    const at = rng.chance(0.1) ? ct : ct - rng.int(21 * DAY);
    const tr = trailers(rng, this.people, { author, chain, fixes, ccStable: cc?.line ?? null, bug, time: at });
    const msg = `${subj}\n\n${body(rng, comp, bug)}\n\n${tr.join('\n')}\n`;
    this.finishCommit(h, committer, subj, msg, changes, { bug, cc, target, pickable: changes.length <= 20, authorTime: at });
    this.compHistory[comp.id]?.push(n);
    return h.mark;
  }

  private finishCommit(
    h: Head,
    committer: Person,
    subj: string,
    msg: string,
    changes: Change[],
    meta: { bug: boolean; cc: { line: string; min: number } | null; target: number; pickable: boolean; authorTime: number },
  ): void {
    const { ref, from, n, mark, ct, author } = h;
    this.writeCommit(ref, mark, author, meta.authorTime, committer, ct, msg, `${from > 0 ? `from :${from}\n` : ''}${this.renderChanges(changes)}`);
    this.markOf[n] = mark;
    this.subjects[n] = subj;
    this.plain[n] = 1;
    if (ref === 'refs/heads/master') this.onMaster(n);
    this.counts.mainline++;
    if (meta.pickable) {
      this.recs.set(n, {
        n,
        mark,
        subject: subj,
        message: msg,
        author,
        authorTime: meta.authorTime,
        changes,
        cc: meta.cc !== null,
        ccMinRelease: meta.cc?.min ?? -1,
        fixesTarget: meta.target,
        bug: meta.bug,
        picks: [],
      });
    }
  }

  private initialCommit(): void {
    const n = this.nextN++;
    const mark = ++this.mark;
    const ct = this.time(n);
    let extra = this.modLine(this.uni.makefile, this.makefile(0, '-rc0'));
    this.files[this.uni.makefile] = [];
    const maint = newFile(this.rng, 'MAINTAINERS', 'maint');
    this.files[this.uni.maintainersFile] = maint;
    extra += this.modLine(this.uni.maintainersFile, render(maint));
    for (const c of this.uni.comps) {
      const k = Math.max(1, Math.round(c.files.length * 0.3));
      for (let i = 0; i < k; i++) {
        const p = c.files[i];
        if (p === undefined) continue;
        const lines = newFile(this.rng, this.uni.paths[p] ?? '', c.stem);
        this.files[p] = lines;
        this.setPresent(p, true);
        this.lastTouched[p] = 0;
        extra += this.modLine(p, render(lines));
      }
    }
    const msg = "Linux-0.99\n\nInitial git repository build. I'm not bothering with the full history,\neven though we have it.\n";
    this.writeCommit('refs/heads/master', mark, LINUS, ct, LINUS, ct, msg, extra);
    this.markOf[n] = mark;
    this.onMaster(n);
    this.subjects[n] = 'Linux-0.99';
    this.plain[n] = 1;
    this.counts.mainline++;
  }

  /** Topic branches forked a little earlier, merged back into master (octopus when several). */
  private async merge(room: number): Promise<void> {
    const rng = this.rng;
    const mergeWindow = this.nextN - this.cycleStart < this.cycle * 0.2;
    const want = rng.chance(0.015) ? rng.range(3, 5) : 1;
    const tips: number[] = [];
    const families: number[] = [];
    const subjects: string[] = [];
    const touched = new Set<number>();
    let budget = room - 1;
    for (let i = 0; i < want; i++) {
      const len = Math.min(budget, mergeWindow ? rng.range(2, 12) : rng.range(2, 5));
      if (len < 1) break;
      budget -= len;
      const fork = this.trail[Math.max(0, this.trail.length - 1 - rng.range(2, 40))] ?? 0;
      const family = rng.weighted(this.uni.familyCum);
      let from = this.markOf[fork] ?? 0;
      let tip = 0;
      for (let k = 0; k < len; k++) {
        const before = this.nextN;
        tip = await this.plainCommit(TOPIC_REF, from, fork, family);
        from = 0;
        const rec = this.recs.get(before);
        subjects.push(this.subjects[before] ?? '');
        if (rec) for (const c of rec.changes) touched.add(c.path);
        else for (let p = 0; p < this.lastTouched.length; p++) if (this.lastTouched[p] === before) touched.add(p);
      }
      tips.push(tip);
      families.push(family);
    }
    if (tips.length === 0) return;
    const n = this.nextN++;
    const mark = ++this.mark;
    const ct = this.time(n);
    const fam = this.uni.families[families[0] ?? 0];
    const comp = this.pickComp(families[0]);
    const maint = this.maintainerOf(comp);
    const [maj, mn] = versionOf(this.currentRelease);
    const rcNo = this.events[this.eventIdx - 1]?.rc ?? 0;
    const ver = `${maj}.${mn}`;
    let msg: string;
    let committer = LINUS;
    if (tips.length > 1) {
      this.counts.octopus++;
      const names = tips.map((_t, i) => `${rng.pick(['fixes', 'misc', 'core', 'cleanup', 'for-next'])}-${i}`);
      const last = names.pop() ?? '';
      msg = `Merge branches ${names.map((s) => `'${s}'`).join(', ')} and '${last}' into ${fam?.tree ?? 'next'}\n`;
      committer = maint;
    } else if (rng.chance(0.3)) {
      const topicName = `${comp.stem}-${rng.pick(['fixes', 'cleanups', 'features', 'offload', 'refactor'])}`;
      const lead = this.author();
      msg = `Merge branch '${topicName}'\n\n${lead.name} says:\n\n====================\n${subjects.length} patches ${rng.pick(['fixing', 'cleaning up', 'extending'])} ${comp.prefix}.\n====================\n\nLink: https://lore.kernel.org/r/${rng.hex(12)}@${rng.pick(['kernel.org', 'gmail.com'])}\nSigned-off-by: ${maint.ident}\n`;
      committer = maint;
    } else {
      const tag = mergeWindow ? `${fam?.tree ?? 'misc'}-${maj}.${mn}` : `${fam?.tree ?? 'misc'}-${ver}-rc${Math.max(1, rcNo)}`;
      const url = `git://git.kernel.org/pub/scm/linux/kernel/git/${fam?.url ?? 'misc/misc'}`;
      const shortlog = subjects
        .slice(0, 30)
        .map((s) => `  ${s}`)
        .join('\n');
      msg = `Merge tag '${tag}' of ${url}\n\nPull ${fam?.name ?? 'misc'} ${mergeWindow ? 'updates' : 'fixes'} from ${maint.name}:\n\n - ${rng.pick(['A handful of fixes', 'Driver updates', 'Cleanups and new hardware support', 'Fix regressions'])} for ${comp.prefix}\n\n* tag '${tag}' of ${url}:\n${shortlog}\n`;
    }
    let extra = tips.map((t) => `merge :${t}\n`).join('');
    for (const p of [...touched].sort((a, b) => a - b)) {
      const lines = this.files[p];
      extra += lines ? this.modLine(p, render(lines)) : this.delLine(p);
    }
    this.writeCommit('refs/heads/master', mark, committer, ct, committer, ct, msg, extra);
    this.markOf[n] = mark;
    this.onMaster(n);
    this.subjects[n] = msg.slice(0, msg.indexOf('\n'));
    this.counts.mainline++;
    this.counts.merges++;
  }

  private releaseCommit(ev: ReleaseEvent): void {
    const n = this.nextN++;
    const mark = ++this.mark;
    const ct = this.time(n);
    const [maj, mn] = versionOf(ev.release);
    const name = ev.rc > 0 ? `${maj}.${mn}-rc${ev.rc}` : `${maj}.${mn}`;
    const mf = this.makefile(ev.release, ev.rc > 0 ? `-rc${ev.rc}` : '');
    this.files[this.uni.makefile] = [];
    this.writeCommit('refs/heads/master', mark, LINUS, ct, LINUS, ct, `Linux ${name}\n`, this.modLine(this.uni.makefile, mf));
    this.markOf[n] = mark;
    this.onMaster(n);
    this.subjects[n] = `Linux ${name}`;
    this.counts.mainline++;
    if (ev.rc > 0) {
      this.fi.write(`reset refs/tags/v${name}\nfrom :${mark}\n\n`);
      this.counts.rcTags++;
      return;
    }
    const tagMsg = `Linux ${name}\n`;
    this.fi.write(`tag v${name}\nfrom :${mark}\ntagger ${LINUS.ident} ${ct} ${LINUS.tz}\ndata ${bytes(tagMsg)}\n${tagMsg}\n`);
    this.counts.releases++;
    this.releaseN.push(n);
    this.releaseMark.push(mark);
    this.cycleStart = n;
    this.currentRelease = ev.release + 1;
    const fork = this.forkAt.get(ev.release);
    if (fork) {
      const b: Branch = {
        name: `linux-${maj}.${mn}.y`,
        version: `${maj}.${mn}`,
        release: ev.release,
        forkN: n,
        eolRelease: fork.eol,
        files: this.files.slice(),
        scanned: n,
        picked: new Set(),
        carry: 0,
        sublevel: 0,
        sinceTag: 0,
        nextTagAt: this.rng.range(Math.ceil(this.tagEvery / 2), Math.ceil(this.tagEvery * 1.5)),
      };
      this.branches.push(b);
      this.branchNames.push(b.name);
      this.counts.stableBranches++;
      this.fi.write(`reset refs/heads/${b.name}\nfrom :${mark}\n\n`);
    }
  }

  // ---------------------------------------------------------------- stable

  private async stableBatch(): Promise<void> {
    const rng = this.rng;
    const hi = this.nextN - 1 - this.delay;
    let t = this.time(this.nextN) - 3600;
    for (let bi = this.branches.length - 1; bi >= 0; bi--) {
      const b = this.branches[bi];
      if (!b || this.currentRelease > b.eolRelease) continue;
      const lo = b.scanned + 1;
      if (lo > hi) continue;
      const quota = (hi - lo + 1) * this.stableRate;
      b.carry = Math.min(b.carry + quota, quota * 2 + 1);
      const take = Math.floor(b.carry);
      const cands: { rec: Rec; prio: number }[] = [];
      for (let n = lo; n <= hi; n++) {
        const rec = this.recs.get(n);
        if (!rec) continue;
        if (rec.fixesTarget >= 0 && rec.fixesTarget > b.forkN && !b.picked.has(rec.fixesTarget)) continue;
        if (rec.ccMinRelease > b.release) continue;
        const score = rec.cc ? 3 : rec.fixesTarget >= 0 ? 2 : rec.bug ? 1 : 0;
        if (!rng.chance([0.03, 0.25, 0.75, 0.95][score] ?? 0)) continue;
        cands.push({ rec, prio: score + rng.next() });
      }
      cands.sort((a, c) => c.prio - a.prio);
      // Like a maintainer's queue: what applies cleanly goes in first; backports that need their context
      // adapted fill the rest of the branch's share.
      const chosen: Rec[] = [];
      const later: Rec[] = [];
      for (const c of cands) {
        if (chosen.length >= take) break;
        const fit = this.applies(b, c.rec);
        if (fit === 'clean' || (fit === 'adapted' && rng.chance(0.15))) chosen.push(c.rec);
        else if (fit === 'adapted') later.push(c.rec);
      }
      for (const rec of later) {
        if (chosen.length >= take) break;
        chosen.push(rec);
      }
      chosen.sort((a, c) => a.n - c.n);
      let done = 0;
      for (const rec of chosen) if (await this.pick(b, rec, (t += rng.range(30, 600)))) done++;
      b.carry -= done;
      b.scanned = hi;
      b.sinceTag += done;
      if (b.sinceTag >= b.nextTagAt) this.stableRelease(b, (t += 600));
    }
    for (; this.prunedTo <= hi; this.prunedTo++) this.recs.delete(this.prunedTo);
  }

  /** Whether a mainline commit's edits apply to the branch: cleanly, only with adapted context, or not. */
  private applies(b: Branch, rec: Rec): 'clean' | 'adapted' | 'no' {
    let clean = true;
    for (const c of rec.changes) {
      const cur = b.files[c.path];
      if (c.kind === 'A' ? cur !== undefined : cur === undefined) return 'no';
      if (c.kind !== 'M' || cur === undefined) continue;
      const r = replayEdits(cur, c.edits);
      if (!r) return 'no';
      clean &&= r.clean;
    }
    return clean ? 'clean' : 'adapted';
  }

  private async pick(b: Branch, rec: Rec, ct: number): Promise<boolean> {
    const rng = this.rng;
    let clean = true;
    let extra = '';
    const updates: [number, Lines | undefined][] = [];
    for (const c of rec.changes) {
      const cur = b.files[c.path];
      if (c.kind === 'A') {
        if (cur !== undefined) return false;
        updates.push([c.path, c.lines]);
        extra += this.modLine(c.path, render(c.lines ?? []));
      } else if (c.kind === 'D') {
        if (cur === undefined) return false;
        updates.push([c.path, undefined]);
        extra += this.delLine(c.path);
      } else {
        const r = cur === undefined ? null : replayEdits(cur, c.edits);
        if (!r) return false;
        clean &&= r.clean;
        updates.push([c.path, r.next]);
        extra += this.modLine(c.path, render(r.next));
      }
    }
    for (const [p, l] of updates) b.files[p] = l;
    const mark = ++this.mark;
    const sha = await this.fi.sha(rec.mark);
    const rest = rec.message.slice(rec.subject.length + 2);
    const score = rec.cc ? 3 : rec.fixesTarget >= 0 ? 2 : rec.bug ? 1 : 0;
    const prior = rec.picks[rec.picks.length - 1];
    let form: string;
    let committer = GREG;
    let msg: string;
    const noteFor = (who: string): string =>
      !clean && rng.chance(0.5) ? `[ ${who}: ${rng.pick(['adjust context', 'resolve minor conflict', 'drop hunk for missing code'])} ]\n` : '';
    if (prior && rng.chance(0.12)) {
      const psha = await this.fi.sha(prior.mark);
      form = 'chained';
      const base = rng.chance(0.5) ? prior.message : rec.message;
      msg = `${base}(cherry picked from commit ${psha})\n${noteFor('Greg')}Signed-off-by: ${GREG.ident}\n`;
      this.truth.push({ type: 'pick', mark, target: prior.mark, form, branch: b.name });
      this.counts.markerChained++;
    } else {
      const r = rng.next();
      if (score <= 1 ? r < 0.85 : r >= 0.78 && r < 0.9) {
        form = 'bracket';
        committer = SASHA;
        msg = `${rec.subject}\n\n[ Upstream commit ${sha} ]\n\n${rest}${noteFor('sashal')}Signed-off-by: ${SASHA.ident}\n`;
        this.counts.markerBracket++;
      } else if (r < 0.78 || (score <= 1 && r < 0.95)) {
        form = 'upstream';
        msg = `${rec.subject}\n\ncommit ${sha} upstream.\n\n${rest}${noteFor('Greg')}Signed-off-by: ${GREG.ident}\n`;
        this.counts.markerUpstream++;
      } else if (r < 0.97) {
        form = 'cherry';
        msg = `${rec.message}(cherry picked from commit ${sha})\n${noteFor('Greg')}Signed-off-by: ${GREG.ident}\n`;
        this.counts.markerCherry++;
      } else {
        form = 'none';
        msg = `${rec.message}Signed-off-by: ${GREG.ident}\n`;
        this.counts.markerNone++;
      }
      this.truth.push({ type: 'pick', mark, target: rec.mark, form, branch: b.name });
    }
    if (form !== 'none') this.counts.markers++;
    if (!clean) this.counts.adapted++;
    this.writeCommit(`refs/heads/${b.name}`, mark, rec.author, rec.authorTime, committer, ct, msg, extra);
    rec.picks.push({ mark, message: msg });
    b.picked.add(rec.n);
    this.counts.stable++;
    this.counts.stablePicks++;
    return true;
  }

  private stableRelease(b: Branch, ct: number): void {
    b.sublevel++;
    b.sinceTag = 0;
    b.nextTagAt = this.rng.range(Math.ceil(this.tagEvery / 2), Math.ceil(this.tagEvery * 1.5));
    const name = `${b.version}.${b.sublevel}`;
    const mark = ++this.mark;
    b.files[this.uni.makefile] = [];
    const msg = `Linux ${name}\n\nLink: https://lore.kernel.org/r/${this.rng.hex(14)}@linuxfoundation.org\nTested-by: ${this.rng.pick(this.people).ident}\nSigned-off-by: ${GREG.ident}\n`;
    this.writeCommit(`refs/heads/${b.name}`, mark, GREG, ct, GREG, ct, msg, this.modLine(this.uni.makefile, this.makefile(b.release, '', b.sublevel)));
    const tagMsg = `This is the ${name} stable release\n`;
    this.fi.write(`tag v${name}\nfrom :${mark}\ntagger ${GREG.ident} ${ct} ${GREG.tz}\ndata ${bytes(tagMsg)}\n${tagMsg}\n`);
    this.counts.stable++;
    this.counts.stableTags++;
  }

  // ---------------------------------------------------------------- driver

  async run(): Promise<void> {
    const rng = this.rng;
    this.fi.write('feature done\n');
    this.initialCommit();
    while (this.nextN < this.n) {
      const ev = this.events[this.eventIdx];
      if (ev && this.nextN >= ev.at) {
        this.eventIdx++;
        this.releaseCommit(ev);
      } else if (this.nextN >= this.nextBatch) {
        this.nextBatch += this.batchEvery;
        await this.stableBatch();
      } else {
        const room = Math.min(this.n, ev?.at ?? this.n) - this.nextN;
        const mergeWindow = this.nextN - this.cycleStart < this.cycle * 0.2;
        if (room >= 3 && rng.chance(mergeWindow ? 0.0556 : 0.015)) await this.merge(room);
        else await this.plainCommit('refs/heads/master', 0, ON_MASTER, undefined);
      }
      await this.fi.pump();
      if (this.nextN >= this.nextProgress) {
        this.nextProgress += Math.max(1000, Math.round(this.n / 20));
        const s = ((Date.now() - this.started) / 1000).toFixed(1);
        this.opt.progress(
          `mainline ${this.nextN}/${this.n}, stable ${this.counts.stable}, tags ${this.counts.releases + this.counts.rcTags}+${this.counts.stableTags}, ${s}s`,
        );
      }
    }
    // A last stable round so the youngest branch is not empty.
    this.nextN = this.n + this.delay;
    await this.stableBatch();
    this.nextN = this.n;
    this.fi.write(`reset ${TOPIC_REF}\n\n`);
  }
}
