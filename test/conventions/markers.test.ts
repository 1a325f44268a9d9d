import { describe, expect, it } from 'vitest';
import { parseMarkers, parseRevert, revertedSubject, upstreamMarker, type Marker } from '../../src/conventions/markers.js';

const SHA = '14c1da3895a116f4e32c20487046655f26d3999b';
const SHA2 = '05e63305c85c8a1f0e2b3c4d5e6f708192a3b4c5';
const SHA3 = '372497ce42bdd56f8f7052c9154e9201d7ecf8fd';

function kinds(ms: readonly Marker[]): [string, string, number][] {
  return ms.map((m) => [m.kind, m.prefix, m.line]);
}

describe('parseMarkers', () => {
  it('kernel stable (AUTOSEL): [ Upstream commit X ]', () => {
    const m = `sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()

[ Upstream commit ${SHA} ]

On systems with >4096 CPUs, scx_kick_cpus_pnt_seqs allocation fails during
boot because it exceeds the 32,768 byte percpu allocator limit.

Signed-off-by: Tejun Heo <tj@kernel.org>
Signed-off-by: Sasha Levin <sashal@kernel.org>
`;
    expect(kinds(parseMarkers(m))).toEqual([['upstream-commit', SHA, 2]]);
  });

  it.each([
    [`[ upstream commit ${SHA} ]`],
    [`[upstream commit ${SHA} ]`],
    [`[Upstream commit ${SHA}]`],
    [`[  Upstream   commit   ${SHA}  ]`],
    [`[ upstream commit: ${SHA} ]`],
    [`[ Upstream commit ${SHA.toUpperCase()} ]`],
  ])('DPDK and variants: %s', (line) => {
    const m = `event/cnxk: fix Rx offload flags\n\n${line}\n\nUse device configured Rx offloads.\n\nFixes: e8594de2731d ("event/cnxk: implement event port quiesce function")\n\nSigned-off-by: Pavan Nikhilesh <pbhagavatula@marvell.com>\n`;
    expect(kinds(parseMarkers(m))).toEqual([['upstream-commit', SHA, 2]]);
  });

  it('ignores [ adapted ... ] and [ Sasha: ... ] notes after the marker', () => {
    const m = `mm: fix\n\n[ Upstream commit ${SHA} ]\n[ adapted to the 6.1 folio API ]\n\nBody.\n\n[ Sasha: dropped hunk in foo.c, 0123456789ab not in this tree ]\nSigned-off-by: Sasha Levin <sashal@kernel.org>\n`;
    expect(kinds(parseMarkers(m))).toEqual([['upstream-commit', SHA, 2]]);
  });

  it('kernel stable (Greg): commit X upstream. at the start of the body, with or without the dot', () => {
    const m = `USB: serial: option: add Telit FN920C04 MBIM compositions\n\ncommit ${SHA} upstream.\n\nAdd the following Telit FN920C04 compositions.\n\nCc: stable@vger.kernel.org\nSigned-off-by: Johan Hovold <johan@kernel.org>\nSigned-off-by: Greg Kroah-Hartman <gregkh@linuxfoundation.org>\n`;
    expect(kinds(parseMarkers(m))).toEqual([['commit-upstream', SHA, 2]]);
    expect(kinds(parseMarkers(`x\n\ncommit ${SHA} upstream\n\nbody\n`))).toEqual([['commit-upstream', SHA, 2]]);
    expect(kinds(parseMarkers(`x\n\nCommit  ${SHA}  upstream.\n`))).toEqual([['commit-upstream', SHA, 2]]);
  });

  it('Upstream commit X alone on a line', () => {
    expect(kinds(parseMarkers(`net: fix\n\nUpstream commit ${SHA}\n\nBody.\n`))).toEqual([['upstream-commit', SHA, 2]]);
    expect(kinds(parseMarkers(`net: fix\n\nUpstream commit: ${SHA}.\n`))).toEqual([['upstream-commit', SHA, 2]]);
  });

  it('does not take prose that mentions an upstream commit', () => {
    expect(parseMarkers(`net: fix\n\nThe upstream commit ${SHA} changed this, see\ncommit ${SHA2} upstream for the rest of it.\n`)).toEqual([]);
    expect(parseMarkers(`net: fix\n\nUpstream commit ${SHA} introduced a regression.\n`)).toEqual([]);
  });

  it('(cherry picked from commit X): several, anywhere, last one last', () => {
    const m = `resolved: fix a leak

Explanation.

(cherry picked from commit ${SHA})
(cherry picked from commit ${SHA2})
`;
    const ms = parseMarkers(m);
    expect(kinds(ms)).toEqual([
      ['cherry-picked', SHA, 4],
      ['cherry-picked', SHA2, 5],
    ]);
    expect(upstreamMarker(ms)?.prefix).toBe(SHA2);
    expect(kinds(parseMarkers(`x\n\nBackport of the fix (cherry picked from commit ${SHA.slice(0, 12)})\n`))).toEqual([['cherry-picked', SHA.slice(0, 12), 2]]);
    expect(kinds(parseMarkers(`x\n\n(cherry-picked from ${SHA})\n`))).toEqual([['cherry-picked', SHA, 2]]);
  });

  it('Xen: master commit: X / master date:', () => {
    const m = `x86/pod: do not reclaim special pages for PoD cache

When doing PoD cache reclaim as part of a decrease reservation call, avoid
reclaiming special pages for the PoD cache.

Fixes: 41aa0b62699e ("PoD memory 4/9: Decrease reservation")
Signed-off-by: Roger Pau Monné <roger.pau@citrix.com>
Reviewed-by: Jan Beulich <jbeulich@suse.com>
master commit: ${SHA3}
master date: 2026-03-24 12:04:46 +0100
`;
    expect(kinds(parseMarkers(m))).toEqual([['xen-master', SHA3, 8]]);
  });

  it('Xen: two master commits squashed into one pick → the first names the upstream', () => {
    const m = `xen/arm: fix\n\nBody.\n\nSigned-off-by: M <m@amd.com>\nmaster commit: ${SHA}\nmaster date: 2025-12-05 18:06:19 +0000\nmaster commit: ${SHA2}\nmaster date: 2026-01-05 10:33:03 +0000\n`;
    const ms = parseMarkers(m);
    expect(ms.map((x) => x.prefix)).toEqual([SHA, SHA2]);
    expect(upstreamMarker(ms)?.prefix).toBe(SHA);
  });

  it('Stable-dep-of: X ("subject") is a marker that never names the upstream', () => {
    const m = `mm: prepare\n\n[ Upstream commit ${SHA} ]\n\nBody.\n\nSigned-off-by: A <a@b>\nStable-dep-of: ${SHA2.slice(0, 12)} ("mm: fix the "thing" (really)")\nSigned-off-by: Sasha Levin <sashal@kernel.org>\n`;
    const ms = parseMarkers(m);
    expect(ms).toEqual([
      { kind: 'upstream-commit', prefix: SHA, line: 2 },
      { kind: 'stable-dep-of', prefix: SHA2.slice(0, 12), line: 7, subject: 'mm: fix the "thing" (really)' },
    ]);
    expect(upstreamMarker(ms)?.kind).toBe('upstream-commit');
    expect(upstreamMarker(ms.filter((x) => x.kind === 'stable-dep-of'))).toBeUndefined();
  });

  it('Ubuntu: (backported from commit X) and the -x line of a chained pick', () => {
    const m = `UBUNTU: SAUCE: fix\n\nBugLink: https://bugs.launchpad.net/bugs/2000000\n\n(backported from commit ${SHA} linux-next)\nSigned-off-by: U <u@canonical.com>\n`;
    const ms = parseMarkers(m);
    expect(kinds(ms)).toEqual([['backported-from', SHA, 4]]);
    expect(upstreamMarker(ms)?.prefix).toBe(SHA);
  });

  it('never reads the subject line, and needs at least 7 hex digits', () => {
    expect(parseMarkers(`commit ${SHA} upstream\n\nbody\n`)).toEqual([]);
    expect(parseMarkers(`x\n\n(cherry picked from commit 0123ab)\n`)).toEqual([]);
    expect(parseMarkers(`x\n\n(cherry picked from commit ${SHA}0)\n`)).toEqual([]);
  });

  it('CRLF messages', () => {
    expect(kinds(parseMarkers(`x\r\n\r\ncommit ${SHA} upstream.\r\n\r\n(cherry picked from commit ${SHA2})\r\n`))).toEqual([
      ['commit-upstream', SHA, 2],
      ['cherry-picked', SHA2, 4],
    ]);
  });

  it('nothing to find', () => {
    expect(parseMarkers('')).toEqual([]);
    expect(parseMarkers('net: fix\n\nA plain body mentioning master and commits.\n')).toEqual([]);
  });
});

