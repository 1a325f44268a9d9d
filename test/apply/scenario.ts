/** Scenarios for the apply-check tests, told with the one repository builder (../helpers/repo-builder.ts). */
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';

/**
 * `main` with a fix that applies to branch `stable`, and a second fix on top of it that conflicts there
 * when picked alone.
 */
export function fixAndConflictRepo(): { repo: RepoBuilder; fix: string; conflict: string } {
  const repo = makeRepo({ prefix: 'sp-apply-' });
  repo.commit('base', { 'a.c': 'one\ntwo\nthree\n' });
  repo.branch('stable');
  const fix = repo.commit('a: fix two', { 'a.c': 'one\ntwo fixed\nthree\n' });
  const conflict = repo.commit('a: fix two again', { 'a.c': 'one\ntwo fixed again\nthree\n' });
  return { repo, fix, conflict };
}
