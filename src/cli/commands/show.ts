/** `stablepick show <sha>`: parsed trailers, markers, branches holding the commit, first release. */
import type { Command } from 'commander';
import { isAncestor } from '../../git/rev-list.js';
import { describeVia, holdingMethod, type HoldingMethod } from '../../history/holdings.js';
import { commitView, listBranches } from '../../history/queries.js';
import { indexedCommit } from '../revisions.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { printJson } from '../output.js';
import type { CommandModule } from '../command-module.js';

export const showCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program.command('show').description('what the index knows about one commit').argument('<sha>', 'a commit id (full or unique prefix)'),
    ).action(async (sha: string, opts: CommonOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const full = await indexedCommit(ctx, sha);
          const v = commitView(ctx.db, full);
          // Branches that hold the commit: by ancestry (it predates the fork, or is the branch's own) or by a pick.
          // For a pick, how the holding was found (src/history/holdings.ts): marker, patch-id, author date or subject.
          const branches: { branch: string; how: 'ancestor' | 'pick'; sha: string; via?: string | null; method?: HoldingMethod | null }[] = [];
          for (const b of listBranches(ctx.db, { includeMainline: true })) {
            if (await isAncestor(ctx.repo, full, b.tip)) branches.push({ branch: b.name, how: 'ancestor', sha: full });
          }
          for (const p of v.pickedBy) branches.push({ branch: p.branch, how: 'pick', sha: p.sha, via: p.via, method: holdingMethod(p.via) });
          const out = { ...v, branches };
          if (ctx.json) return printJson(out);
          const lines: string[] = [
            `commit ${v.sha}`,
            `Author: ${v.author.name} <${v.author.email}>  ${v.author.time}`,
            `Subject: ${v.subject}`,
            `First release: ${v.firstRelease ?? '(none yet)'}`,
            `Files: ${v.files.length}`,
          ];
          if (v.trailers.length) {
            lines.push('Trailers:');
            for (const t of v.trailers) {
              const ref = t.ref ? `  → ${t.ref.sha ?? `(${t.ref.status})`}` : '';
              lines.push(`  [${t.kind}] ${t.key}: ${t.value}${ref}`);
            }
          }
          if (v.markers.length) {
            lines.push('Markers:');
            for (const m of v.markers) lines.push(`  [${m.kind}] ${m.prefix} → ${m.sha ?? `(${m.status})`}`);
          }
          for (const u of v.upstream) lines.push(`Upstream (on ${u.branch}): ${u.sha ?? '(none found)'}${u.via ? ` by ${describeVia(u.via)}` : ''}`);
          if (branches.length) {
            lines.push('Held by:');
            for (const b of branches)
              lines.push(`  ${b.branch}: ${b.how === 'pick' ? `picked as ${b.sha}, found by ${describeVia(b.via ?? null)}` : 'contains it'}`);
          }
          for (const f of v.fixedBy) lines.push(`Fixed by: ${f.sha.slice(0, 12)} ("${f.subject}") [${f.kind}]`);
          for (const r of v.revertedBy) lines.push(`Reverted by: ${r.sha.slice(0, 12)} ("${r.subject}")`);
          process.stdout.write(`${lines.join('\n')}\n`);
        },
        { mustExist: true },
      );
    });
  },
};
