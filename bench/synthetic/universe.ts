/**
 * The file universe: ~30k kernel-like paths grouped into components (a driver, a file system, a kernel
 * subsystem, a set of device trees ...). A component carries the subject prefix its commits use
 * (`net: ixgbe`, `drm/amdgpu`, `crypto: qat -`), an identifier stem for invented function names, and
 * its maintainers. Components belong to families (net, drm, fs, ...), which are the trees Linus pulls.
 */
import { cumulative, type Rng } from './prng.js';

export interface Component {
  readonly id: number;
  readonly family: number;
  /** Subject prefix without the separator, e.g. `net: ixgbe`. */
  readonly prefix: string;
  /** What follows the prefix: `: `, or ` - ` for the crypto tree. */
  readonly sep: string;
  /** Identifier stem for invented functions and structures. */
  readonly stem: string;
  readonly files: number[];
  readonly weight: number;
  /** Indexes into the people list. */
  readonly maintainers: number[];
}

export interface Family {
  readonly name: string;
  /** Name of the maintainer tree in merge messages (`net`, `drm`, `vfs`). */
  readonly tree: string;
  readonly url: string;
  readonly comps: number[];
  readonly cum: Float64Array;
}

export interface Universe {
  readonly paths: string[];
  readonly comps: Component[];
  readonly families: Family[];
  readonly familyCum: Float64Array;
  /** Headers under include/, for the odd header a commit also touches. */
  readonly headers: number[];
  readonly makefile: number;
  readonly maintainersFile: number;
}

interface Draft {
  dir: string;
  prefix: string;
  sep?: string;
  stem: string;
  names: string[];
}

interface FamilySpec {
  name: string;
  tree: string;
  url: string;
  /** Share of commits. */
  weight: number;
  /** Share of files. */
  share: number;
  make(rng: Rng, i: number): Draft;
}

const SYL = [
  'ax',
  'be',
  'cx',
  'da',
  'e',
  'fe',
  'ga',
  'hi',
  'ix',
  'jo',
  'ka',
  'li',
  'mx',
  'no',
  'ob',
  'pa',
  'qe',
  'ra',
  'sf',
  'ti',
  'ul',
  'vi',
  'wo',
  'xg',
  'ya',
  'ze',
  'mlx',
  'bnx',
  'igb',
  'tg',
  'qed',
  'hns',
  'rtw',
  'ath',
  'mt',
  'brc',
  'iwl',
  'stm',
  'dw',
  'fsl',
  'imx',
  'sun',
  'rk',
  'mes',
  'omap',
  'sdm',
  'nv',
  'cs',
  'wm',
  'tas',
  'rt',
  'max',
  'ad',
  'bq',
  'lt',
  'ov',
  'ak',
];

function word(rng: Rng): string {
  let w = rng.pick(SYL);
  if (rng.chance(0.6)) w += rng.pick(SYL);
  if (rng.chance(0.35)) w += String(rng.range(1, 9));
  if (rng.chance(0.15)) w += String(rng.range(0, 9));
  return w;
}

const C_SUFFIX = [
  'main',
  'core',
  'ethtool',
  'txrx',
  'lib',
  'debugfs',
  'regs',
  'hw',
  'phy',
  'ptp',
  'dcb',
  'sriov',
  'vf',
  'pf',
  'devlink',
  'tc',
  'xdp',
  'fw',
  'mbx',
  'irq',
  'common',
  'nvm',
  'stats',
  'flow',
  'rss',
  'lag',
  'dma',
  'pm',
  'sysfs',
  'ioctl',
  'init',
  'util',
  'ops',
  'mem',
  'queue',
  'ring',
  'cmd',
  'event',
  'mac',
  'port',
  'link',
  'reset',
  'clk',
  'i2c',
  'spi',
  'trace',
  'proc',
  'table',
  'ctrl',
  'dev',
  'drv',
  'acpi',
  'of',
  'pci',
  'platform',
  'uapi',
  'mmu',
  'gem',
  'crtc',
  'plane',
  'encoder',
  'connector',
  'hdmi',
  'dsi',
  'dp',
  'vblank',
  'fence',
  'sched',
  'bo',
  'vm',
  'power',
  'thermal',
  'audio',
];

