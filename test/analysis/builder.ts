/**
 * One repository for the dependency tests: mainline `main` with a stable branch `stable-1.0` forked at
 * v1.0, then fixes of fixes, a revert and a reapply, an ambiguous short id, a three-patch series, a
 * function added upstream and then used, a bug introduced after the fork, and picks onto the branch.
 */
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';

export interface DepsFixture {
  repo: RepoBuilder;
  /** Before the fork. */
  alpha: string;
  q1: string;
  q2: string;
  qPrefix: string;
  /** After the fork. */
  fix1: string;
  fix2: string;
  fixBySubject: string;
  fixAmbiguous: string;
  p1: string;
  p2: string;
  p3: string;
  helper: string;
  caller: string;
  gammaRework: string;
  gammaFix: string;
  yolo: string;
  yoloFix: string;
  beta: string;
  betaRevert: string;
  betaReapply: string;
  gamma: string;
  gammaRevert: string;
  delta: string;
  deltaFix: string;
  drvStep1: string;
  drvStep2: string;
  zed: string;
  fixZed: string;
  zedTwin: string;
  /** Stable picks. */
  pickP2: string;
  pickDelta: string;
  pickDeltaFix: string;
  pickFix1: string;
  cleanup(): void;
}

const lines = (name: string, n: number, edit: Record<number, string> = {}): string => {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(edit[i] ?? `int ${name}_${i} = ${i};`);
  return `${out.join('\n')}\n`;
};

