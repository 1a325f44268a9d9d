import { describe, expect, it } from 'vitest';
import { parseTrailers, parsePerson, subjectOf, bodyOf, isStableAddressFor, type Trailer } from '../../src/conventions/trailers.js';
import { DEFAULT_CONVENTIONS, type Conventions } from '../../src/conventions/types.js';

/** The upstream message of the commit in the AUTOSEL seed mail (../shared/seed). */
const SEED = `sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()

[ Upstream commit 14c1da3895a116f4e32c20487046655f26d3999b ]

On systems with >4096 CPUs, scx_kick_cpus_pnt_seqs allocation fails during
boot because it exceeds the 32,768 byte percpu allocator limit.

Restructure to use DEFINE_PER_CPU() for the per-CPU pointers, with each CPU
pointing to its own kvzalloc'd array. Move allocation from boot time to
scx_enable() and free in scx_disable(), so the O(nr_cpu_ids^2) memory is only
consumed when sched_ext is active.

v2: RCU protect scx_kick_seqs to manage kick_cpus_irq_workfn() racing
    against disable as per Andrea.

v3: Fix bugs notcied by Andrea.

Reported-by: Phil Auld <pauld@redhat.com>
Link: http://lkml.kernel.org/r/20251007133523.GA93086@pauld.westford.csb
Cc: Andrea Righi <arighi@nvidia.com>
Reviewed-by: Emil Tsalapatis <emil@etsalapatis.com>
Reviewed-by: Phil Auld <pauld@redhat.com>
Reviewed-by: Andrea Righi <arighi@nvidia.com>
Signed-off-by: Tejun Heo <tj@kernel.org>
Signed-off-by: Sasha Levin <sashal@kernel.org>
`;

function only(ts: Trailer[], kind: Trailer['kind']): Trailer[] {
  return ts.filter((t) => t.kind === kind);
}

function one(message: string, conv?: Conventions): Trailer {
  const ts = parseTrailers(message, conv);
  expect(ts).toHaveLength(1);
  return ts[0] as Trailer;
}

/** A message whose trailer block is `lines`. */
function msg(...lines: string[]): string {
  return `net: fix a thing\n\nSome explanation of the fix.\n\n${lines.join('\n')}\nSigned-off-by: A U Thor <author@example.org>\n`;
}

function fixes(line: string): Trailer {
  const t = parseTrailers(msg(line)).find((x) => x.kind === 'fixes');
  expect(t).toBeDefined();
  return t as Trailer;
}

describe('parseTrailers: the seed kernel message', () => {
  const ts = parseTrailers(SEED);

  it('finds the trailer block in order, with lines, kinds and people', () => {
    expect(ts.map((t) => [t.kind, t.line])).toEqual([
      ['reported-by', 17],
      ['link', 18],
      ['cc', 19],
      ['reviewed-by', 20],
      ['reviewed-by', 21],
      ['reviewed-by', 22],
      ['signed-off-by', 23],
      ['signed-off-by', 24],
    ]);
    expect(ts.every((t) => t.inBlock)).toBe(true);
    expect(ts[0]?.person).toEqual({ name: 'Phil Auld', email: 'pauld@redhat.com' });
    expect(ts[2]).toMatchObject({ kind: 'cc', key: 'Cc', person: { name: 'Andrea Righi', email: 'arighi@nvidia.com' } });
    expect(ts[1]?.value).toBe('http://lkml.kernel.org/r/20251007133523.GA93086@pauld.westford.csb');
  });

  it('does not read changelog paragraphs (v2:, v3:) or markers as trailers', () => {
    expect(ts.some((t) => /^v\d/.test(t.key))).toBe(false);
    expect(ts.some((t) => t.stable)).toBe(false);
  });
});