function cNames(rng: Rng, stem: string, count: number, sep = '_'): string[] {
  const out = new Set<string>();
  let guard = 0;
  while (out.size < count && guard++ < count * 20) {
    const suf = rng.pick(C_SUFFIX) + (guard > count * 4 ? String(guard) : '');
    out.add(`${stem}${sep}${suf}${rng.chance(0.18) ? '.h' : '.c'}`);
  }
  return [...out];
}

/** Components of a flat directory of drivers (`drivers/i2c/busses/i2c-foo.c`). */
function flatDriver(dir: string, prefix: string, filePrefix = ''): (rng: Rng) => Draft {
  return (rng) => {
    const drv = word(rng);
    const n = rng.range(1, 4);
    const names = [`${filePrefix}${drv}.c`];
    for (let i = 1; i < n; i++) names.push(`${filePrefix}${drv}-${rng.pick(C_SUFFIX)}.${rng.chance(0.3) ? 'h' : 'c'}`);
    return { dir, prefix: `${prefix}: ${drv}`, stem: drv.replace(/-/g, '_'), names };
  };
}

/** Components that are directories of their own (`drivers/clk/<vendor>/...`). */
function dirDriver(base: string, prefix: (name: string) => string, lo: number, hi: number, list?: readonly string[]): (rng: Rng, i: number) => Draft {
  return (rng, i) => {
    const name = list && i < list.length ? (list[i] ?? word(rng)) : word(rng);
    const stem = name.replace(/[-/]/g, '_');
    return { dir: `${base}/${name}`, prefix: prefix(name), stem, names: cNames(rng, stem, rng.range(lo, hi)) };
  };
}

function oneOf(rng: Rng, items: readonly (readonly [string, string])[], i: number): readonly [string, string] {
  return items[i % items.length] ?? rng.pick(items);
}

