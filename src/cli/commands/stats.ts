/** `stablepick stats`: what the index holds. */
import type { Command } from 'commander';
import { indexStats } from '../../history/queries.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { fmtInt, printJson } from '../output.js';
import type { CommandModule } from '../command-module.js';

export const statsCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(program.command('stats').description('counts of commits, trailers, markers, refs and branches in the index')).action(
      async (opts: CommonOptions) => {
        await withContext(
          opts,
          (ctx) => {
            const s = indexStats(ctx.db);
            if (ctx.json) return printJson({ ...s, db: ctx.dbPath });
            const kv = (o: Record<string, number>): string =>
              Object.entries(o)
                .map(([k, v]) => `${k} ${fmtInt(v)}`)
                .join(', ') || 'none';
            process.stdout.write(
              [
                `commits: ${fmtInt(s.commits)} (${fmtInt(s.merges)} merges, ${fmtInt(s.latin1Commits)} not UTF-8), paths: ${fmtInt(s.paths)}`,
                `refs: ${s.refs.heads} heads, ${s.refs.remotes} remote-tracking, ${s.refs.tags} tags, ${s.refs.other} other`,
                `mainline: ${s.mainline ?? '(unknown)'}; stable branches: ${s.stableBranches}`,
                `trailers: ${kv(s.trailers)}`,
                `fixes targets: ${fmtInt(s.fixesRefs.resolved)} resolved, ${fmtInt(s.fixesRefs.ambiguous)} ambiguous, ${fmtInt(s.fixesRefs.unknown)} unknown, ${fmtInt(s.fixesRefs.malformed)} malformed`,
                `markers: ${kv(s.markers)}`,
                `releases: ${s.releases.tags} tags (${s.releases.prereleases} pre-releases); ${fmtInt(s.releases.commitsWithRelease)} commits are in a release`,
                s.detected
                  ? `detected: stable addresses ${
                      s.detected.stableAddresses
                        .slice(0, 3)
                        .map((a) => `${a.address} (${fmtInt(a.n)})`)
                        .join(', ') || 'none'
                    }; marker forms ${s.detected.markerKinds.map((m) => m.kind).join(', ') || 'none'}${s.detected.fixesKeys.length ? `; extra Fixes-like keys ${s.detected.fixesKeys.map((k) => k.key).join(', ')}` : ''}`
                  : '',
                s.shallow ? 'shallow clone: yes' : '',
                s.partial ? 'partial clone: yes (some objects may be missing)' : '',
                `indexed at: ${s.indexedAt ?? 'never'}; index: ${ctx.dbPath}`,
              ]
                .filter(Boolean)
                .join('\n') + '\n',
            );
          },
          { mustExist: true },
        );
      },
    );
  },
};
