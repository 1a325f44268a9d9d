/**
 * Whole-program checks that a per-file linter cannot make, run by `npm run lint`:
 * - no import cycle among the modules of src/ (static, type-only and dynamic imports all count);
 * - no unused value export in src/ (functions, classes, constants; types are left alone, since an exported
 *   signature needs its types exported): a name exported by a module of src/ is imported somewhere (src, web, test,
 *   bench) or is part of the library face (src/index.ts). An unused export is dead code or an `export`
 *   keyword too many.
 * A cycle fails the lint; unused exports are counted (`--list` names them, `--strict` fails on them).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SCAN = ['src', 'web/src', 'test', 'bench', 'lint'];
/** Modules loaded by path rather than imported: their exports are entry points. */
const ENTRY = new Set(['src/index.ts', 'src/cli/bin.ts', 'src/history/ingest-worker.ts']);

function walk(dir: string, out: string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (n === 'node_modules' || n === 'dist' || n === 'scratch') continue;
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|tsx)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

interface ModuleInfo {
  file: string;
  /** Modules this one imports (resolved to files under ROOT). */
  imports: Set<string>;
  /** Exported names declared here. */
  exports: Map<string, number>;
  /** module file -> names imported from it ('*' for a namespace import or `export *`). */
  uses: Map<string, Set<string>>;
  /** Re-exports: exported name here -> [module, name there]. */
  reexports: Map<string, [string, string]>;
  starFrom: string[];
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      /* next */
    }
  }
  return null;
}

function parse(file: string): ModuleInfo {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const info: ModuleInfo = { file, imports: new Set(), exports: new Map(), uses: new Map(), reexports: new Map(), starFrom: [] };
  const use = (mod: string, name: string): void => {
    let s = info.uses.get(mod);
    if (!s) info.uses.set(mod, (s = new Set()));
    s.add(name);
  };
  const line = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const isExported = (n: ts.Node): boolean => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const mod = resolve(file, st.moduleSpecifier.text);
      if (!mod) continue;
      info.imports.add(mod);
      const cl = st.importClause;
      if (!cl) continue;
      if (cl.name) use(mod, 'default');
      const nb = cl.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) use(mod, '*');
      else if (nb) for (const el of nb.elements) use(mod, (el.propertyName ?? el.name).text);
    } else if (ts.isExportDeclaration(st)) {
      const mod = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? resolve(file, st.moduleSpecifier.text) : null;
      if (mod) info.imports.add(mod);
      if (!st.exportClause) {
        if (mod) info.starFrom.push(mod);
      } else if (ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) {
          if (el.isTypeOnly || st.isTypeOnly) continue;
          const here = el.name.text;
          const there = (el.propertyName ?? el.name).text;
          if (mod) info.reexports.set(here, [mod, there]);
          else info.exports.set(here, line(el));
        }
      } else if (mod) use(mod, '*');
    } else if (isExported(st)) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) info.exports.set(d.name.text, line(d));
      } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
        // Values only: an exported type is often needed by an exported signature (declaration emit).
        info.exports.set(st.name.text, line(st));
      }
    }
  }
  // Dynamic imports anywhere: `import('./x.js')`, and `(await import('./x.js')).name`.
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = n.arguments[0];
      const mod = arg && ts.isStringLiteral(arg) ? resolve(file, arg.text) : null;
      if (mod) {
        info.imports.add(mod);
        let p: ts.Node = n.parent;
        while (ts.isAwaitExpression(p) || ts.isParenthesizedExpression(p)) p = p.parent;
        if (ts.isPropertyAccessExpression(p)) use(mod, p.name.text);
        else use(mod, '*');
      }
    }
    if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      const mod = resolve(file, n.argument.literal.text);
      if (mod) {
        info.imports.add(mod);
        use(mod, n.qualifier && ts.isIdentifier(n.qualifier) ? n.qualifier.text : '*');
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return info;
}

const files = SCAN.flatMap((d) => walk(path.join(ROOT, d), []));
const mods = new Map(files.map((f) => [f, parse(f)]));
const rel = (f: string): string => path.relative(ROOT, f);
const inSrc = (f: string): boolean => rel(f).startsWith('src/') && !f.endsWith('.test.ts');
const problems: string[] = [];

// Cycles: Tarjan's strongly connected components over the modules of src/.
{
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of mods.get(v)?.imports ?? []) {
      if (!inSrc(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      const self = mods.get(v)?.imports.has(v) ?? false;
      if (comp.length > 1 || self) problems.push(`cycle: ${comp.map(rel).sort().join(' <-> ')} import each other; move what they share into a lower module`);
    }
  };
  for (const f of files) if (inSrc(f) && !idx.has(f)) strong(f);
}

// Unused exports: follow uses through re-exports and `export *`.
{
  const used = new Map<string, Set<string>>();
  const mark = (mod: string, name: string, seen = new Set<string>()): void => {
    const key = `${mod}\0${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    let s = used.get(mod);
    if (!s) used.set(mod, (s = new Set()));
    s.add(name);
    const m = mods.get(mod);
    if (!m) return;
    if (name === '*') {
      for (const [here] of m.reexports) mark(mod, here, seen);
      for (const star of m.starFrom) mark(star, '*', seen);
      return;
    }
    const re = m.reexports.get(name);
    if (re) mark(re[0], re[1], seen);
    if (!m.exports.has(name)) for (const star of m.starFrom) mark(star, name, seen);
  };
  for (const m of mods.values()) for (const [mod, names] of m.uses) for (const n of names) mark(mod, n);
  for (const e of ENTRY) {
    const f = path.join(ROOT, e);
    if (mods.has(f)) mark(f, '*');
  }
  for (const m of mods.values()) {
    if (!inSrc(m.file)) continue;
    const u = used.get(m.file);
    if (u?.has('*')) continue;
    for (const [name, ln] of m.exports)
      if (!u?.has(name)) problems.push(`unused export: ${rel(m.file)}:${ln} ${name} is exported but imported nowhere; drop the export (or the code)`);
    for (const [name] of m.reexports) if (!u?.has(name)) problems.push(`unused export: ${rel(m.file)} re-exports ${name}, imported nowhere through it`);
  }
}

// Cycles fail the lint; unused exports are listed (with --strict they fail it too).
const cycles = problems.filter((p) => p.startsWith('cycle:'));
const unused = problems.filter((p) => !p.startsWith('cycle:'));
for (const p of cycles) process.stderr.write(`${p}\n`);
if (process.argv.includes('--list') || process.argv.includes('--strict')) for (const p of unused) process.stdout.write(`${p}\n`);
process.stdout.write(
  `modules: ${mods.size} files, ${cycles.length} import cycle(s), ${unused.length} unused export(s)${unused.length && !process.argv.includes('--list') ? ' (npx tsx lint/modules.ts --list names them)' : ''}\n`,
);
if (cycles.length || (process.argv.includes('--strict') && unused.length)) process.exit(1);