describe('parseTrailers: kernel stable tags', () => {
  it('plain Cc: stable@vger.kernel.org', () => {
    const t = only(parseTrailers(msg('Cc: stable@vger.kernel.org')), 'stable')[0];
    expect(t).toMatchObject({
      kind: 'stable',
      key: 'Cc',
      stable: { address: 'stable@vger.kernel.org', noautosel: false, annotation: null, versions: [], prerequisites: [], condition: null },
    });
    expect(t?.person).toBeUndefined();
  });

  it('# 6.1.x names a version', () => {
    const t = only(parseTrailers(msg('Cc: stable@vger.kernel.org # 6.1.x')), 'stable')[0];
    expect(t?.stable).toMatchObject({ annotation: '6.1.x', versions: ['6.1'] });
  });

  it.each([
    ['Cc: <stable@vger.kernel.org> # v5.4+', ['5.4']],
    ['Cc: stable@vger.kernel.org # 5.10 and later', ['5.10']],
    ['Cc: stable@vger.kernel.org # 5.15, 6.1, 6.6', ['5.15', '6.1', '6.6']],
    ['Cc: stable@vger.kernel.org # v5.4..v5.15', ['5.4', '5.15']],
    ['Cc: stable@vger.kernel.org # 6.12.y', ['6.12']],
    ['Cc: stable@vger.kernel.org # 2.6.32+', ['2.6.32']],
    ['Cc: stable@vger.kernel.org	# v6.6', ['6.6']],
    ['Cc: stable@vger.kernel.org # see patch description, needs adjustments for <= 6.3', []],
    ['Cc: <stable@vger.kernel.org> [4.19+]', ['4.19']],
  ])('%s → versions %j', (line, versions) => {
    const t = only(parseTrailers(msg(line)), 'stable')[0];
    expect(t?.stable?.versions).toEqual(versions);
  });

  it('# after -rc3 is a condition', () => {
    const t = only(parseTrailers(msg('Cc: <stable@vger.kernel.org> # after -rc3')), 'stable')[0];
    expect(t?.stable).toMatchObject({ address: 'stable@vger.kernel.org', condition: 'after -rc3', versions: [], annotation: 'after -rc3' });
  });

  it('# 3.3.x: a1f84a3: prerequisite names a prerequisite per line', () => {
    const ts = only(
      parseTrailers(
        msg(
          'Cc: <stable@vger.kernel.org> # 3.3.x: a1f84a3: sched: Check for idle',
          'Cc: <stable@vger.kernel.org> # 3.3.x: 1b9508f: sched: Rate-limit newidle',
          'Cc: <stable@vger.kernel.org> # 3.3.x: a1f84a3: prerequisite',
          'Cc: <stable@vger.kernel.org> # 3.3.x',
        ),
      ),
      'stable',
    );
    expect(ts.map((t) => t.stable?.prerequisites)).toEqual([['a1f84a3'], ['1b9508f'], ['a1f84a3'], []]);
    expect(ts.every((t) => t.stable?.versions[0] === '3.3')).toBe(true);
  });

  it('stable+noautosel@kernel.org is a stable tag with noautosel', () => {
    const t = only(parseTrailers(msg('Cc: <stable+noautosel@kernel.org> # reason goes here, and must be present')), 'stable')[0];
    expect(t?.stable).toMatchObject({
      address: 'stable+noautosel@kernel.org',
      noautosel: true,
      annotation: 'reason goes here, and must be present',
      versions: [],
    });
    const bare = only(parseTrailers(msg('Cc: stable+noautosel@kernel.org # needs manual backport')), 'stable')[0];
    expect(bare?.stable?.noautosel).toBe(true);
  });

  it('accepts a display name, upper-case key and address', () => {
    const a = only(parseTrailers(msg('Cc: "Stable" <stable@vger.kernel.org>')), 'stable')[0];
    expect(a?.stable?.address).toBe('stable@vger.kernel.org');
    const b = only(parseTrailers(msg('CC: Stable@Vger.Kernel.Org # 6.6')), 'stable')[0];
    expect(b).toMatchObject({ key: 'CC', stable: { address: 'stable@vger.kernel.org', versions: ['6.6'] } });
    const c = only(parseTrailers(msg('cc: <stable@kernel.org>')), 'stable')[0];
    expect(c?.stable?.address).toBe('stable@kernel.org');
  });

  it('takes the stable address out of a list of addresses', () => {
    const t = only(parseTrailers(msg('Cc: linux-mm@kvack.org, stable@vger.kernel.org')), 'stable')[0];
    expect(t?.stable?.address).toBe('stable@vger.kernel.org');
  });

  it('does not take addresses that merely contain "stable@"', () => {
    const ts = parseTrailers(msg('Cc: Joe Unstable <unstable@example.org>'));
    expect(only(ts, 'stable')).toEqual([]);
    expect(only(ts, 'cc')[0]?.person).toEqual({ name: 'Joe Unstable', email: 'unstable@example.org' });
  });

  it('To: stable@ in the trailer block is a stable tag; a quoted mail header mid-body is not', () => {
    expect(only(parseTrailers(msg('To: stable@vger.kernel.org')), 'stable')).toHaveLength(1);
    const quoted = `mm: fix\n\nThe report:\n\nFrom: someone\nTo: stable@vger.kernel.org\nSubject: oops\nThat was all the mail said, really.\n\nSigned-off-by: A <a@b>\n`;
    expect(only(parseTrailers(quoted), 'stable')).toEqual([]);
  });

  it('Stable-dep-of: names the commit that needs this one', () => {
    const m = `mm: prepare for the fix\n\n[ Upstream commit 0123456789abcdef0123456789abcdef01234567 ]\n\nRefactor.\n\nSigned-off-by: A <a@b>\nStable-dep-of: 89abcdef0123 ("mm: fix the thing")\nSigned-off-by: Sasha Levin <sashal@kernel.org>\n`;
    const t = only(parseTrailers(m), 'stable-dep-of')[0];
    expect(t?.ref).toEqual({ prefix: '89abcdef0123', subject: 'mm: fix the thing' });
  });
});

