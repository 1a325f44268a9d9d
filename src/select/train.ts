/**
 * Training as a program asks for it: learn from every stable branch's picks in the index (up to the
 * newest commit) and store the model in the index under its name. The CLI's `train` only parses options
 * and prints what this returns.
 */
import type { GitTarget } from '../git/run.js';
import type { DB } from '../history/db.js';
import { StablepickError } from '../errors.js';
import { History } from './history.js';
import { modelToJson, trainModel, type LagMode, type SelectionModel } from './model.js';
import { cachedNumstats, saveModel } from './store.js';

export interface TrainOptions {
  lag: LagMode;
  maxYears: number;
  /** The name the model is stored under (default 'default', the one scan and explain read). */
  name?: string;
  /** Told what is being done (line counts, training steps). */
  onProgress?: (what: string) => void;
}

/** Trains on the index's history and stores the model; returns it. */
export async function trainAndStore(db: DB, repo: GitTarget, opts: TrainOptions): Promise<SelectionModel> {
  const h = History.load(db);
  if (!h.pickBranches.length) throw new StablepickError('NOT_FOUND', { what: 'picks' });
  let last = 0;
  for (const c of h.commits.values()) if (c.time > last) last = c.time;
  const model = await trainModel(h, {
    cut: last + 1,
    lag: opts.lag,
    maxYears: opts.maxYears,
    numstats: (shas) => {
      opts.onProgress?.(`line counts of ${shas.length} commits`);
      return cachedNumstats(db, repo, shas);
    },
    onProgress: (t) => opts.onProgress?.(`training: ${t}`),
  });
  saveModel(db, opts.name ?? 'default', model.cut, modelToJson(model));
  return model;
}
