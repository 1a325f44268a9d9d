/**
 * `stablepick code ...`: C code evidence at any revision, in semcode's vocabulary (find-function,
 * find-callers, callchain) plus `touched` (functions a commit changes), `find-symbol` and `maintainers`.
 */
import type { Command } from 'commander';
import { StablepickError } from '../../errors.js';
import { openRepository } from '../../git/repo.js';
import { resolveCommit } from '../../git/show.js';
import { findCallers, type CallersResult } from '../../analysis/code/callers.js';
import { maintainersForCommit, maintainersForPaths, type MaintainersResult } from '../../analysis/code/maintainers.js';
import { findSymbol, type SymbolResult } from '../../analysis/code/symbols.js';
import { touched, type TouchedResult } from '../../analysis/code/touched.js';
import type { CommandModule } from '../command-module.js';

interface CommonOpts {
  repo?: string;
  json?: boolean;
  rev?: string;
}

function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

function json(v: unknown): void {
  out(JSON.stringify(v)); // the --json rule: one line (docs/cli.md)
}

function positiveInt(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw new StablepickError('BAD_OPTION', { option: what, why: `must be a whole number from 1 to 50, not ${v}`, fix: `e.g. ${what} 3` });
  return n;
}

function identifier(v: string): string {
  if (!/^[A-Za-z_]\w*$/.test(v))
    throw new StablepickError('BAD_INPUT', {
      input: JSON.stringify(v),
      why: 'is not a C identifier',
      fix: 'give a function name such as rte_eth_dev_configure',
    });
  return v;
}