describe('parseTrailers: other projects’ stable requests', () => {
  it('DPDK: Fixes:/Cc: stable@dpdk.org in their own paragraph, with Bugzilla ID and Coverity issue', () => {
    const m = `net/mlx5: fix Rx queue recovery

The Rx queue recovery mechanism failed to restart the queue
when the CQE error occurred at a wrap-around.

Bugzilla ID: 1234
Coverity issue: 383136
Fixes: 88c0733535d6 ("net/mlx5: extend Rx completion with error handling")
CC: stable@dpdk.org

Signed-off-by: Viacheslav Ovsiienko <viacheslavo@nvidia.com>
Acked-by: Dariusz Sosnowski <dsosnowski@nvidia.com>
`;
    const ts = parseTrailers(m);
    expect(ts.map((t) => t.kind)).toEqual(['other', 'other', 'fixes', 'stable', 'signed-off-by', 'acked-by']);
    expect(ts.every((t) => t.inBlock)).toBe(true);
    expect(ts[0]).toMatchObject({ key: 'Bugzilla ID', value: '1234' });
    expect(ts[1]).toMatchObject({ key: 'Coverity issue', value: '383136' });
    expect(ts[2]?.ref).toEqual({ prefix: '88c0733535d6', subject: 'net/mlx5: extend Rx completion with error handling' });
    expect(ts[3]?.stable?.address).toBe('stable@dpdk.org');
  });

  it('QEMU, Mesa', () => {
    expect(only(parseTrailers(msg('Cc: qemu-stable@nongnu.org')), 'stable')[0]?.stable?.address).toBe('qemu-stable@nongnu.org');
    const mesa = only(parseTrailers(msg('Cc: mesa-stable')), 'stable')[0];
    expect(mesa).toMatchObject({ kind: 'stable', stable: { address: 'mesa-stable', versions: [] } });
    const mesa2 = only(parseTrailers(msg('Cc: "20.0" <mesa-stable@lists.freedesktop.org>')), 'stable')[0];
    expect(mesa2?.stable).toMatchObject({ address: 'mesa-stable@lists.freedesktop.org', versions: ['20.0'] });
  });

  it('Backport-to: and Xen’s Backport: are stable tags of kind backport-to', () => {
    const a = only(parseTrailers(msg('Backport-to: 6.12')), 'backport-to')[0];
    expect(a?.stable).toEqual({ address: '', noautosel: false, annotation: null, versions: ['6.12'], prerequisites: [], condition: null });
    const b = only(parseTrailers(msg('Backport-to: 24.3, 25.0')), 'backport-to')[0];
    expect(b?.stable?.versions).toEqual(['24.3', '25.0']);
    const xen = `x86/ept: fix shattering of special pages\n\nExplanation.\n\nFixes: c2b3ddb8cbb9 ("x86/ept: fix mapping of special pages")\nSigned-off-by: Roger Pau Monné <roger.pau@citrix.com>\nReviewed-by: Jan Beulich <jbeulich@suse.com>\nBackport: 4.9+\n`;
    const c = only(parseTrailers(xen), 'backport-to')[0];
    expect(c).toMatchObject({ key: 'Backport', stable: { versions: ['4.9'] } });
  });
});

