/**
 * What a first index learns from the commit records as they stream past, before the commits are
 * written: the commit graph (sha, parents, time per commit, row ids once written), and each commit's
 * first release, so that it is written with the commit instead of by a second pass over the table.
 *
 * A commit's first release is the earliest release tag (by the date of the tag's commit, then by name,
 * as `updateReleases` orders them) on the commit or on any of its descendants. It is passed from
 * children to parents as commits arrive; a parent that arrived before one of its children (git prints
 * parents after their children nearly always, not always) gets the late child's value passed on through
 * it and its ancestors. Values are final once every commit is seen; rows are handed to the writer one
 * batch late, so they are right for all but a parent that came more than a batch before a child. The
 * main thread checks every value against the exact walk (updateReleases) and fixes any that differ.
 */
import { CommitGraph, type GraphAuthors } from './graph.js';

/** Earliest release first: by date, then by name. */
type ReleaseKey = [number, string];
const earlier = (a: ReleaseKey, b: ReleaseKey): boolean => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

export class StreamedHistory {
  readonly shas: string[] = [];
  readonly parents: string[] = [];
  private times = new Float64Array(1 << 16);
  private dbIds = new Int32Array(1 << 16);
  private readonly best: (ReleaseKey | undefined)[] = [];
  /** Author email and time per position, as the writer wrote them (reported with the row ids). */
  private readonly authorEmails: string[] = [];
  private readonly authorTimes: number[] = [];
  /** The value handed to the writer per commit (what the row holds). */
  readonly written: (string | null)[] = [];
  private readonly position = new Map<string, number>();
  /** The earliest release a commit not seen yet gets from the children seen so far. */
  private readonly inherited = new Map<string, ReleaseKey>();
  private readonly tagsAt = new Map<string, string[]>();

  /** `releaseTags`: [name, commit sha] of the release tags (not prereleases). */
  constructor(releaseTags: readonly [string, string][]) {
    for (const [name, sha] of releaseTags) {
      const l = this.tagsAt.get(sha);
      if (l) l.push(name);
      else this.tagsAt.set(sha, [name]);
    }
  }

  get size(): number {
    return this.shas.length;
  }

  /** Takes a commit in (`parents` space-separated); returns its position. */
  see(sha: string, parents: string, time: number): number {
    const n = this.shas.length;
    if (n === this.times.length) {
      const t = new Float64Array(n * 2);
      t.set(this.times);
      this.times = t;
      const d = new Int32Array(n * 2);
      d.set(this.dbIds);
      this.dbIds = d;
    }
    this.shas.push(sha);
    this.parents.push(parents);
    this.times[n] = time;
    this.dbIds[n] = -1;
    this.best.push(undefined);
    this.written.push(null);
    this.position.set(sha, n);
    let b = this.inherited.get(sha);
    if (b) this.inherited.delete(sha);
    const here = this.tagsAt.get(sha);
    if (here) {
      for (const name of here) {
        const k: ReleaseKey = [time, name];
        if (!b || earlier(k, b)) b = k;
      }
    }
    if (b) this.lower(n, b);
    return n;
  }

  /** Gives `key` to the commit at `from` and to its ancestors, as far as it is earlier than theirs. */
  private lower(from: number, key: ReleaseKey): void {
    const stack = [from];
    while (stack.length) {
      const i = stack.pop()!;
      const b = this.best[i];
      if (b && !earlier(key, b)) continue;
      this.best[i] = key;
      const ps = this.parents[i]!;
      if (!ps) continue;
      for (const p of ps.split(' ')) {
        const q = this.position.get(p);
        if (q !== undefined) stack.push(q);
        else {
          const had = this.inherited.get(p);
          if (!had || earlier(key, had)) this.inherited.set(p, key);
        }
      }
    }
  }

  /** The first releases of commits `from` .. `to - 1`, as they stand now, recorded as written. */
  releasesToWrite(from: number, to: number): (string | null)[] {
    const out: (string | null)[] = [];
    for (let i = from; i < to; i++) {
      const v = this.best[i]?.[1] ?? null;
      this.written[i] = v;
      out.push(v);
    }
    return out;
  }

  /** Row ids of commits `from` .. `from + n - 1`, written in one transaction without a skip (and their authors as written). */
  setIds(from: number, n: number, firstId: number, authors: { emails: string[]; times: number[] } | null = null): void {
    for (let k = 0; k < n; k++) this.dbIds[from + k] = firstId + k;
    if (!authors) return;
    for (let k = 0; k < n; k++) {
      this.authorEmails[from + k] = authors.emails[k]!;
      this.authorTimes[from + k] = authors.times[k]!;
    }
  }

  graph(): CommitGraph {
    const n = this.shas.length;
    let authors: GraphAuthors | null = { emails: this.authorEmails, times: this.authorTimes };
    for (let i = 0; i < n && authors; i++) if (this.authorEmails[i] === undefined) authors = null;
    return CommitGraph.fromArrays(this.shas, this.parents, this.dbIds.slice(0, n), this.times.slice(0, n), authors);
  }
}

/**
 * The sha, parents and commit time of a raw `git log` record (see parseCommitRecord in git/log.ts: sha
 * NUL parents NUL an NUL ae NUL at NUL cn NUL ce NUL ct NUL ...), without decoding the rest.
 */
export function recordHead(r: Buffer): { sha: string; parents: string; time: number } | null {
  const e0 = r.indexOf(0);
  const e1 = e0 < 0 ? -1 : r.indexOf(0, e0 + 1);
  if (e1 < 0) return null;
  let p = e1;
  for (let k = 2; k < 7 && p >= 0; k++) p = r.indexOf(0, p + 1);
  const e7 = p < 0 ? -1 : r.indexOf(0, p + 1);
  if (e7 < 0) return null;
  return { sha: r.toString('latin1', 0, e0), parents: r.toString('latin1', e0 + 1, e1), time: Number(r.toString('latin1', p + 1, e7)) };
}