const ETH_VENDORS = [
  'intel',
  'mellanox',
  'broadcom',
  'realtek',
  'marvell',
  'amd',
  'qlogic',
  'cavium',
  'chelsio',
  'emulex',
  'freescale',
  'huawei',
  'ibm',
  'mediatek',
  'microchip',
  'qualcomm',
  'renesas',
  'sfc',
  'stmicro',
  'ti',
  'xilinx',
  'amazon',
  'aquantia',
  'atheros',
  'cadence',
  'cisco',
  'google',
  'hisilicon',
  'pensando',
  'wangxun',
  'engleder',
  'fungible',
  'mscc',
  'netronome',
  'socionext',
  'sun',
  'synopsys',
  'wiznet',
  'meta',
  'davicom',
];
const WIFI_VENDORS = ['intel', 'realtek', 'mediatek', 'ath', 'broadcom', 'marvell', 'microchip', 'ti', 'st', 'quantenna', 'rsi', 'purelifi'];
const DRM = [
  'amd/amdgpu',
  'amd/display/dc',
  'amd/pm',
  'i915',
  'i915/display',
  'i915/gt',
  'xe',
  'nouveau',
  'msm',
  'msm/dpu',
  'msm/dp',
  'radeon',
  'panel',
  'bridge',
  'vc4',
  'v3d',
  'etnaviv',
  'panfrost',
  'lima',
  'rockchip',
  'mediatek',
  'exynos',
  'imx',
  'sun4i',
  'tegra',
  'meson',
  'vmwgfx',
  'virtio',
  'qxl',
  'ast',
  'mgag200',
  'hisilicon',
  'tidss',
  'omapdrm',
  'ingenic',
  'vkms',
  'tiny',
  'scheduler',
  'ttm',
  'gma500',
  'i2c',
  'display',
  'imagination',
  'panthor',
  'loongson',
  'kmb',
  'mxsfb',
  'stm',
  'sti',
  'xlnx',
  'renesas/rcar-du',
  'solomon',
  'udl',
  'gud',
  'hyperv',
  'lib',
];
const DRIVER_CLASSES: readonly (readonly [string, string])[] = [
  ['usb/core', 'usb: core'],
  ['usb/host', 'usb: host'],
  ['usb/gadget/function', 'usb: gadget'],
  ['usb/serial', 'USB: serial'],
  ['usb/typec', 'usb: typec'],
  ['usb/dwc3', 'usb: dwc3'],
  ['scsi', 'scsi'],
  ['tty/serial', 'serial'],
  ['i2c/busses', 'i2c'],
  ['spi', 'spi'],
  ['gpio', 'gpio'],
  ['iio/adc', 'iio: adc'],
  ['iio/imu', 'iio: imu'],
  ['iio/light', 'iio: light'],
  ['input/touchscreen', 'Input'],
  ['input/keyboard', 'Input'],
  ['media/i2c', 'media: i2c'],
  ['media/usb', 'media'],
  ['hid', 'HID'],
  ['pci/controller', 'PCI'],
  ['platform/x86', 'platform/x86'],
  ['nvme/host', 'nvme'],
  ['nvme/target', 'nvmet'],
  ['md', 'md'],
  ['mmc/host', 'mmc'],
  ['mtd/nand/raw', 'mtd: rawnand'],
  ['regulator', 'regulator'],
  ['power/supply', 'power: supply'],
  ['thermal', 'thermal'],
  ['watchdog', 'watchdog'],
  ['firmware', 'firmware'],
  ['acpi', 'ACPI'],
  ['base', 'driver core'],
  ['bluetooth', 'Bluetooth'],
  ['dma', 'dmaengine'],
  ['edac', 'EDAC'],
  ['hwmon', 'hwmon'],
  ['leds', 'leds'],
  ['mfd', 'mfd'],
  ['misc', 'misc'],
  ['net/phy', 'net: phy'],
  ['net/can', 'can'],
  ['net/dsa', 'net: dsa'],
  ['pwm', 'pwm'],
  ['remoteproc', 'remoteproc'],
  ['rtc', 'rtc'],
  ['vfio', 'vfio'],
  ['virtio', 'virtio'],
  ['video/fbdev', 'fbdev'],
  ['xen', 'xen'],
  ['block', 'block'],
  ['char', 'char'],
  ['cpufreq', 'cpufreq'],
  ['iommu', 'iommu'],
  ['irqchip', 'irqchip'],
  ['mailbox', 'mailbox'],
  ['interconnect', 'interconnect'],
  ['ata', 'ata'],
  ['nvdimm', 'nvdimm'],
  ['cxl/core', 'cxl'],
  ['perf', 'perf'],
  ['tee', 'tee'],
  ['vhost', 'vhost'],
  ['target', 'scsi: target'],
  ['soundwire', 'soundwire'],
  ['counter', 'counter'],
  ['most', 'most'],
];
const DRIVER_DIRS: readonly (readonly [string, string])[] = [
  ['clk', 'clk'],
  ['pinctrl', 'pinctrl'],
  ['soc', 'soc'],
  ['infiniband/hw', 'RDMA'],
  ['phy', 'phy'],
  ['crypto', 'crypto'],
  ['staging', 'staging'],
  ['scsi', 'scsi'],
  ['media/platform', 'media'],
  ['net/ethernet', 'net'],
  ['platform', 'platform'],
];
const ARCHES = [
  'x86',
  'arm64',
  'arm',
  'powerpc',
  'riscv',
  's390',
  'mips',
  'loongarch',
  'sparc',
  'parisc',
  'm68k',
  'sh',
  'xtensa',
  'alpha',
  'csky',
  'openrisc',
  'um',
  'arc',
  'microblaze',
  'nios2',
  'hexagon',
];
const ARCH_SUBS = ['kernel', 'mm', 'include/asm', 'boot', 'lib', 'crypto', 'net', 'pci', 'kvm', 'entry', 'events', 'platforms', 'power'];
const DTS_VENDORS = [
  'qcom',
  'freescale',
  'rockchip',
  'mediatek',
  'renesas',
  'allwinner',
  'amlogic',
  'ti',
  'nvidia',
  'exynos',
  'marvell',
  'broadcom',
  'xilinx',
  'st',
  'apple',
  'arm',
  'sprd',
  'hisilicon',
  'intel',
  'microchip',
  'aspeed',
  'nxp',
  'realtek',
];
const FSS = [
  'ext4',
  'btrfs',
  'xfs',
  'nfs',
  'nfsd',
  'f2fs',
  'smb/client',
  'smb/server',
  'ceph',
  'fuse',
  'overlayfs',
  'ocfs2',
  'gfs2',
  'jbd2',
  'proc',
  'erofs',
  'ntfs3',
  'exfat',
  'fat',
  'udf',
  'hfsplus',
  'nilfs2',
  'squashfs',
  'afs',
  '9p',
  'kernfs',
  'sysfs',
  'debugfs',
  'tracefs',
  'iomap',
  'netfs',
  'quota',
  'notify',
  'crypto',
  'verity',
  'orangefs',
  'jfs',
  'reiserfs',
  'isofs',
  'bcachefs',
  'zonefs',
  'cachefiles',
  'ecryptfs',
  'autofs',
  'configfs',
  'dlm',
  'lockd',
  'pstore',
  'ramfs',
  'ubifs',
];
const FS_PREFIX: Record<string, string> = {
  'smb/client': 'smb: client',
  'smb/server': 'ksmbd',
  overlayfs: 'ovl',
  notify: 'fsnotify',
  crypto: 'fscrypt',
  verity: 'fsverity',
};
const NETS: readonly (readonly [string, string])[] = [
  ['core', 'net: core'],
  ['ipv4', 'ipv4'],
  ['ipv6', 'ipv6'],
  ['netfilter', 'netfilter'],
  ['sched', 'net/sched'],
  ['mac80211', 'wifi: mac80211'],
  ['wireless', 'wifi: cfg80211'],
  ['bluetooth', 'Bluetooth'],
  ['sctp', 'sctp'],
  ['tipc', 'tipc'],
  ['smc', 'net/smc'],
  ['xdp', 'xsk'],
  ['mptcp', 'mptcp'],
  ['unix', 'af_unix'],
  ['packet', 'af_packet'],
  ['bridge', 'bridge'],
  ['can', 'can'],
  ['rds', 'rds'],
  ['sunrpc', 'SUNRPC'],
  ['xfrm', 'xfrm'],
  ['openvswitch', 'openvswitch'],
  ['netlink', 'netlink'],
  ['dsa', 'net: dsa'],
  ['ethtool', 'ethtool'],
  ['devlink', 'devlink'],
  ['l2tp', 'l2tp'],
  ['vmw_vsock', 'vsock'],
  ['rxrpc', 'rxrpc'],
  ['batman-adv', 'batman-adv'],
  ['ceph', 'libceph'],
  ['ieee802154', 'ieee802154'],
  ['nfc', 'nfc'],
  ['ncsi', 'net/ncsi'],
  ['qrtr', 'net: qrtr'],
  ['mpls', 'mpls'],
  ['handshake', 'handshake'],
  ['hsr', 'net: hsr'],
  ['tls', 'tls'],
  ['ipv4/tcp', 'tcp'],
];
const KERNEL_SUBS: readonly (readonly [string, string])[] = [
  ['sched', 'sched'],
  ['bpf', 'bpf'],
  ['trace', 'tracing'],
  ['time', 'timers'],
  ['irq', 'genirq'],
  ['locking', 'locking'],
  ['rcu', 'rcu'],
  ['cgroup', 'cgroup'],
  ['events', 'perf/core'],
  ['printk', 'printk'],
  ['power', 'PM: sleep'],
  ['futex', 'futex'],
  ['dma', 'dma-mapping'],
  ['module', 'module'],
  ['kcsan', 'kcsan'],
  ['debug', 'kdb'],
  ['livepatch', 'livepatch'],
  ['entry', 'entry'],
];
const MM_STEMS = [
  'page_alloc',
  'slub',
  'vmscan',
  'memcontrol',
  'huge_memory',
  'hugetlb',
  'memory',
  'mmap',
  'gup',
  'filemap',
  'shmem',
  'swapfile',
  'compaction',
  'khugepaged',
  'ksm',
  'madvise',
  'mempolicy',
  'migrate',
  'mlock',
  'mprotect',
  'mremap',
  'oom_kill',
  'page-writeback',
  'percpu',
  'rmap',
  'readahead',
  'truncate',
  'userfaultfd',
  'vmalloc',
  'zswap',
  'zsmalloc',
  'damon/core',
  'damon/paddr',
  'damon/sysfs',
  'kasan/common',
  'kasan/report',
  'kfence/core',
  'memory-failure',
  'memory_hotplug',
  'page_owner',
  'pagewalk',
  'sparse',
  'swap_state',
  'util',
  'vmstat',
  'workingset',
  'list_lru',
  'cma',
  'dmapool',
  'highmem',
];
const INCLUDE_DIRS = [
  'linux',
  'linux',
  'linux',
  'net',
  'uapi/linux',
  'trace/events',
  'dt-bindings/clock',
  'linux/mlx5',
  'drm',
  'sound',
  'scsi',
  'media',
  'soc',
  'asm-generic',
  'kvm',
  'rdma',
  'crypto',
  'acpi',
  'xen',
  'video',
];
const DOC_SUBS = [
  'admin-guide',
  'networking',
  'filesystems',
  'process',
  'driver-api',
  'core-api',
  'userspace-api',
  'arch/x86',
  'translations/zh_CN',
  'trace',
  'bpf',
  'mm',
  'scheduler',
  'sound',
  'gpu',
  'hwmon',
  'ABI/testing',
  'dev-tools',
  'security',
  'power',
  'virt/kvm',
  'block',
  'locking',
  'RCU',
  'usb',
  'i2c',
  'kbuild',
  'rust',
];
const DT_CLASSES = [
  'clock',
  'pinctrl',
  'display',
  'net',
  'sound',
  'iio',
  'regulator',
  'usb',
  'phy',
  'i2c',
  'spi',
  'arm',
  'interrupt-controller',
  'media',
  'mfd',
  'power',
  'thermal',
  'gpio',
  'serial',
  'pci',
  'mmc',
  'remoteproc',
  'soc',
  'leds',
];
const SELFTESTS = [
  'bpf',
  'net',
  'kvm',
  'mm',
  'ftrace',
  'cgroup',
  'seccomp',
  'powerpc',
  'arm64',
  'x86',
  'landlock',
  'drivers/net',
  'net/forwarding',
  'net/mptcp',
  'filesystems',
  'futex',
  'riscv',
  'rseq',
  'timers',
  'iommu',
  'resctrl',
  'sched_ext',
  'hid',
  'tc-testing',
];
const TOOLS: readonly (readonly [string, string])[] = [
  ['perf/util', 'perf'],
  ['perf/tests', 'perf test'],
  ['perf/arch/x86/util', 'perf x86'],
  ['lib/bpf', 'libbpf'],
  ['bpf/bpftool', 'bpftool'],
  ['objtool', 'objtool'],
  ['power/x86/turbostat', 'tools/power turbostat'],
];
const SOUND_VENDORS = ['intel', 'sof', 'qcom', 'amd', 'fsl', 'mediatek', 'rockchip', 'sunxi', 'tegra', 'samsung', 'ti', 'sh', 'stm', 'meson'];
const MISC: readonly (readonly [string, string, string])[] = [
  ['security/selinux', 'selinux', 'selinux'],
  ['security/apparmor', 'apparmor', 'aa'],
  ['security/smack', 'smack', 'smk'],
  ['security/landlock', 'landlock', 'landlock'],
  ['security/keys', 'KEYS', 'key'],
  ['security/integrity/ima', 'ima', 'ima'],
  ['crypto', 'crypto', 'crypto'],
  ['block', 'block', 'blk'],
  ['lib', 'lib', 'lib'],
  ['scripts', 'scripts', 'script'],
  ['scripts/kconfig', 'kconfig', 'conf'],
  ['virt/kvm', 'KVM', 'kvm'],
  ['arch/x86/kvm', 'KVM: x86', 'kvm'],
  ['arch/x86/kvm/vmx', 'KVM: VMX', 'vmx'],
  ['arch/x86/kvm/svm', 'KVM: SVM', 'svm'],
  ['arch/x86/kvm/mmu', 'KVM: x86/mmu', 'kvm_mmu'],
  ['arch/arm64/kvm', 'KVM: arm64', 'kvm_arm'],
  ['io_uring', 'io_uring', 'io'],
  ['rust/kernel', 'rust', 'rust'],
  ['init', 'init', 'init'],
  ['ipc', 'ipc', 'ipc'],
  ['samples/bpf', 'samples/bpf', 'sample'],
  ['certs', 'certs', 'cert'],
  ['kernel/bpf', 'bpf', 'bpf'],
];

