/**
 * The architecture of stablepick as lint rules (DEVELOPERS.md, "Layout"). Data flows one way: a stage
 * imports only from stages below it. Ranks, lowest first:
 *
 *   shared (src/errors.ts, src/env.ts, src/util/)  0
 *   git                                            1   the only code that runs git
 *   conventions                                    2   what messages mean
 *   history                                        3   the SQLite index
 *   workspace (src/workspace.ts)                   4   a repository, its index and conventions, opened
 *   analysis                                       5   facts per commit and branch
 *   select                                         6   features, model, verdicts
 *   llm                                            7   an optional model endpoint, grounded on facts
 *   report                                         8   case, mail, series
 *   review                                         9
 *   server, mcp, demo                              10  front ends over the stages
 *   the library face (src/index.ts)                11
 *   cli                                            12  parses, calls, prints
 *
 * A file may import its own stage and any lower one. Type-only imports count too: a type that a lower
 * stage needs belongs in that stage. `web/src` may import only itself and `src/server/api-types.ts`.
 */
import path from 'node:path';

export const STAGES = {
  errors: 0,
  env: 0,
  util: 0,
  git: 1,
  conventions: 2,
  history: 3,
  workspace: 4,
  analysis: 5,
  select: 6,
  llm: 7,
  report: 8,
  review: 9,
  server: 10,
  mcp: 10,
  demo: 10,
  index: 11,
  cli: 12,
};

/** The stage of a file under src/ ('errors' for src/errors.ts, 'git' for src/git/x.ts), or null. */
export function stageOf(file, root) {
  const rel = path.relative(path.join(root, 'src'), file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const first = rel.split(path.sep)[0];
  const name = first.replace(/\.(ts|tsx|js)$/, '');
  return name;
}

function importSources(node) {
  return node.source && typeof node.source.value === 'string' ? node.source.value : null;
}

const stageOrder = {
  meta: {
    type: 'problem',
    docs: { description: 'A stage of src/ imports only from stages below it (DEVELOPERS.md, Layout).' },
    schema: [],
    messages: {
      upward:
        '{{from}} (rank {{fromRank}}) must not import {{to}} (rank {{toRank}}): data flows one way; move what {{from}} needs down to {{from}} or below, or let a stage above both call the two.',
      unknown: 'src/{{stage}} is not a stage of lint/architecture.js: give it a rank there (and in DEVELOPERS.md) before adding code to it.',
    },
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    const from = stageOf(file, root);
    if (from === null || /\.test\.ts$/.test(file)) return {};
    const check = (node, source) => {
      if (!source || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const to = stageOf(target, root);
      if (to === null || to === from) return;
      const fromRank = STAGES[from];
      const toRank = STAGES[to];
      if (fromRank === undefined) return context.report({ node, messageId: 'unknown', data: { stage: from } });
      if (toRank === undefined) return context.report({ node, messageId: 'unknown', data: { stage: to } });
      if (toRank >= fromRank) context.report({ node, messageId: 'upward', data: { from, to, fromRank, toRank } });
    };
    return {
      ImportDeclaration: (n) => check(n, importSources(n)),
      ExportNamedDeclaration: (n) => check(n, importSources(n)),
      ExportAllDeclaration: (n) => check(n, importSources(n)),
      ImportExpression: (n) => check(n, n.source && n.source.type === 'Literal' ? n.source.value : null),
    };
  },
};

const webBoundary = {
  meta: {
    type: 'problem',
    docs: { description: 'The web client imports only itself and the server API types.' },
    schema: [],
    messages: { outside: 'web/src may import only web/src and src/server/api-types.ts (the API contract), not {{source}}.' },
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    const web = path.join(root, 'web', 'src');
    const check = (node, source) => {
      if (!source || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      if (!path.relative(web, target).startsWith('..')) return;
      if (target.replace(/\.(js|ts)$/, '') === path.join(root, 'src', 'server', 'api-types')) return;
      context.report({ node, messageId: 'outside', data: { source } });
    };
    return {
      ImportDeclaration: (n) => check(n, importSources(n)),
      ExportNamedDeclaration: (n) => check(n, importSources(n)),
      ImportExpression: (n) => check(n, n.source && n.source.type === 'Literal' ? n.source.value : null),
    };
  },
};

/**
 * The modules that own the index's tables (DEVELOPERS.md, "Tables and their owners"): only they call
 * `prepare`, `exec` or `pragma` on a better-sqlite3 database (or history's `cachedStatement`); every other
 * module calls their functions.
 * A folder ends with '/', a file is named in full.
 */
export const TABLE_OWNERS = [
  'src/history/', // commits, paths, commit_files, trailers, markers, refs, branches, branch_commits, tags, commit_stats, patch_ids, meta, result_cache
  'src/review/store.ts', // review, review_log, review_mail
  'src/select/store.ts', // select_numstat, select_models
  'src/llm/cache.ts', // llm_cache
];

const SQL_METHODS = new Set(['prepare', 'exec', 'pragma']);

/** Whether `type` (a TypeScript type) is better-sqlite3's Database. */
function isDatabase(type) {
  const sym = type.getSymbol() ?? type.aliasSymbol;
  if (!sym || sym.getName() !== 'Database') return false;
  return (sym.getDeclarations() ?? []).some((d) => /better-sqlite3/.test(d.getSourceFile().fileName));
}

const tableOwner = {
  meta: {
    type: 'problem',
    docs: { description: 'Only the module that owns a table family queries it (lint/architecture.js TABLE_OWNERS).' },
    schema: [],
    messages: {
      notOwner:
        '{{method}}() on the index outside the table owners: {{file}} must call a function of the module that owns the table (src/history/tables/*, src/review/store.ts, src/select/store.ts, src/llm/cache.ts) instead of writing SQL.',
    },
  },
  create(context) {
    const file = context.filename;
    const rel = path.relative(context.cwd, file).split(path.sep).join('/');
    if (/\.test\.ts$/.test(file) || TABLE_OWNERS.some((o) => (o.endsWith('/') ? rel.startsWith(o) : rel === o))) return {};
    const services = context.sourceCode.parserServices;
    if (!services?.program) return {};
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'Identifier' && callee.name === 'cachedStatement') {
          return context.report({ node, messageId: 'notOwner', data: { method: 'cachedStatement', file: rel } });
        }
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || !SQL_METHODS.has(callee.property.name)) return;
        const type = services.getTypeAtLocation(callee.object);
        const nonNull = services.program.getTypeChecker().getNonNullableType(type);
        if (isDatabase(nonNull)) context.report({ node, messageId: 'notOwner', data: { method: callee.property.name, file: rel } });
      },
    };
  },
};

export const architecture = { rules: { 'stage-order': stageOrder, 'web-boundary': webBoundary, 'table-owner': tableOwner } };