describe('parseTrailers: fixes-like values', () => {
  it('the kernel form', () => {
    const t = fixes('Fixes: 14c1da3895a1 ("sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()")');
    expect(t.ref).toEqual({ prefix: '14c1da3895a1', subject: 'sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()' });
    expect(t.malformed).toBeUndefined();
    expect(t.key).toBe('Fixes');
  });

  it.each([
    ['Fixes: 14c1da3895a1', '14c1da3895a1', null],
    ['Fixes: 485ab1b5db0f358625fafe2df4e41e3ef008aed8', '485ab1b5db0f358625fafe2df4e41e3ef008aed8', null],
    ['Fixes: commit 14c1da3895a1 ("sched_ext: foo")', '14c1da3895a1', 'sched_ext: foo'],
    ['Fixes: 14C1DA3895A1 ("sched_ext: foo")', '14c1da3895a1', 'sched_ext: foo'],
    ['fixes: 14c1da3895a1 ("sched_ext: foo")', '14c1da3895a1', 'sched_ext: foo'],
    ['Fixes: 6006818cfb26("net: new checksum functions")', '6006818cfb26', 'net: new checksum functions'],
    ["Fixes: e4865c2315 ('Page offline support in Xen side')", 'e4865c2315', 'Page offline support in Xen side'],
    ['Fixes: 463b958317 (xen:rtds: towards work conserving RTDS)', '463b958317', 'xen:rtds: towards work conserving RTDS'],
    ['Fixes: a1711f (“pipeline: add SWX Rx and extract instructions“)', 'a1711f', 'pipeline: add SWX Rx and extract instructions'],
    [
      'Fixes: 3a1a7b809ffa "drivers/char: mark DMA buffers as reserved for the XHCI"',
      '3a1a7b809ffa',
      'drivers/char: mark DMA buffers as reserved for the XHCI',
    ],
    ['Fixes: 1234 ("foo: bar")', '1234', 'foo: bar'],
    ['Fixes: abcd ("foo: bar")', 'abcd', 'foo: bar'],
  ])('%s', (line, prefix, subject) => {
    expect(fixes(line).ref).toEqual({ prefix, subject });
  });

  it('keeps quotes and parentheses inside the subject, up to the last ")', () => {
    expect(fixes('Fixes: 0123456789ab ("foo: handle "bar" (baz)")').ref?.subject).toBe('foo: handle "bar" (baz)');
    expect(fixes('Fixes: 6eede548df21 (\'symbols: avoid emitting "end" symbols for data items\')').ref?.subject).toBe(
      'symbols: avoid emitting "end" symbols for data items',
    );
    expect(fixes('Fixes: 399384e0c819 ("x86-64: Add GLIBC_ABI_DT_X86_64_PLT [BZ #33212]")').ref?.subject).toBe(
      'x86-64: Add GLIBC_ABI_DT_X86_64_PLT [BZ #33212]',
    );
  });

  it('reads real-world slips: swapped )" and a quote closed before "...)', () => {
    expect(fixes('Fixes: de6d188a519f ("hvmloader: flip "ACPI data" to "ACPI NVS" type for ACPI table region)"').ref?.subject).toBe(
      'hvmloader: flip "ACPI data" to "ACPI NVS" type for ACPI table region',
    );
    expect(fixes('Fixes: fc41b5c1fdbe ("Extend the range abstraction"...)').ref?.subject).toBe('Extend the range abstraction');
    expect(fixes('Fixes: c1488502c949("grant-tables: do not fail attempts to...")').ref?.subject).toBe('grant-tables: do not fail attempts to...');
  });

  it('joins a subject wrapped onto an indented next line', () => {
    const ts = parseTrailers(
      msg('Fixes: 1d2b4f3049fd ("xen/arm, doc: Add a DT property to specify the', '  location of the kernel image")', 'Cc: stable@vger.kernel.org'),
    );
    const t = only(ts, 'fixes')[0];
    expect(t?.ref?.subject).toBe('xen/arm, doc: Add a DT property to specify the location of the kernel image');
    expect(t?.value).toBe('1d2b4f3049fd ("xen/arm, doc: Add a DT property to specify the location of the kernel image")');
    expect(t?.line).toBe(4);
    expect(only(ts, 'stable')).toHaveLength(1);
  });

  it('joins a subject that closes on the next, unindented line', () => {
    const ts = parseTrailers(msg('Fixes: 5948dc16759c ("xen/arm: add support for cache coloring', 'configuration via device-tree")'));
    expect(only(ts, 'fixes')[0]?.ref?.subject).toBe('xen/arm: add support for cache coloring configuration via device-tree');
    expect(ts.filter((t) => t.kind === 'other')).toEqual([]);
  });

  it('does not swallow the next trailer when a subject is never closed', () => {
    const ts = parseTrailers(msg('Fixes: 5948dc16759c ("xen/arm: add support for cache coloring', 'Reviewed-by: R <r@e.org>'));
    expect(only(ts, 'fixes')[0]?.ref?.subject).toBe('xen/arm: add support for cache coloring');
    expect(only(ts, 'reviewed-by')).toHaveLength(1);
  });

  it.each([
    ['Fixes: #1234', 'an issue reference, not a commit id'],
    ['Fixes: https://github.com/systemd/systemd/issues/32199', 'a URL, not a commit id'],
    ['Fixes: CID#1548023', 'an issue reference, not a commit id'],
    ['Fixes: BZ #33796', 'an issue reference, not a commit id'],
    ['Fixes: RHEL-12345', 'an issue reference, not a commit id'],
    ['Fixes: abc', 'commit id too short (3 hex digits, need at least 4)'],
    ['Fixes: 1092', 'looks like an issue number, not a commit id'],
    ['Fixes: Yet another hardware trainwreck', 'not a commit id'],
    ['Fixes: deadbeef', 'not a commit id (no digits)'],
    ['Fixes: systemd/systemd#18935', 'not a commit id'],
  ])('%s → malformed', (line, why) => {
    const t = fixes(line);
    expect(t.ref).toBeUndefined();
    expect(t.malformed).toBe(why);
  });

  it('reads a commit URL as a ref', () => {
    expect(fixes('Fixes: https://github.com/systemd/systemd/commit/4a9d8aa3d3a1e1f8a2c2b8e0a5a1b2c3d4e5f607').ref).toEqual({
      prefix: '4a9d8aa3d3a1e1f8a2c2b8e0a5a1b2c3d4e5f607',
      subject: null,
    });
    expect(
      fixes('Fixes: https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=c6e9d6f38894798696f23c8084ca7edbf16ee895').ref?.prefix,
    ).toBe('c6e9d6f38894798696f23c8084ca7edbf16ee895');
  });

  it('commit URLs of other forges are refs; bug tracker URLs with ids are not', () => {
    expect(fixes('Fixes: https://gitlab.freedesktop.org/mesa/mesa/-/commit/0123456789abcdef0123456789abcdef01234567').ref?.prefix).toBe(
      '0123456789abcdef0123456789abcdef01234567',
    );
    expect(fixes('Fixes: https://sourceware.org/git/?p=glibc.git;a=commit;h=3014dec3ad47260283cfc8f7199b31c2ac3083f0').ref?.prefix).toBe(
      '3014dec3ad47260283cfc8f7199b31c2ac3083f0',
    );
    expect(fixes('Fixes: https://bugzilla.redhat.com/show_bug.cgi?id=2105255').malformed).toBe('a URL, not a commit id');
    expect(fixes('Fixes: https://github.com/util-linux/util-linux/pull/4568').malformed).toBe('a URL, not a commit id');
  });

  it('reads Fixes: anywhere in the body, marking it as outside the block', () => {
    const m = `doc: update features in hns3 guide

Update the features for hns3.

- "Basic stats" and "Extended stats" supported by
Fixes: 8839c5e202f3 ("net/hns3: support device stats")

- "Traffic Management API" supported by
Fixes: c09c7847d892 ("net/hns3: support traffic management")

Cc: stable@dpdk.org

Signed-off-by: Huisong Li <lihuisong@huawei.com>
`;
    const fx = only(parseTrailers(m), 'fixes');
    expect(fx.map((t) => [t.ref?.prefix, t.line, t.inBlock])).toEqual([
      ['8839c5e202f3', 5, false],
      ['c09c7847d892', 8, false],
    ]);
  });

  it('an empty Fixes: with the id on the next line', () => {
    expect(fixes('Fixes:\n  0123456789ab ("foo: bar")').ref).toEqual({ prefix: '0123456789ab', subject: 'foo: bar' });
    const prose = `core: fix build\n\nFixes:\n../src/core/restrict-ifaces.c:45:14: error: no member named rodata\n\nSigned-off-by: A <a@b>\n`;
    expect(only(parseTrailers(prose), 'fixes')[0]?.malformed).toBe('empty value');
  });

  it('a value naming several commits', () => {
    const t = fixes('Fixes: 0123456789ab, 89abcdef0123');
    expect(t.ref?.prefix).toBe('0123456789ab');
    expect(t.moreRefs).toEqual([{ prefix: '89abcdef0123', subject: null }]);
  });
});

