/**
 * How a project takes stable picks, and where the mails go when nobody configured it: the kernel and
 * DPDK review AUTOSEL-style patch mails on their stable lists; Xen, OpenVPN and systemd take picks by
 * `git cherry-pick -x` (Gerrit or a stable maintainer), so they get a cherry-pick script and a review
 * list instead. The project is recognised by files only it has at the mainline tip. Never a kernel
 * address for another project: a project without a known list has none, and the caller must ask.
 */
import { BlobReader } from '../git/show.js';
import type { GitTarget } from '../git/run.js';

export type MailFormat = 'autosel' | 'cherry-pick' | 'quilt';

export interface ProjectMail {
  project: 'linux' | 'dpdk' | 'qemu' | 'xen' | 'openvpn' | 'systemd' | 'other';
  /** Default To addresses (empty: none known; the user must give --to or mail.to). */
  to: readonly string[];
  format: MailFormat;
  /** Files that name maintainers and lists, in the order tried (`get_maintainer` equivalents). */
  maintainerFiles: readonly string[];
  /** What the hint of a missing To says. */
  toHint: string;
}

const PROJECTS: readonly (ProjectMail & { marker: readonly string[] })[] = [
  {
    project: 'linux',
    marker: ['Kbuild', 'scripts/get_maintainer.pl'],
    to: ['patches@lists.linux.dev', 'stable@vger.kernel.org'],
    format: 'autosel',
    maintainerFiles: ['MAINTAINERS'],
    toHint: 'give --to stable@vger.kernel.org',
  },
  {
    project: 'dpdk',
    marker: ['devtools/check-git-log.sh'],
    to: ['stable@dpdk.org'],
    format: 'autosel',
    maintainerFiles: ['MAINTAINERS'],
    toHint: 'give --to stable@dpdk.org',
  },
  {
    project: 'qemu',
    marker: ['qemu-options.hx'],
    to: ['qemu-stable@nongnu.org'],
    format: 'autosel',
    maintainerFiles: ['MAINTAINERS'],
    toHint: 'give --to qemu-stable@nongnu.org',
  },
  {
    project: 'xen',
    marker: ['xen/Makefile', 'xen/Kconfig'],
    to: [],
    format: 'cherry-pick',
    maintainerFiles: ['MAINTAINERS'],
    toHint: 'Xen takes stable picks by cherry-pick: use --format cherry-pick, or give the list with --to',
  },
  {
    project: 'openvpn',
    marker: ['src/openvpn/openvpn.c'],
    to: [],
    format: 'cherry-pick',
    maintainerFiles: [],
    toHint: 'OpenVPN takes stable picks by cherry-pick: use --format cherry-pick, or give the list with --to',
  },
  {
    project: 'systemd',
    marker: ['src/systemd/sd-daemon.h'],
    to: [],
    format: 'cherry-pick',
    maintainerFiles: [],
    toHint: 'systemd takes stable picks by cherry-pick (systemd-stable): use --format cherry-pick, or give the list with --to',
  },
];

const OTHER: ProjectMail = {
  project: 'other',
  to: [],
  format: 'autosel',
  maintainerFiles: ['MAINTAINERS'],
  toHint: "give the project's stable list with --to, or set mail.to in stablepick.config.json",
};

/** The project's mail conventions, from marker files at `rev` (the mainline tip); `kernelBranches` decides for a repository without them. */
export async function projectMail(repo: GitTarget, rev: string, kernelBranches = false): Promise<ProjectMail> {
  const reader = new BlobReader(repo);
  try {
    for (const p of PROJECTS) {
      let all = true;
      for (const f of p.marker) {
        if ((await reader.read(rev, f)) === null) {
          all = false;
          break;
        }
      }
      if (all) return strip(p);
    }
  } finally {
    reader.close();
  }
  return kernelBranches ? strip(PROJECTS[0]!) : OTHER;
}

function strip(p: ProjectMail & { marker?: readonly string[] }): ProjectMail {
  return { project: p.project, to: p.to, format: p.format, maintainerFiles: p.maintainerFiles, toHint: p.toHint };
}
