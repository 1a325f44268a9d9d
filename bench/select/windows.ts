/**
 * The dev windows of ../shared/datasets for the selection benches: where the datasets are, which
 * repositories have an index under a short name, which windows walk the first-parent chain, and the
 * feature vectors `scan` computes for a window's commits and for the history examples before it.
 */
import type { NumStat } from '../../src/git/diff-batch.js';
import { extractFeatures, type Feature } from '../../src/select/features.js';
import type { CommitRec, History } from '../../src/select/history.js';
import type { SelectionModel } from '../../src/select/model.js';
import { evaluateRules } from '../../src/select/rules.js';
import { branchView, historyView } from '../../src/select/view.js';

export interface Window {
  name: string;
  repo: string;
  window: string;
  stable_branch: string;
}

export const DATA = '/work/shared/datasets';
/** Windows labelled on the first-parent chain (the datasets' README). */
export const FIRST_PARENT = /^(xen|zfs|openvpn|krb5|openldap)/;
/** Repository → the short name of its index (`<index dir>/<short>.sqlite`): the eleven main dev windows. */
export const SHORT: Readonly<Record<string, string>> = {
  'DPDK/dpdk': 'dpdk',
  'xen-project/xen': 'xen',
  'systemd/systemd-stable': 'systemd',
  'bminor/glibc': 'glibc',
  'util-linux/util-linux': 'util-linux',
  'FRRouting/frr': 'frr',
  'NetworkManager/NetworkManager': 'networkmanager',
  'rpm-software-management/rpm': 'rpm',
  'OpenVPN/openvpn': 'openvpn',
  'openvswitch/ovs': 'ovs',
  'ovn-org/ovn': 'ovn',
};
/** The other dev windows' repositories. */
export const EXTRA: Readonly<Record<string, string>> = {
  'linux-rdma/rdma-core': 'rdma-core',
  'isc-projects/bind9': 'bind9',
  'openzfs/zfs': 'zfs',
  'open-mpi/ompi': 'ompi',
  'GNOME/glib': 'glib',
  'samba-team/samba': 'samba',
};

export interface Featured {
  commit: CommitRec;
  features: Feature[];
  /** History: picked by any stable branch before the cut. Window: the label. */
  y: number;
}

/**
 * Feature vectors as `scan` computes them, with the path / people rates of `model`:
 * - `history`: every non-merge mainline ancestor of the window's start made in the six years before it,
 *   oldest first (trainModel's own selection also drops the stretches when no branch took picks, and
 *   weighs the unripe negatives; neither is done here);
 * - `window`: the labelled commits of the window, judged for `branch` as it was at the cut.
 */
export async function windowFeatures(
  h: History,
  model: SelectionModel,
  w: { from: string; commits: readonly CommitRec[]; branch: string; cut: number; end: number; labels: ReadonlyMap<string, number> },
  numstats: (shas: readonly string[]) => Promise<Map<string, NumStat | null>>,
): Promise<{ history: Featured[]; window: Featured[] }> {
  const from = w.cut - 6 * 365 * 86400;
  const hc = [...h.graph.ancestors([w.from])]
    .map((s) => h.commits.get(s))
    .filter((c): c is CommitRec => !!c && c.parentCount <= 1 && h.mainlineSet.has(c.sha) && c.time < w.cut && c.time >= from)
    .sort((a, b) => a.time - b.time || a.id - b.id);
  h.loadDetails(hc.map((c) => c.id));
  const hns = await numstats(hc.map((c) => c.sha));
  const history = hc.map((c): Featured => {
    const d = h.detailsOf(c.id);
    const view = historyView(h, c.time, w.cut);
    const hits = evaluateRules(h, c, d, { view, checkHeld: false });
    const features = extractFeatures({
      commit: c,
      details: d,
      hits,
      stats: model.stats,
      numstat: hns.get(c.sha) ?? null,
      visibleUntil: w.cut,
      history: h,
      forkTime: view.forkTime(c.time),
    });
    return { commit: c, features, y: h.pickedBefore(c.sha, w.cut) ? 1 : 0 };
  });
  const view = branchView(h, w.branch, w.cut);
  const wc = w.commits.filter((c) => w.labels.has(c.sha));
  h.loadDetails(wc.map((c) => c.id));
  const wns = await numstats(wc.map((c) => c.sha));
  const window = wc.map((c): Featured => {
    const d = h.detailsOf(c.id);
    const hits = evaluateRules(h, c, d, { view, selected: new Set(), optOut: [], checkPaths: true });
    const features = extractFeatures({
      commit: c,
      details: d,
      hits,
      stats: model.stats,
      numstat: wns.get(c.sha) ?? null,
      visibleUntil: w.end + 1,
      history: h,
      forkTime: view.forkTime(c.time),
    });
    return { commit: c, features, y: w.labels.get(c.sha)! };
  });
  return { history, window };
}