describe('parseTrailers: systemd, util-linux, glibc', () => {
  it('systemd Follow-up for: / Follow-up-for: / Follow-up to:', () => {
    for (const key of ['Follow-up for', 'Follow-up-for', 'Follow-up to', 'follow-up for']) {
      const t = one(`resolved: fix a leak\n\nExplanation.\n\n${key}: 0123abcd\n`);
      expect(t).toMatchObject({ kind: 'fixes', key, ref: { prefix: '0123abcd', subject: null }, inBlock: true });
    }
  });

  it('systemd prose: Follow-up for <sha>. mid-body, also over two lines', () => {
    const m = `man/systemd-soft-reboot.service: upgrade drop-in to unit file for slice

Follow-up for d91c7c91bf5de3b12cc2b29dd8b5ad49f29448ef.
Closes https://github.com/systemd/systemd/issues/33260.
`;
    const t = one(m);
    expect(t).toMatchObject({ kind: 'fixes', key: 'Follow-up for', prose: true, line: 2, ref: { prefix: 'd91c7c91bf5de3b12cc2b29dd8b5ad49f29448ef' } });
    const two = `shared: fix typo: dito -> ditto

Follow-up for bc9e5a4c67f5fff536d122118e16a53dfb592acd and
3572d3df8f822d4cf1601428401a837f723771cf.
`;
    const u = one(two);
    expect(u.ref?.prefix).toBe('bc9e5a4c67f5fff536d122118e16a53dfb592acd');
    expect(u.moreRefs).toEqual([{ prefix: '3572d3df8f822d4cf1601428401a837f723771cf', subject: null }]);
  });

  it('systemd: Fixes: #1234 and prose issue references', () => {
    const m = `udev: fix a crash\n\nFollow-up for #32666.\nFixes: #30425\n`;
    const ts = parseTrailers(m);
    expect(ts).toHaveLength(1);
    expect(ts[0]).toMatchObject({ kind: 'fixes', malformed: 'an issue reference, not a commit id' });
  });

  it('systemd prose with a commit URL', () => {
    const t = one(`core: foo\n\nFollow-up for https://github.com/systemd/systemd/commit/02f35b1c905ac63ba62f94efebf858412e961fc1\n`);
    expect(t.ref?.prefix).toBe('02f35b1c905ac63ba62f94efebf858412e961fc1');
  });

  it('util-linux Addresses: an issue URL or #123 is malformed; a sha is a ref', () => {
    const m = `lsblk: fix --tree for partitions

Signed-off-by: Karel Zak <kzak@redhat.com>
Addresses: https://github.com/util-linux/util-linux/issues/3372
Addresses: #4073
Addresses: https://bugzilla.redhat.com/show_bug.cgi?id=2105255
Addresses: 5c6f8a3d7e2b
`;
    const fx = only(parseTrailers(m), 'fixes');
    expect(fx.map((t) => [t.key, t.ref?.prefix ?? null, t.malformed ?? null])).toEqual([
      ['Addresses', null, 'a URL, not a commit id'],
      ['Addresses', null, 'an issue reference, not a commit id'],
      ['Addresses', null, 'a URL, not a commit id'],
      ['Addresses', '5c6f8a3d7e2b', null],
    ]);
  });

  it('glibc prose: Fixes commit <sha> with the subject on the next line', () => {
    const m = `x86: Fix the build

Fixes commit 3014dec3ad47260283cfc8f7199b31c2ac3083f0
('x86: Remove obsolete "*&" GCC asm memory operand workaround')

Reviewed-by: H.J. Lu <hjl.tools@gmail.com>
(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)
`;
    const ts = parseTrailers(m);
    expect(ts.map((t) => t.kind)).toEqual(['fixes', 'reviewed-by']);
    expect(ts[0]).toMatchObject({
      key: 'Fixes commit',
      prose: true,
      inBlock: false,
      ref: { prefix: '3014dec3ad47260283cfc8f7199b31c2ac3083f0', subject: 'x86: Remove obsolete "*&" GCC asm memory operand workaround' },
    });
    expect(ts[1]?.inBlock).toBe(true);
  });

  it('prose needs a plausible id: no bug numbers, no words', () => {
    expect(parseTrailers(`libio: fix\n\nFixes bug 32786.\nFixes 2123456 in RH bugzilla.\nFixes decade-old behaviour.\n`)).toEqual([]);
  });
});