const FAMILIES: FamilySpec[] = [
  {
    name: 'net-drivers',
    tree: 'net',
    url: 'netdev/net',
    weight: 7,
    share: 3000,
    make: (rng) => {
      const vendor = rng.pick(ETH_VENDORS);
      const drv = word(rng);
      return {
        dir: `drivers/net/ethernet/${vendor}/${drv}`,
        prefix: rng.chance(0.7) ? `net: ${drv}` : `net/${drv}`,
        stem: drv,
        names: cNames(rng, drv, rng.range(6, 40)),
      };
    },
  },
  {
    name: 'wireless',
    tree: 'wireless',
    url: 'wireless/wireless',
    weight: 4,
    share: 1500,
    make: (rng) => {
      const vendor = rng.pick(WIFI_VENDORS);
      const drv = word(rng);
      return { dir: `drivers/net/wireless/${vendor}/${drv}`, prefix: `wifi: ${drv}`, stem: drv, names: cNames(rng, drv, rng.range(5, 30)) };
    },
  },
  {
    name: 'drm',
    tree: 'drm',
    url: 'drm/kernel',
    weight: 10,
    share: 3500,
    make: (rng, i) => {
      const d = i < DRM.length ? (DRM[i] ?? 'misc') : `${rng.pick(DRM).split('/')[0] ?? 'misc'}/${word(rng)}`;
      const stem = (d.split('/').pop() ?? d).replace(/-/g, '_');
      return { dir: `drivers/gpu/drm/${d}`, prefix: `drm/${d}`, stem, names: cNames(rng, stem, rng.range(10, 70)) };
    },
  },
  {
    name: 'drivers',
    tree: 'driver-core',
    url: 'gregkh/driver-core',
    weight: 24,
    share: 8000,
    make: (rng, i) => {
      if (rng.chance(0.3)) {
        const [base, pre] = oneOf(rng, DRIVER_DIRS, i);
        return dirDriver(`drivers/${base}`, (n) => `${pre}: ${n}`, 3, 25)(rng, i);
      }
      const [base, pre] = oneOf(rng, DRIVER_CLASSES, i);
      const filePrefix = base.startsWith('i2c') ? 'i2c-' : base === 'spi' ? 'spi-' : base === 'gpio' ? 'gpio-' : base === 'rtc' ? 'rtc-' : '';
      return flatDriver(`drivers/${base}`, pre, filePrefix)(rng);
    },
  },
  {
    name: 'arch',
    tree: 'tip',
    url: 'tip/tip',
    weight: 9,
    share: 5000,
    make: (rng) => {
      if (rng.chance(0.45)) {
        const arm64 = rng.chance(0.6);
        const vendor = rng.pick(DTS_VENDORS);
        const soc = word(rng);
        const names: string[] = [];
        const n = rng.range(4, 30);
        for (let k = 0; k < n; k++) names.push(`${soc}-${word(rng)}${rng.chance(0.3) ? '.dtsi' : '.dts'}`);
        return arm64
          ? { dir: `arch/arm64/boot/dts/${vendor}`, prefix: `arm64: dts: ${vendor}: ${soc}`, stem: soc, names }
          : { dir: `arch/arm/boot/dts/${vendor}`, prefix: `ARM: dts: ${vendor}: ${soc}`, stem: soc, names };
      }
      const arch = rng.chance(0.35) ? 'x86' : rng.chance(0.3) ? 'arm64' : rng.pick(ARCHES);
      let sub = rng.pick(ARCH_SUBS);
      if (sub === 'platforms') sub = `platforms/${word(rng)}`;
      const stem = `${arch}_${sub.split('/').pop() ?? sub}`.replace(/-/g, '_');
      const p = arch === 'x86' || arch === 'powerpc' ? `${arch}/${sub.split('/').pop() ?? sub}` : `${arch}: ${sub.split('/').pop() ?? sub}`;
      return { dir: `arch/${arch}/${sub}`, prefix: p, stem, names: cNames(rng, stem, rng.range(5, 40)) };
    },
  },
  {
    name: 'fs',
    tree: 'vfs',
    url: 'vfs/vfs',
    weight: 8,
    share: 2200,
    make: (rng, i) => {
      const fs = i < FSS.length ? (FSS[i] ?? 'misc') : `${rng.pick(FSS)}/${word(rng)}`;
      const top = fs.split('/')[0] ?? fs;
      const stem = top.replace(/[^a-z0-9]/g, '');
      return { dir: `fs/${fs}`, prefix: FS_PREFIX[fs] ?? top, stem, names: cNames(rng, stem, rng.range(8, 60)) };
    },
  },
  {
    name: 'net',
    tree: 'net-next',
    url: 'netdev/net-next',
    weight: 7,
    share: 1800,
    make: (rng, i) => {
      const [d, pre] = oneOf(rng, NETS, i);
      const stem = (d.split('/').pop() ?? d).replace(/-/g, '_');
      return { dir: `net/${d}`, prefix: pre, stem, names: cNames(rng, stem, rng.range(5, 45)) };
    },
  },
  {
    name: 'kernel',
    tree: 'tip',
    url: 'tip/tip',
    weight: 4,
    share: 500,
    make: (rng, i) => {
      const [d, pre] = oneOf(rng, KERNEL_SUBS, i);
      return { dir: `kernel/${d}`, prefix: pre, stem: d, names: cNames(rng, d, rng.range(5, 30)) };
    },
  },
  {
    name: 'mm',
    tree: 'mm',
    url: 'akpm/mm',
    weight: 3,
    share: 250,
    make: (rng, i) => {
      const s = MM_STEMS[i % MM_STEMS.length] ?? 'util';
      const parts = s.split('/');
      const dir = parts.length > 1 ? `mm/${parts[0] ?? ''}` : 'mm';
      const stem = (parts.pop() ?? s).replace(/-/g, '_');
      const names = [`${s.split('/').pop() ?? s}.c`];
      if (rng.chance(0.4)) names.push(`${stem}_${rng.pick(C_SUFFIX)}.c`);
      return { dir, prefix: rng.chance(0.5) ? `mm/${s}` : 'mm', stem, names };
    },
  },
  {
    name: 'include',
    tree: 'tip',
    url: 'tip/tip',
    weight: 2,
    share: 2500,
    make: (rng) => {
      const d = rng.pick(INCLUDE_DIRS);
      const stem = word(rng);
      return { dir: `include/${d}`, prefix: stem, stem, names: [`${stem}.h`, ...(rng.chance(0.3) ? [`${stem}_${rng.pick(C_SUFFIX)}.h`] : [])] };
    },
  },
  {
    name: 'docs',
    tree: 'docs',
    url: 'docs/linux',
    weight: 3,
    share: 2500,
    make: (rng) => {
      if (rng.chance(0.5)) {
        const cls = rng.pick(DT_CLASSES);
        const vendor = rng.pick(DTS_VENDORS);
        const names: string[] = [];
        const n = rng.range(3, 25);
        for (let k = 0; k < n; k++) names.push(`${vendor},${word(rng)}.yaml`);
        return { dir: `Documentation/devicetree/bindings/${cls}`, prefix: `dt-bindings: ${cls}`, stem: cls.replace(/-/g, '_'), names };
      }
      const sub = rng.pick(DOC_SUBS);
      const names: string[] = [];
      const n = rng.range(3, 25);
      for (let k = 0; k < n; k++) names.push(sub.startsWith('ABI') ? `sysfs-${word(rng)}-${word(rng)}` : `${word(rng)}.rst`);
      return { dir: `Documentation/${sub}`, prefix: rng.chance(0.7) ? `docs: ${sub.split('/').pop() ?? sub}` : 'Documentation', stem: 'doc', names };
    },
  },
  {
    name: 'tools',
    tree: 'tools',
    url: 'perf/perf-tools',
    weight: 4,
    share: 2000,
    make: (rng) => {
      if (rng.chance(0.65)) {
        const sub = rng.pick(SELFTESTS);
        const stem = sub.replace(/[^a-z0-9]/g, '_');
        const names: string[] = [];
        const n = rng.range(4, 40);
        for (let k = 0; k < n; k++) names.push(rng.chance(0.4) ? `${word(rng)}_${rng.pick(C_SUFFIX)}.sh` : `${word(rng)}_${rng.pick(C_SUFFIX)}.c`);
        return { dir: `tools/testing/selftests/${sub}`, prefix: rng.chance(0.6) ? `selftests/${sub}` : `selftests: ${sub}`, stem, names };
      }
      const [d, pre] = rng.pick(TOOLS);
      const stem = word(rng);
      return { dir: `tools/${d}`, prefix: `${pre}${pre.startsWith('perf') ? ` ${stem}` : ''}`, stem, names: cNames(rng, stem, rng.range(3, 20), '-') };
    },
  },
  {
    name: 'sound',
    tree: 'sound',
    url: 'tiwai/sound',
    weight: 3,
    share: 1500,
    make: (rng) => {
      const r = rng.next();
      if (r < 0.45) {
        const v = rng.pick(SOUND_VENDORS);
        const stem = word(rng);
        return { dir: `sound/soc/${v}`, prefix: `ASoC: ${v}`, stem, names: cNames(rng, stem, rng.range(3, 25), '-') };
      }
      if (r < 0.8) return flatDriver('sound/soc/codecs', 'ASoC: codecs')(rng);
      const [d, pre] = rng.pick([
        ['pci/hda', 'ALSA: hda'],
        ['usb', 'ALSA: usb-audio'],
        ['core', 'ALSA: core'],
        ['firewire', 'ALSA: firewire'],
      ] as const);
      const stem = word(rng);
      return { dir: `sound/${d}`, prefix: pre, stem, names: cNames(rng, stem, rng.range(3, 20)) };
    },
  },
  {
    name: 'misc',
    tree: 'linux',
    url: 'torvalds/linux',
    weight: 6,
    share: 800,
    make: (rng, i) => {
      const [d, pre, s] = MISC[i % MISC.length] ?? ['lib', 'lib', 'lib'];
      const stem = `${s}_${word(rng)}`;
      if (pre === 'crypto') return { dir: d, prefix: `crypto: ${word(rng)}`, sep: ' - ', stem, names: cNames(rng, stem, rng.range(1, 6)) };
      if (pre === 'lib' || pre === 'scripts') {
        const w = word(rng);
        return { dir: d, prefix: `${pre}/${w}`, stem: `${s}_${w}`, names: [`${w}.c`] };
      }
      return { dir: d, prefix: pre, stem, names: cNames(rng, stem, rng.range(2, 20)) };
    },
  },
];

