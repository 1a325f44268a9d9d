/** `stablepick demo`: builds the sample repository and runs the pipeline on it. */
import type { Command } from 'commander';
import { runDemo } from '../../report/demo/run-demo.js';
import { formatTable, printJson, progress } from '../output.js';
import type { CommandModule } from './index.js';

export const demoCommand: CommandModule = {
  register(program: Command) {
    program
      .command('demo')
      .description('build a sample repository and run the whole pipeline on it')
      .option('--dir <dir>', 'keep everything the demo makes in this folder (default: a new temporary folder)')
      .option('--json', 'machine-readable output')
      .action(async (opts: { dir?: string; json?: boolean }) => {
        const bar = progress(!opts.json);
        const r = await runDemo({ dir: opts.dir, onStep: (s) => bar.update(`demo: ${s}…`) });
        bar.done();
        if (opts.json) {
          printJson({ dir: r.dir, repo: r.repoDir, db: r.dbPath, shas: r.demo.shas, index: r.index, branches: r.branches });
          return;
        }
        const short = (s: string | null | undefined): string => (s ? s.slice(0, 12) : '');
        const out: string[] = [];
        out.push(`Sample repository: ${r.repoDir}`);
        out.push(`Index: ${r.dbPath} (${r.index.totalCommits} commits, mainline ${r.index.mainline})`, '');
        out.push('Stable branches:');
        out.push(formatTable(['branch', 'base release', 'picks', 'own commits'], r.branches.map((b) => [b.name, b.base_release, b.picks, b.own_commits])), '');
        out.push(`Window ${r.demo.window} (${r.window.length} commits):`);
        out.push(
          formatTable(
            ['commit', 'subject', 'tags'],
            r.window.map((c) => {
              const tags: string[] = [];
              for (const t of c.trailers) {
                if (t.kind === 'fixes') tags.push(`Fixes ${short(t.ref?.sha) || t.value}`);
                if (t.kind === 'stable') tags.push('Cc: stable');
              }
              if (c.fixedBy.length) tags.push(`fixed by ${c.fixedBy.map((f) => short(f.sha)).join(', ')}`);
              return [short(c.sha), c.subject.length > 64 ? `${c.subject.slice(0, 61)}...` : c.subject, tags.join('; ')];
            }),
          ),
          '',
        );
        const lazy = r.window.find((c) => c.sha === r.demo.shas.lazyAlloc)!;
        out.push(`${short(lazy.sha)} ("${lazy.subject}")`);
        for (const f of lazy.fixedBy) out.push(`  follow-up: ${short(f.sha)} ("${f.subject}") says ${f.kind}: ${short(lazy.sha)} — must go with it`);
        const fns = r.lazyTouched.items.filter((i) => i.kind === 'function' && i.name);
        out.push(`  changes ${fns.length} functions in ${[...new Set(fns.map((f) => f.path))].join(', ')}:`);
        for (const f of fns) {
          const at = f.after ?? f.before;
          out.push(`    ${f.change.padEnd(8)} ${f.name}()  ${f.path}:${at?.startLine ?? '?'}  (+${f.linesAdded} -${f.linesRemoved})`);
        }
        const direct = r.enableCallers.edges.filter((e) => e.callee.startsWith('scx_enable'));
        for (const e of direct) out.push(`  scx_enable() is called by ${e.caller?.replace(/@.*/, '')}() at ${e.path}:${e.line}`);
        for (const n of r.enableCallers.nodes) for (const t of n.entry) out.push(`  entry point: ${n.name}() — ${t.kind}: ${t.how} (${t.path}:${t.line})`);
        out.push('', 'Selection verdicts, the written cases and the AUTOSEL mbox are added to the demo as those stages land.');
        out.push(`Everything is in ${r.dir}`);
        process.stdout.write(`${out.join('\n')}\n`);
      });
  },
};