describe('parseTrailers: what is and is not a trailer', () => {
  it('unknown keys count only in the trailer block', () => {
    const m = `ethdev: add a flag

Some context: the flag was missing.
ethdev: this line looks like a subject but sits mid-body.

Change-Id: I0123456789abcdef
Signed-off-by: A U Thor <author@example.org>
Co-authored-by: Helper <helper@example.org>
`;
    const ts = parseTrailers(m);
    expect(ts.map((t) => [t.kind, t.key])).toEqual([
      ['other', 'Change-Id'],
      ['signed-off-by', 'Signed-off-by'],
      ['other', 'Co-authored-by'],
    ]);
    expect(ts[2]?.person).toEqual({ name: 'Helper', email: 'helper@example.org' });
  });

  it('a final paragraph of prose is not a trailer block; one of Key: value lines is', () => {
    expect(parseTrailers(`foo: bar\n\nThis fixes the following warning:\n  warning: unused variable\n`)).toEqual([]);
    const ts = parseTrailers(`foo: bar\n\nExplanation.\n\nChange-Id: I0123\nBug: 12345\n`);
    expect(ts.map((t) => t.key)).toEqual(['Change-Id', 'Bug']);
    expect(parseTrailers(`journal: fix\n\nLog:\n\nMar 13 04:12:11 host systemd[1]: Started foo.\nMar 13 04:12:12 host systemd[1]: Stopped foo.\n`)).toEqual([]);
  });

  it('URLs and indented lines are not keys', () => {
    expect(parseTrailers(`foo: bar\n\nSee\nhttps://example.org/x\n    Fixes: 0123456789ab ("quoted in a code block")\n`)).toEqual([]);
  });

  it('Message-ID, Message-Id, Closes, Link', () => {
    const ts = parseTrailers(
      msg(
        'Message-ID: <20251007133523.GA93086@pauld>',
        'Message-Id: <x@y>',
        'Closes: https://bugzilla.kernel.org/show_bug.cgi?id=1',
        'Link: https://lore.kernel.org/r/x',
      ),
    );
    expect(ts.map((t) => t.kind)).toEqual(['message-id', 'message-id', 'closes', 'link', 'signed-off-by']);
  });

  it('all people kinds', () => {
    const ts = parseTrailers(
      msg(
        'Reported-by: syzbot+0123456789abcdef@syzkaller.appspotmail.com',
        'Suggested-by: Linus Torvalds <torvalds@linux-foundation.org>',
        'Co-developed-by: "Doe, Jane" <jane@example.org>',
        'Tested-by: Jan Beulich',
        'Acked-by: Jan Beulich <jbeulich@suse.com> # x86',
        'Reviewed-by: Roger Pau Monné <roger.pau@citrix.com>',
      ),
    );
    expect(ts.map((t) => [t.kind, t.person])).toEqual([
      ['reported-by', { name: '', email: 'syzbot+0123456789abcdef@syzkaller.appspotmail.com' }],
      ['suggested-by', { name: 'Linus Torvalds', email: 'torvalds@linux-foundation.org' }],
      ['co-developed-by', { name: 'Doe, Jane', email: 'jane@example.org' }],
      ['tested-by', { name: 'Jan Beulich', email: null }],
      ['acked-by', { name: 'Jan Beulich', email: 'jbeulich@suse.com' }],
      ['reviewed-by', { name: 'Roger Pau Monné', email: 'roger.pau@citrix.com' }],
      ['signed-off-by', { name: 'A U Thor', email: 'author@example.org' }],
    ]);
  });

  it('CRLF line ends', () => {
    const ts = parseTrailers('foo: bar\r\n\r\nBody.\r\n\r\nFixes: 0123456789ab ("foo: baz")\r\nCc: stable@vger.kernel.org # 6.1\r\n');
    expect(ts.map((t) => t.kind)).toEqual(['fixes', 'stable']);
    expect(ts[0]?.ref?.subject).toBe('foo: baz');
    expect(ts[1]?.stable?.versions).toEqual(['6.1']);
  });

  it('bails out on messages without trailers', () => {
    expect(parseTrailers('one line only')).toEqual([]);
    expect(parseTrailers('Fixes: 0123456789ab ("a subject is not a trailer")')).toEqual([]);
    expect(parseTrailers('update po files\n\nNothing else here at all\n')).toEqual([]);
    expect(parseTrailers('')).toEqual([]);
  });

  it('the subject line is never a trailer', () => {
    expect(parseTrailers('Fixes: 0123456789ab ("x")\n\nBody.\n')).toEqual([]);
  });
});

