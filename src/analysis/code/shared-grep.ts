/**
 * One `git grep -w` for several questions asked together: walks of the call graph that run side by side
 * ask for their names at each level, and once every walk still running has asked, one grep of all the
 * names runs and each walk gets exactly the lines its own grep would have printed, in git's order.
 *
 * Exact because `git grep -w -F -e a -e b` prints a line when one of the names occurs in it as a whole
 * word (bounded by non-word characters, [A-Za-z0-9_] in the C locale), which is the same as: one of the
 * line's maximal runs of word characters is that name. The names are C identifiers.
 */
import { hasWholeWord, streamGrepWords, type GrepHit } from '../../git/grep.js';
import type { GitTarget } from '../../git/run.js';
import type { HitSource } from './scan.js';

interface Request {
  names: ReadonlySet<string>;
  pathspecs: readonly string[];
  onHit: (hit: GrepHit) => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class SharedGrep {
  private waiting: Request[] = [];

  /** `askers`: how many questions will ask (each calls `source` per level, then `leave` once). */
  constructor(
    private readonly target: GitTarget,
    private readonly sha: string,
    private askers: number,
  ) {}

  /** A hit source for scanNames: resolves when the shared grep is done and every hit was handed over. */
  readonly source: HitSource = (names, pathspecs, onHit) =>
    new Promise<void>((resolve, reject) => {
      this.waiting.push({ names: new Set(names), pathspecs, onHit, resolve, reject });
      this.runWhenAllAsked();
    });

  /** A question is answered (or failed): the others no longer wait for it. */
  leave(): void {
    this.askers--;
    this.runWhenAllAsked();
  }

  private runWhenAllAsked(): void {
    if (!this.waiting.length || this.waiting.length < this.askers) return;
    const batch = this.waiting;
    this.waiting = [];
    const groups = new Map<string, Request[]>();
    for (const r of batch) {
      const k = r.pathspecs.join('\0');
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    for (const g of groups.values()) this.run(g);
  }

  private run(group: readonly Request[]): void {
    const all = [...new Set(group.flatMap((r) => [...r.names]))];
    const onHit = (h: GrepHit): void => {
      for (const r of group) if (hasWholeWord(h.text, r.names)) r.onHit(h);
    };
    const single = group.length === 1 ? group[0]!.onHit : onHit;
    streamGrepWords(this.target, this.sha, all, single, { pathspecs: group[0]!.pathspecs }).then(
      () => {
        for (const r of group) r.resolve();
      },
      (e: unknown) => {
        for (const r of group) r.reject(e);
      },
    );
  }
}