/** Aligned text table. */
function table(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const short = (sha: string): string => sha.slice(0, 12);

function printSymbol(r: SymbolResult): string {
  const rows = [['KIND', 'WHERE', 'DETAIL']];
  for (const d of [...r.definitions, ...r.declarations]) {
    const detail = [
      d.definedBy ? `via ${d.definedBy}()` : '',
      d.attributes?.length ? `[${d.attributes.join(' ')}]` : '',
      d.signature ?? [d.isStatic ? 'static' : '', d.isInline ? 'inline' : ''].filter(Boolean).join(' '),
    ]
      .filter(Boolean)
      .join(' ');
    rows.push([d.kind, `${d.path}:${d.startLine}-${d.endLine}`, detail]);
  }
  const head = `${r.name} at ${short(r.rev)}: ${r.definitions.length} definition(s), ${r.declarations.length} declaration(s), named in ${r.filesMentioning} file(s)`;
  return rows.length > 1 ? `${head}\n${table(rows)}` : `${head}\n(not defined at this revision)`;
}

function printCallers(r: CallersResult, mode: 'callers' | 'callchain'): string {
  const lines: string[] = [];
  const byId = new Map(r.nodes.map((n) => [n.id, n]));
  for (const id of r.root) {
    const n = byId.get(id);
    const d = n?.definition;
    lines.push(`${r.name} at ${short(r.rev)}${d ? ` — defined ${d.path}:${d.startLine}${d.isStatic ? ' (static)' : ''}` : ' — no definition found'}`);
    for (const e of n?.entry ?? []) lines.push(`  entry point: ${e.kind} — ${e.how} (${e.path}:${e.line})`);
  }
  if (mode === 'callers') {
    const rows = [['KIND', 'CALLER', 'SITE', 'HOW']];
    for (const e of r.edges.filter((x) => r.root.includes(x.callee))) {
      rows.push([e.kind, e.caller ?? '(file scope)', `${e.path}:${e.line}`, e.how ?? e.text]);
    }
    lines.push(rows.length > 1 ? table(rows) : 'no callers and no registrations found');
    const deeper = r.nodes.filter((n) => n.depth > 0 && n.expanded);
    if (deeper.length) {
      lines.push('', 'callers further up:');
      const rows2 = [['DEPTH', 'FUNCTION', 'DEFINED', 'ENTRY']];
      for (const n of r.nodes.filter((x) => x.depth > 0)) {
        rows2.push([
          String(n.depth),
          n.name,
          n.definition ? `${n.definition.path}:${n.definition.startLine}` : '?',
          n.entry.map((e) => `${e.kind} (${e.how})`).join('; ') || (n.expanded ? '' : '…'),
        ]);
      }
      lines.push(table(rows2));
    }
  } else {
    lines.push(`${r.chains.length} chain(s):`);
    for (const c of r.chains) {
      const parts = c.map((id) => {
        const n = byId.get(id);
        const tag = n?.entry.length ? ` [${[...new Set(n.entry.map((e) => e.kind))].join(',')}]` : n && !n.expanded && n.depth > 0 ? ' […]' : '';
        return `${n?.name ?? id}${tag}`;
      });
      lines.push(`  ${parts.join(' <- ')}`);
    }
  }
  const t = r.tally;
  lines.push(
    '',
    `git grep -w: ${t.grepHits} line(s) in ${t.files} file(s): ${t.calls} call(s), ${t.registrations} registration(s)/export(s), ${t.definitions} definition line(s), ${t.declarations} declaration line(s), ${t.other} other (comments, strings, fields)`,
  );
  return lines.join('\n');
}

function printTouched(r: TouchedResult): string {
  const rows = [['CHANGE', 'KIND', 'NAME', 'WHERE', '+', '-']];
  for (const it of r.items) {
    const where = it.after
      ? `${it.path}:${it.after.startLine}-${it.after.endLine}`
      : it.before
        ? `${it.oldPath ?? it.path}:${it.before.startLine}-${it.before.endLine} (parent)`
        : it.path;
    const name =
      it.name === null ? '' : `${it.name}${it.renamedFrom ? ` (renamed from ${it.renamedFrom})` : ''}${it.renamedTo ? ` (renamed to ${it.renamedTo})` : ''}`;
    rows.push([it.change, it.kind, name, where, String(it.linesAdded), String(it.linesRemoved)]);
  }
  const files = r.files.map((f) => `${f.path} (+${f.linesAdded} -${f.linesRemoved})`).join(', ');
  return `${short(r.sha)} against ${r.parent ? short(r.parent) : '(root)'}: ${r.files.length} file(s): ${files}\n${table(rows)}`;
}

function printMaintainers(r: MaintainersResult): string {
  const lines = [`${r.source.path} at ${short(r.source.rev)} for ${r.files.length} file(s)`];
  const rows = [['SECTION', 'STATUS', 'FILES (PATTERN)']];
  for (const s of r.sections)
    rows.push([s.section, s.status ?? '', s.files.map((f) => `${f.path} (${f.pattern})`).join(', ') + (s.keyword ? ` K: ${s.keyword}` : '')]);
  lines.push(table(rows));
  lines.push(`maintainers: ${r.maintainers.join(', ') || '-'}`);
  lines.push(`reviewers:   ${r.reviewers.join(', ') || '-'}`);
  lines.push(`lists:       ${r.lists.join(', ') || '-'}`);
  if (r.uncovered.length) lines.push(`not covered by a specific section: ${r.uncovered.join(', ')}`);
  return lines.join('\n');
}

function common(cmd: Command): Command {
  return cmd.option('--repo <dir>', 'the git repository (default: current directory)').option('--json', 'print JSON');
}

export const codeCommand: CommandModule = {
  register(program: Command): void {
    const code = program.command('code').description('C code evidence at any revision: definitions, callers, call chains, touched functions, maintainers');

    common(code.command('find-function <name>').description('where a function (or function-like macro) is defined'))
      .option('--rev <rev>', 'revision (default HEAD)')
      .action(async (name: string, o: CommonOpts) => {
        const repo = await openRepository(o.repo);
        const r = await findSymbol(repo, identifier(name), { rev: o.rev ?? 'HEAD', kinds: ['function', 'macro', 'prototype'] });
        if (o.json) json(r);
        else out(printSymbol(r));
      });

    common(code.command('find-symbol <name>').description('where any identifier is defined: function, macro, struct, union, enum, typedef, global'))
      .option('--rev <rev>', 'revision (default HEAD)')
      .action(async (name: string, o: CommonOpts) => {
        const repo = await openRepository(o.repo);
        const r = await findSymbol(repo, identifier(name), { rev: o.rev ?? 'HEAD' });
        if (o.json) json({ ...r, exists: r.definitions.length > 0 });
        else out(printSymbol(r));
      });

    common(code.command('find-callers <name>').description('call sites and registrations of a function (and their callers, with --depth)'))
      .option('--rev <rev>', 'revision (default HEAD)')
      .option('--depth <n>', 'levels of callers to walk up', '1')
      .action(async (name: string, o: CommonOpts & { depth: string }) => {
        const repo = await openRepository(o.repo);
        const r = await findCallers(repo, identifier(name), { rev: o.rev ?? 'HEAD', depth: positiveInt(o.depth, '--depth'), stopAtEntry: false });
        if (o.json) json(r);
        else out(printCallers(r, 'callers'));
      });

    common(code.command('callchain <name>').description('call chains from a function up to entry points (syscalls, init, IRQ, work, ops tables, exports)'))
      .option('--rev <rev>', 'revision (default HEAD)')
      .option('--depth <n>', 'most levels to walk up', '6')
      .action(async (name: string, o: CommonOpts & { depth: string }) => {
        const repo = await openRepository(o.repo);
        const r = await findCallers(repo, identifier(name), { rev: o.rev ?? 'HEAD', depth: positiveInt(o.depth, '--depth'), stopAtEntry: true });
        if (o.json) json(r);
        else out(printCallers(r, 'callchain'));
      });

    common(code.command('touched <commit>').description('functions, macros, types and globals a commit modifies, adds or removes')).action(
      async (commit: string, o: CommonOpts) => {
        const repo = await openRepository(o.repo);
        const r = await touched(repo, commit);
        if (o.json) json(r);
        else out(printTouched(r));
      },
    );

    common(code.command('maintainers <pathOrCommit...>').description('MAINTAINERS sections, maintainers, reviewers and lists for files or a commit'))
      .option('--rev <rev>', 'revision of the MAINTAINERS file (default: the commit, or HEAD)')
      .option('--file <path>', 'the MAINTAINERS file in the tree', 'MAINTAINERS')
      .action(async (args: string[], o: CommonOpts & { file: string }) => {
        const repo = await openRepository(o.repo);
        let commit: string | null = null;
        if (args.length === 1 && !(args[0] ?? '').includes('/')) {
          try {
            commit = await resolveCommit(repo, args[0] ?? '');
          } catch {
            commit = null;
          }
        }
        const opt = o.rev ? { rev: o.rev, file: o.file } : { file: o.file };
        const r = commit ? await maintainersForCommit(repo, commit, opt) : await maintainersForPaths(repo, args, opt);
        if (o.json) json(r);
        else out(printMaintainers(r));
      });
  },
};