export function depsRepo(): DepsFixture {
  const r = makeRepo();
  const core: Record<number, string> = {};
  const lib: Record<number, string> = {};
  const net: Record<number, string> = {};
  const user: Record<number, string> = {};
  const misc: Record<number, string> = {};
  const short = (s: string): string => s.slice(0, 12);
  const so = 'Signed-off-by: Dev One <dev@example.org>';
  r.commit('initial', {
    'src/drv.c': lines('drv', 30),
    'src/core.c': lines('core', 40),
    'src/lib.c': lines('lib', 20),
    'src/net.c': lines('net', 30),
    'src/user.c': lines('user', 20),
    'src/misc.c': lines('misc', 20),
  });
  core[3] = 'int alpha = 1;';
  const alpha = r.commit('core: add alpha', { 'src/core.c': lines('core', 40, core) }, { body: so });
  misc[3] = 'int q = 1;';
  const q1 = r.commit('misc: first q', { 'src/misc.c': lines('misc', 20, misc) }, { body: so });
  const qPrefix = q1.slice(0, 4);
  misc[3] = 'int q = 2;';
  const q2 = r.commitWithShaPrefix(qPrefix, 'misc: second q', { 'src/misc.c': lines('misc', 20, misc) }, { body: so });
  misc[16] = 'int zed = 1;';
  // A prefix with letters (an all-digit id reads as an issue number).
  const zed = r.commitWithShaPrefix('bee', 'misc: add zed', { 'src/misc.c': lines('misc', 20, misc) }, { body: so });
  r.tag('v1.0');
  r.branch('stable-1.0');

  core[3] = 'int alpha = 2;';
  const fix1 = r.commit(
    'core: fix alpha',
    { 'src/core.c': lines('core', 40, core) },
    { body: `Alpha was wrong.\n\nFixes: ${short(alpha)} ("core: add alpha")\n${so}` },
  );
  core[4] = 'int alpha_guard = 1;';
  const fix2 = r.commit(
    'core: fix the alpha fix',
    { 'src/core.c': lines('core', 40, core) },
    { body: `The fix missed the guard.\n\nFixes: ${short(fix1)} ("core: fix alpha")\n${so}` },
  );
  core[30] = 'int alpha_more = 1;';
  const fixBySubject = r.commit(
    'core: alpha needs more',
    { 'src/core.c': lines('core', 40, core) },
    { body: `Fixes: 0123456789ab ("core: add alpha")\n${so}` },
  );
  misc[10] = 'int q_fixed = 1;';
  const fixAmbiguous = r.commit('misc: fix q', { 'src/misc.c': lines('misc', 20, misc) }, { body: `Fixes: ${qPrefix} ("misc: second q")\n${so}` });

  misc[17] = 'int zed_fixed = 1;';
  const fixZed = r.commit('misc: fix zed', { 'src/misc.c': lines('misc', 20, misc) }, { body: `Fixes: ${zed.slice(0, 4)}\n${so}` });

  const link = (n: number): string => `Link: https://lore.kernel.org/r/20240101120000.4242-${n}-dev@example.org\n${so}`;
  net[2] = 'int ring_size = 64;';
  const p1 = r.commit('net: prepare ring', { 'src/net.c': lines('net', 30, net) }, { body: `Part one.\n\n${link(1)}` });
  net[12] = 'int ring_used = 1;';
  const p2 = r.commit('net: use ring', { 'src/net.c': lines('net', 30, net) }, { body: `Part two.\n\n${link(2)}` });
  net[24] = 'int ring_enabled = 1;';
  const p3 = r.commit('net: enable ring', { 'src/net.c': lines('net', 30, net) }, { body: `Part three.\n\n${link(3)}` });

  const libText = (extra: string): string => lines('lib', 20, lib) + extra;
  const helperFn = 'int helper_new(void)\n{\n\treturn 42;\n}\n';
  const helper = r.commit('lib: add helper_new', { 'src/lib.c': libText(helperFn) }, { body: so });
  user[5] = 'int user_value(void) { return helper_new(); }';
  const caller = r.commit('user: use helper_new', { 'src/user.c': lines('user', 20, user) }, { body: so });

  core[20] = 'int gamma = 1;';
  const gammaRework = r.commit('core: rework gamma', { 'src/core.c': lines('core', 40, core) }, { body: so });
  core[20] = 'int gamma = 2;';
  const gammaFix = r.commit('core: correct gamma', { 'src/core.c': lines('core', 40, core) }, { body: so });

  lib[2] = 'int yolo = 1;';
  const yolo = r.commit('lib: add yolo', { 'src/lib.c': libText(helperFn) }, { body: so });
  lib[2] = 'int yolo = 0;';
  const yoloFix = r.commit('lib: fix yolo', { 'src/lib.c': libText(helperFn) }, { body: `Fixes: ${short(yolo)} ("lib: add yolo")\n${so}` });

  core[36] = 'int beta = 1;';
  const beta = r.commit('core: add beta', { 'src/core.c': lines('core', 40, core) }, { body: so });
  const betaRevert = r.revert(beta);
  const betaReapply = r.revert(betaRevert);
  lib[14] = 'int gamma_opt = 1;';
  const gamma = r.commit('lib: add gamma option', { 'src/lib.c': libText(helperFn) }, { body: so });
  const gammaRevert = r.revert(gamma);
  delete lib[14];

  lib[8] = 'int delta = 1;';
  const delta = r.commit('lib: add delta', { 'src/lib.c': libText(helperFn) }, { body: so });
  lib[8] = 'int delta = 2;';
  const deltaFix = r.commit('lib: fix delta', { 'src/lib.c': libText(helperFn) }, { body: `Fixes: ${short(delta)} ("lib: add delta")\n${so}` });

  // Two commits of one author with one subject prefix, applied together (no thread id, linear history).
  const drv: Record<number, string> = {};
  drv[2] = 'int drv_mode = 1;';
  const t = Math.floor(Date.parse('2024-03-01T10:00:00Z') / 1000);
  const drvStep1 = r.commit('drv: prepare mode', { 'src/drv.c': lines('drv', 30, drv) }, { body: so, author: 'Dev Two <two@example.org>', date: t });
  drv[25] = 'int drv_enabled = 1;';
  const drvStep2 = r.commit('drv: enable mode', { 'src/drv.c': lines('drv', 30, drv) }, { body: so, author: 'Dev Two <two@example.org>', date: t + 60 });

  r.checkout('stable-1.0');
  const pickP2 = r.cherryPick(p2, { marker: 'upstream-commit' });
  const sLib: Record<number, string> = { 8: 'int delta = 1;' };
  const pickDelta = r.cherryPick(delta, { marker: 'upstream-commit', files: { 'src/lib.c': lines('lib', 20, sLib) } });
  sLib[8] = 'int delta = 2;';
  const pickDeltaFix = r.cherryPick(deltaFix, { marker: 'upstream-commit', files: { 'src/lib.c': lines('lib', 20, sLib) } });
  const pickFix1 = r.cherryPick(fix1, { marker: 'upstream-commit' });
  // A branch-only commit whose id shares zed's first 4 digits: `Fixes: <4 digits>` is ambiguous, and only
  // zed is an ancestor of the fix.
  const zedTwin = r.commitWithShaPrefix(zed.slice(0, 4), 'misc: stable-only tweak', { 'src/stable-note.txt': 'note\n' }, { body: so });
  r.checkout('main');
  return {
    repo: r,
    alpha,
    q1,
    q2,
    qPrefix,
    fix1,
    fix2,
    fixBySubject,
    fixAmbiguous,
    p1,
    p2,
    p3,
    helper,
    caller,
    gammaRework,
    gammaFix,
    yolo,
    yoloFix,
    beta,
    betaRevert,
    betaReapply,
    gamma,
    gammaRevert,
    delta,
    deltaFix,
    pickP2,
    pickDelta,
    pickDeltaFix,
    pickFix1,
    drvStep1,
    drvStep2,
    zed,
    fixZed,
    zedTwin,
    cleanup: () => r.cleanup(),
  };
}
