/**
 * Detecting a project's conventions from its index after each index run, and applying them: trailers
 * under a detected fixes-like key become 'fixes'. The result is kept in meta for `stats` and for the
 * later stages (config still overrides it).
 */
import { detectConventions, type DetectedConventions } from '../conventions/detect.js';
import { getMeta, setMeta, type DB } from './db.js';

export function detectAndApply(db: DB): DetectedConventions {
  const detected = detectFromIndex(db);
  db.transaction(() => {
    const upd = db.prepare("UPDATE trailers SET kind = 'fixes' WHERE kind = 'other' AND lower(key) = ?");
    for (const k of detected.fixesKeys) upd.run(k.key);
    setMeta(db, 'detected_conventions', JSON.stringify(detected));
  }).immediate();
  return detected;
}

/**
 * After an update that added commits: what a clean index would detect from all of them. When the
 * fixes-like keys are those stored, the stored keys are applied to the new rows and the counts are
 * refreshed; when they changed, everything is detected again (redetect).
 */
export function refreshDetection(db: DB, fromCommitId: number): void {
  const old = storedDetection(db);
  if (!old) {
    detectAndApply(db);
    return;
  }
  // The stored keys first, so that the counts below see the new rows as a clean index would.
  applyStoredDetection(db, fromCommitId);
  const now = detectFromIndexWith(db, old);
  const keys = (d: DetectedConventions): string =>
    d.fixesKeys
      .map((k) => k.key)
      .sort()
      .join('\0');
  if (keys(now) !== keys(old)) {
    redetect(db);
    return;
  }
  db.transaction(() => setMeta(db, 'detected_conventions', JSON.stringify(now))).immediate();
}

/** Detection from the index as it is (trailers already made 'fixes' by `applied` count as 'other' again). */
function detectFromIndexWith(db: DB, applied: DetectedConventions): DetectedConventions {
  const keys = applied.fixesKeys.map((k) => k.key);
  if (!keys.length) return detectFromIndex(db);
  const marks = keys.map(() => '?').join(', ');
  const otherKeys = db
    .prepare(
      `SELECT lower(key) AS key, count(*) AS total, sum(ref_prefix IS NOT NULL) AS withRef, sum(ref_status = 'resolved') AS resolved
       FROM trailers WHERE kind = 'other' OR (kind = 'fixes' AND lower(key) IN (${marks})) GROUP BY lower(key) HAVING withRef > 0`,
    )
    .all(...keys) as { key: string; total: number; withRef: number; resolved: number }[];
  return detectFromIndex(db, otherKeys);
}

function detectFromIndex(db: DB, otherKeysGiven?: { key: string; total: number; withRef: number; resolved: number }[]): DetectedConventions {
  const otherKeys =
    otherKeysGiven ??
    (db
      .prepare(
        `SELECT lower(key) AS key, count(*) AS total, sum(ref_prefix IS NOT NULL) AS withRef, sum(ref_status = 'resolved') AS resolved
       FROM trailers WHERE kind = 'other' GROUP BY lower(key) HAVING withRef > 0`,
      )
      .all() as { key: string; total: number; withRef: number; resolved: number }[]);
  const stableAddresses = db
    .prepare(
      `SELECT lower(json_extract(detail, '$.address')) AS address, count(*) AS n FROM trailers
       WHERE kind IN ('stable', 'backport-to') AND detail IS NOT NULL GROUP BY 1`,
    )
    .all() as { address: string; n: number }[];
  const markerKinds: Record<string, number> = {};
  for (const r of db.prepare("SELECT kind, count(*) AS n FROM markers WHERE kind != 'reverts' GROUP BY kind").all() as { kind: string; n: number }[]) {
    markerKinds[r.kind] = r.n;
  }
  return detectConventions({ otherKeys, stableAddresses, markerKinds });
}

export function storedDetection(db: DB): DetectedConventions | null {
  const s = getMeta(db, 'detected_conventions');
  return s ? (JSON.parse(s) as DetectedConventions) : null;
}

/** Applies the stored detection to trailers of commits with id >= `fromCommitId` (an incremental update). */
function applyStoredDetection(db: DB, fromCommitId: number): void {
  const d = storedDetection(db);
  if (!d?.fixesKeys.length) return;
  const upd = db.prepare("UPDATE trailers SET kind = 'fixes' WHERE commit_id >= ? AND kind = 'other' AND lower(key) = ?");
  db.transaction(() => {
    for (const k of d.fixesKeys) upd.run(fromCommitId, k.key);
  }).immediate();
}

/**
 * Detects again, from scratch: the keys an earlier detection made fixes-like go back to 'other' first
 * (an index written before a change to the detector keeps its old verdicts otherwise).
 */
export function redetect(db: DB): DetectedConventions {
  const old = storedDetection(db);
  if (old?.fixesKeys.length) {
    const back = db.prepare("UPDATE trailers SET kind = 'other' WHERE kind = 'fixes' AND lower(key) = ?");
    db.transaction(() => {
      for (const k of old.fixesKeys) back.run(k.key);
    }).immediate();
  }
  return detectAndApply(db);
}
