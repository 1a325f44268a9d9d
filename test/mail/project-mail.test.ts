/**
 * Per-project mail conventions: the project is recognised by its own files, a kernel tree gets
 * patches@lists.linux.dev and stable@vger.kernel.org, other projects never get kernel addresses, and the
 * `mail` command's missing-To error names the project's own way. Real git on repositories built here.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectMail } from '../../src/conventions/project-mail.js';
import { openRepository } from '../../src/git/repo.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo, makeTempDir, type RepoBuilder } from '../helpers/repo-builder.js';

const repos: RepoBuilder[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});

function repoWith(files: Record<string, string>): RepoBuilder {
  const r = makeRepo();
  repos.push(r);
  r.commit('initial', files);
  return r;
}

describe('project mail conventions', () => {
  it('gives a kernel tree both kernel lists and AUTOSEL mails', async () => {
    const r = repoWith({ Kbuild: 'obj-y += kernel/\n', 'scripts/get_maintainer.pl': '#!/usr/bin/perl\n', MAINTAINERS: '' });
    const p = await projectMail(await openRepository(r.dir), 'HEAD');
    expect(p.project).toBe('linux');
    expect(p.to).toEqual(['patches@lists.linux.dev', 'stable@vger.kernel.org']);
    expect(p.format).toBe('autosel');
  });

  it('never gives OpenVPN or Xen a kernel address, and picks by cherry-pick there', async () => {
    const ovpn = await projectMail(await openRepository(repoWith({ 'src/openvpn/openvpn.c': 'int main(void) { return 0; }\n' }).dir), 'HEAD');
    expect(ovpn).toMatchObject({ project: 'openvpn', to: [], format: 'cherry-pick' });
    expect(ovpn.toHint).not.toMatch(/vger|kernel\.org/);
    const xen = await projectMail(await openRepository(repoWith({ 'xen/Makefile': 'all:\n', 'xen/Kconfig': '' }).dir), 'HEAD');
    expect(xen).toMatchObject({ project: 'xen', format: 'cherry-pick' });
    expect(xen.to.join(' ')).not.toMatch(/kernel\.org|linux\.dev/);
  });

  it('knows no list for an unknown project, unless its branches are kernel stable branches', async () => {
    const dir = repoWith({ README: 'x\n' }).dir;
    expect((await projectMail(await openRepository(dir), 'HEAD')).to).toEqual([]);
    expect((await projectMail(await openRepository(dir), 'HEAD', true)).project).toBe('linux');
  });

  it('the mail command asks OpenVPN for its own list, not for stable@vger.kernel.org', () => {
    const r = repoWith({ 'src/openvpn/openvpn.c': 'int main(void) { return 0; }\n' });
    r.commit('Fix a crash in the option parser', { 'src/openvpn/options.c': 'int x;\n' });
    r.branch('release/2.6', { at: 'HEAD~1' });
    const db = path.join(makeTempDir('stablepick-project-mail-'), 'index.sqlite');
    const idx = runCli(['index', '--repo', r.dir, '--db', db]);
    expect(idx.code, idx.stderr).toBe(0);
    const res = runCli(['mail', 'HEAD~1..HEAD', '--branch', 'release/2.6', '--format', 'autosel', '--from', 'A <a@example.org>', '--repo', r.dir, '--db', db]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no To address/);
    expect(res.stderr).toMatch(/OpenVPN takes stable picks by cherry-pick/);
    expect(res.stderr).not.toContain('stable@vger.kernel.org');
  });
});
