/** `stablepick demo`: builds the sample repository and runs the pipeline on it. */
import path from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../../demo/run-demo.js';
import { formatTable, printJson, progress } from '../output.js';
import type { CommandModule } from '../command-module.js';

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
          printJson({
            dir: r.dir,
            repo: r.repoDir,
            db: r.dbPath,
            shas: r.demo.shas,
            index: r.index,
            branches: r.branches,
            training: r.training,
            verdicts: Object.fromEntries(
              Object.entries(r.verdicts).map(([b, vs]) => [
                b,
                vs.map((v) => ({ sha: v.sha, subject: v.subject, verdict: v.verdict, confidence: v.confidence, reason: v.reasons[0]?.text ?? '' })),
              ]),
            ),
            cases: r.caseFiles,
            mbox: r.mboxPath,
            mails: r.mails.map((m) => ({ sha: m.sha, kind: m.kind, subject: m.subject, branches: m.branches, messageId: m.messageId })),
            skipped: r.plan.skipped,
            am: r.am,
          });
          return;
        }
        const short = (s: string | null | undefined): string => (s ? s.slice(0, 12) : '');
        const out: string[] = [];
        out.push(`Sample repository: ${r.repoDir}`);
        out.push(`Index: ${r.dbPath} (${r.index.totalCommits} commits, mainline ${r.index.mainline})`, '');
        out.push('Stable branches:');
        out.push(
          formatTable(
            ['branch', 'base release', 'picks', 'own commits'],
            r.branches.map((b) => [b.name, b.base_release, b.picks, b.own_commits]),
          ),
          '',
        );
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
        out.push('', `Selection: learned from ${r.training.examples} commits before the window (${r.training.picked} picked by a stable branch).`);
        const [newB, oldB] = Object.keys(r.verdicts);
        const vNew = r.verdicts[newB!]!;
        const vOld = r.verdicts[oldB!]!;
        out.push(
          formatTable(
            ['commit', newB!, oldB!, 'subject', `why (${newB})`],
            vNew.map((v, i) => {
              const o = vOld[i]!;
              const why = (v.reasons.find((x) => x.kind === 'rule' && x.decided) ?? v.reasons[0])?.text ?? '';
              return [
                short(v.sha),
                `${v.verdict} ${v.confidence.toFixed(2)}`,
                `${o.verdict} ${o.confidence.toFixed(2)}`,
                v.subject.length > 48 ? `${v.subject.slice(0, 45)}...` : v.subject,
                why.length > 90 ? `${why.slice(0, 87)}...` : why,
              ];
            }),
          ),
          '',
        );
        const lazyCase = r.cases.find((c) => c.sha === r.demo.shas.lazyAlloc);
        if (lazyCase) {
          out.push(`Written case of ${short(lazyCase.sha)}: ${lazyCase.summary}`);
          out.push(
            `  required, in order: ${lazyCase.recommendation.required.map(short).join(', ')}; risk ${lazyCase.risk.level}; ${lazyCase.citations.length} cited facts, all checked`,
            '',
          );
        }
        out.push(`AUTOSEL mails (${r.mails.length}) in ${r.mboxPath}:`);
        for (const m of r.mails) out.push(`  ${m.subject}${m.kind === 'dependency' ? '  (prerequisite)' : ''}`);
        for (const s of r.plan.skipped) out.push(`  not mailed: ${short(s.sha)} ${s.subject} — ${s.reason}`);
        out.push('');
        for (const a of r.am) out.push(`git am onto ${a.branch}: ${a.ok ? `${a.applied.length} commit(s) applied` : `stopped: ${a.error}`}`);
        out.push('', `Cases: ${path.join(r.dir, 'cases')}`);
        out.push(`Everything is in ${r.dir}`);
        process.stdout.write(`${out.join('\n')}\n`);
      });
  },
};