describe('parseTrailers: stable-branch commits of other projects', () => {
  it('Samba: BUG: paragraph, Autobuild lines, cherry-pick line', () => {
    const m = `s3:smbd: fix a use-after-free in the close path

The fsp was freed before the notify message was sent.

BUG: https://bugzilla.samba.org/show_bug.cgi?id=15700

Signed-off-by: Volker Lendecke <vl@samba.org>
Reviewed-by: Ralph Boehme <slow@samba.org>

Autobuild-User(master): Volker Lendecke <vl@samba.org>
Autobuild-Date(master): Tue Sep 24 09:12:52 UTC 2024 on atb-devel-224

(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)
`;
    const ts = parseTrailers(m);
    expect(ts.map((t) => [t.kind, t.inBlock])).toEqual([
      ['signed-off-by', true],
      ['reviewed-by', true],
    ]);
  });

  it('Xen: the trailers of a stable pick stay trailers', () => {
    const m = `x86/pod: do not reclaim special pages for PoD cache

This is XSA-507 / CVE-2026-62434.

Fixes: 41aa0b62699e ("PoD memory 4/9: Decrease reservation")
Signed-off-by: Roger Pau Monné <roger.pau@citrix.com>
Reviewed-by: Jan Beulich <jbeulich@suse.com>
master commit: 372497ce42bdd56f8f7052c9154e9201d7ecf8fd
master date: 2026-03-24 12:04:46 +0100
`;
    const ts = parseTrailers(m);
    expect(ts.map((t) => t.key)).toEqual(['Fixes', 'Signed-off-by', 'Reviewed-by', 'master commit', 'master date']);
    expect(ts[0]?.ref?.subject).toBe('PoD memory 4/9: Decrease reservation');
    expect(ts.slice(3).every((t) => t.kind === 'other')).toBe(true);
  });
});

