/**
 * A per-repository memo of git answers that depend only on objects named by full ids (a commit's diff,
 * a grep of a tree, a blame at a commit): objects never change, so a long-running process (the MCP
 * server) may keep such answers between questions. Off unless enabled for a target; bounded (the
 * oldest answers go first); each caller gets its own copy, so no caller can change another's answer.
 */
import type { GitTarget } from './run.js';

interface Memo {
  max: number;
  entries: Map<string, Promise<unknown>>;
}

const memos = new WeakMap<GitTarget, Memo>();

const FULL_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** Keeps up to `max` answers for `target` from now on. */
export function enableMemo(target: GitTarget, max = 512): void {
  memos.set(target, { max, entries: new Map() });
}

/**
 * The answer of `compute`, remembered under `key` when memos are on for `target` and every revision in
 * `ids` is a full object id (a name like HEAD or a branch may move). A failure is not remembered.
 */
export async function memoized<T>(target: GitTarget, ids: readonly string[], key: string, compute: () => Promise<T>): Promise<T> {
  const m = memos.get(target);
  if (!m || !ids.every((i) => FULL_ID.test(i))) return compute();
  const k = `${ids.join(' ')}\0${key}`;
  let p = m.entries.get(k) as Promise<T> | undefined;
  if (p) {
    // Most recently used last.
    m.entries.delete(k);
    m.entries.set(k, p);
  } else {
    p = compute();
    m.entries.set(k, p);
    p.catch(() => m.entries.delete(k));
    while (m.entries.size > m.max) m.entries.delete(m.entries.keys().next().value!);
  }
  return structuredClone(await p);
}