/** Builds about `target` paths; the result depends only on the generator's seed. */
export function buildUniverse(rng: Rng, target: number, maintainerPool: number): Universe {
  const paths: string[] = ['Makefile', 'MAINTAINERS'];
  const seen = new Set<string>(paths);
  const comps: Component[] = [];
  const families: Family[] = [];
  const totalShare = FAMILIES.reduce((s, f) => s + f.share, 0);
  const headers: number[] = [];
  FAMILIES.forEach((spec, fi) => {
    const budget = Math.round((spec.share / totalShare) * (target - 2));
    const pool: number[] = [];
    for (let k = 0; k < 25; k++) pool.push(rng.int(maintainerPool));
    const ids: number[] = [];
    const weights: number[] = [];
    let made = 0;
    let guard = 0;
    while (made < budget && guard++ < budget * 4) {
      const d = spec.make(rng, ids.length);
      const files: number[] = [];
      for (const name of d.names) {
        if (made >= budget) break;
        const p = `${d.dir}/${name}`;
        if (seen.has(p)) continue;
        seen.add(p);
        files.push(paths.length);
        if (p.startsWith('include/') && p.endsWith('.h')) headers.push(paths.length);
        paths.push(p);
        made++;
      }
      if (files.length === 0) continue;
      const maintainers = [rng.pick(pool)];
      if (rng.chance(0.5)) maintainers.push(rng.pick(pool));
      const weight = Math.sqrt(files.length) * (0.05 + rng.next() ** 3);
      ids.push(comps.length);
      weights.push(weight);
      comps.push({
        id: comps.length,
        family: fi,
        prefix: d.prefix,
        sep: d.sep ?? ': ',
        stem: d.stem.replace(/[^A-Za-z0-9_]/g, '_'),
        files,
        weight,
        maintainers,
      });
    }
    families.push({ name: spec.name, tree: spec.tree, url: spec.url, comps: ids, cum: cumulative(weights) });
  });
  return { paths, comps, families, familyCum: cumulative(FAMILIES.map((f) => f.weight)), headers, makefile: 0, maintainersFile: 1 };
}