describe('parseTrailers: conventions', () => {
  it('extra fixes keys and stable addresses', () => {
    const conv: Conventions = {
      ...DEFAULT_CONVENTIONS,
      fixesKeys: [...DEFAULT_CONVENTIONS.fixesKeys, 'Bug-Introduced-By'],
      stableAddresses: ['/^maint-.*@example\\.org$/', 'backports@'],
      stableKeys: ['cherry-pick-to'],
    };
    const ts = parseTrailers(
      msg(
        'Bug-introduced-by: 0123456789ab ("foo: bar")',
        'Cc: maint-2.x@example.org',
        'Cc: backports@lists.example.org',
        'Cc: stable@vger.kernel.org',
        'Cherry-pick-to: 2.4',
        'Backport-to: 6.12',
      ),
      conv,
    );
    expect(ts.map((t) => t.kind)).toEqual(['fixes', 'stable', 'stable', 'cc', 'backport-to', 'other', 'signed-off-by']);
    expect(ts[4]?.stable?.versions).toEqual(['2.4']);
  });

  it('isStableAddressFor', () => {
    expect(isStableAddressFor('Stable@vger.kernel.org')).toBe(true);
    expect(isStableAddressFor('linux-stable@example.org')).toBe(true); // 'stable@' after a non-alphanumeric
    expect(isStableAddressFor('qemu-stable@nongnu.org')).toBe(true);
    expect(isStableAddressFor('unstable@example.org')).toBe(false);
  });
});

describe('subjectOf, bodyOf, parsePerson', () => {
  it('subjectOf is the first line', () => {
    expect(subjectOf(SEED)).toBe('sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()');
    expect(subjectOf('only')).toBe('only');
    expect(subjectOf('crlf\r\n\r\nbody')).toBe('crlf');
  });

  it('bodyOf drops the subject, the blank lines after it and trailing space', () => {
    expect(bodyOf('subj\n\n\nline 1\nline 2\n\n')).toBe('line 1\nline 2');
    expect(bodyOf('subj')).toBe('');
    expect(bodyOf(SEED).startsWith('[ Upstream commit')).toBe(true);
  });

  it('parsePerson', () => {
    expect(parsePerson('Tejun Heo <tj@kernel.org>')).toEqual({ name: 'Tejun Heo', email: 'tj@kernel.org' });
    expect(parsePerson('tj@kernel.org (Tejun Heo)')).toEqual({ name: 'Tejun Heo', email: 'tj@kernel.org' });
    expect(parsePerson('"Stable" <stable@vger.kernel.org>')).toEqual({ name: 'Stable', email: 'stable@vger.kernel.org' });
    expect(parsePerson('Somebody')).toEqual({ name: 'Somebody', email: null });
  });
});