describe('upstreamMarker', () => {
  const up: Marker = { kind: 'upstream-commit', prefix: SHA, line: 2 };
  const cu: Marker = { kind: 'commit-upstream', prefix: SHA3, line: 3 };
  const cp1: Marker = { kind: 'cherry-picked', prefix: SHA2, line: 9 };
  const cp2: Marker = { kind: 'cherry-picked', prefix: SHA3, line: 10 };
  const dep: Marker = { kind: 'stable-dep-of', prefix: SHA2, line: 8 };

  it('a -x line wins over [ Upstream commit ], and the last -x line wins', () => {
    expect(upstreamMarker([up, cp1, cp2])).toBe(cp2);
    expect(upstreamMarker([dep, cp1])).toBe(cp1);
  });

  it('else the first of upstream-commit / commit-upstream / xen-master', () => {
    expect(upstreamMarker([dep, up, cu])).toBe(up);
    expect(upstreamMarker([cu, up])).toBe(cu);
  });

  it('none', () => {
    expect(upstreamMarker([])).toBeUndefined();
    expect(upstreamMarker([dep])).toBeUndefined();
  });
});

describe('parseRevert and revertedSubject', () => {
  it('This reverts commit X.', () => {
    const m = `Revert "net/mlx5: fix multicast"\n\nThis reverts commit 58a6421bc396d0f95c3e9e456bb824b32c5bd014.\n`;
    expect(parseRevert(m)).toEqual({ prefix: '58a6421bc396d0f95c3e9e456bb824b32c5bd014', line: 2, partial: false });
  });

  it('a reverted merge, a partial revert, mid-paragraph, upper case', () => {
    expect(parseRevert(`Revert "Merge branch 'x'"\n\nThis reverts commit ${SHA}, reversing\nchanges made to ${SHA2}.\n`)).toEqual({
      prefix: SHA,
      line: 2,
      partial: false,
    });
    expect(parseRevert(`mm: undo part of it\n\nThis partially reverts commit ${SHA.slice(0, 12)} ("mm: x").\n`)?.partial).toBe(true);
    expect(parseRevert(`x\n\nIt broke boot. This reverts commit ${SHA.toUpperCase()}.\n`)).toEqual({ prefix: SHA, line: 2, partial: false });
    expect(parseRevert(`x\n\nThis reverts\ncommit ${SHA}.\n`)?.prefix).toBe(SHA);
  });

  it('a Revert "subject" without the line gives undefined', () => {
    expect(parseRevert('Revert "crypto/virtio: fix cookies leak"\n\nIt broke the build.\n')).toBeUndefined();
    expect(parseRevert('x\n\nWe could say that this reverts commit history, but no.\n')).toBeUndefined();
  });

  it('revertedSubject', () => {
    expect(revertedSubject('Revert "foo: bar"')).toBe('foo: bar');
    expect(revertedSubject('Revert "Revert "x""')).toBe('Revert "x"');
    expect(revertedSubject('revert "foo"')).toBe('foo');
    expect(revertedSubject('Revert "mkosi: pin CentOS9 kernel to working version" for v254')).toBe('mkosi: pin CentOS9 kernel to working version');
    expect(revertedSubject('Reapply "foo: bar"')).toBeNull();
    expect(revertedSubject('Revert foo: bar')).toBeNull();
    expect(revertedSubject('Revert ""')).toBeNull();
    expect(revertedSubject('Reverting the world')).toBeNull();
  });
});
