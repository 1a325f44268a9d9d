/**
 * The index's schema, as numbered migrations. A database is at the version of the last migration it ran;
 * opening one runs the missing ones in a transaction. A database from a newer stablepick is refused.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'commits, parents, files, trailers, markers, refs, branches, picks, releases, caches',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE commits (
        id INTEGER PRIMARY KEY,
        sha TEXT NOT NULL UNIQUE,
        author_name TEXT NOT NULL,
        author_email TEXT NOT NULL,
        author_time INTEGER NOT NULL,
        committer_name TEXT NOT NULL,
        committer_email TEXT NOT NULL,
        commit_time INTEGER NOT NULL,
        subject TEXT NOT NULL,
        message TEXT NOT NULL,
        parents TEXT NOT NULL,
        parent_count INTEGER NOT NULL,
        latin1 INTEGER NOT NULL DEFAULT 0,
        first_release TEXT
      );
      CREATE TABLE paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
      CREATE TABLE commit_files (
        commit_id INTEGER NOT NULL,
        path_id INTEGER NOT NULL,
        status TEXT NOT NULL
      );
      CREATE TABLE trailers (
        commit_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        line INTEGER NOT NULL,
        ref_prefix TEXT,
        ref_subject TEXT,
        ref_sha TEXT,
        ref_status TEXT,
        detail TEXT
      );
      CREATE TABLE markers (
        commit_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        prefix TEXT NOT NULL,
        line INTEGER NOT NULL,
        sha TEXT,
        status TEXT
      );
      CREATE TABLE refs (
        name TEXT PRIMARY KEY,
        commit_sha TEXT,
        object TEXT NOT NULL,
        type TEXT NOT NULL,
        date INTEGER NOT NULL
      );
      CREATE TABLE branches (
        name TEXT PRIMARY KEY,
        ref TEXT NOT NULL,
        role TEXT NOT NULL,
        version TEXT,
        tip TEXT NOT NULL,
        base TEXT,
        detected_by TEXT NOT NULL,
        last_update INTEGER,
        own_commits INTEGER NOT NULL DEFAULT 0,
        picks INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE branch_commits (
        branch TEXT NOT NULL,
        sha TEXT NOT NULL,
        upstream_sha TEXT,
        via TEXT
      );
      CREATE INDEX branch_commits_branch ON branch_commits(branch, sha);
      CREATE INDEX branch_commits_sha ON branch_commits(sha);
      CREATE TABLE tags (
        name TEXT PRIMARY KEY,
        commit_sha TEXT NOT NULL,
        version TEXT NOT NULL,
        prerelease INTEGER NOT NULL,
        date INTEGER NOT NULL,
        processed INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE commit_stats (
        commit_id INTEGER PRIMARY KEY,
        added INTEGER,
        deleted INTEGER,
        files INTEGER NOT NULL,
        binary_files INTEGER NOT NULL,
        missing INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE patch_ids (commit_id INTEGER PRIMARY KEY, patch_id TEXT);
    `,
  },
  {
    version: 2,
    description: 'a cache of computed results by (kind, key, key), e.g. trial picks by (commit, branch tip)',
    sql: `
      CREATE TABLE result_cache (
        kind TEXT NOT NULL,
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        version INTEGER NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (kind, a, b)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description:
      'review state: its tables are declared by src/review/store.ts and created there on first use (an index written before holds them from this step)',
    sql: '',
  },
  {
    version: 4,
    description: 'LLM answers: the table is declared by src/llm/cache.ts and created there on first use (an index written before holds it from this step)',
    sql: '',
  },
];

/** Secondary indexes, created after a bulk load (cheaper than maintaining them row by row). */
export const SECONDARY_INDEXES: readonly string[] = [
  'CREATE INDEX IF NOT EXISTS commit_files_commit ON commit_files(commit_id)',
  'CREATE INDEX IF NOT EXISTS trailers_commit ON trailers(commit_id)',
  'CREATE INDEX IF NOT EXISTS markers_commit ON markers(commit_id)',
  'CREATE INDEX IF NOT EXISTS commit_files_path ON commit_files(path_id, commit_id)',
  'CREATE INDEX IF NOT EXISTS trailers_ref ON trailers(ref_sha) WHERE ref_sha IS NOT NULL',
  "CREATE INDEX IF NOT EXISTS trailers_unresolved ON trailers(ref_status) WHERE ref_status = 'unknown'",
  'CREATE INDEX IF NOT EXISTS markers_sha ON markers(sha) WHERE sha IS NOT NULL',
  "CREATE INDEX IF NOT EXISTS markers_unresolved ON markers(status) WHERE status = 'unknown'",
  'CREATE INDEX IF NOT EXISTS commits_subject ON commits(subject)',
  'CREATE INDEX IF NOT EXISTS branch_commits_up ON branch_commits(upstream_sha) WHERE upstream_sha IS NOT NULL',
];

export const SECONDARY_INDEX_NAMES: readonly string[] = SECONDARY_INDEXES.map((s) => /INDEX IF NOT EXISTS (\w+)/.exec(s)![1]!);

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The version of what an index derives from its commits (detected conventions, branch membership). An
 * index written with another version is derived again on its next `index` run, without reading the
 * commits again. 1: before this key existed. 2: a marker key (Xen's `master commit:`) is never a
 * Fixes-like key. 3: adapted picks are matched by subject, author and author date.
 * 4: a branch's base is where it left mainline's first-parent chain; merged side histories are held.
 * 5: holdings by every marker, falling through unknown markers to patch-id, author date and normalised
 * subject (holdings.ts). 6: a subject holding must be committed after its mainline commit, change a file
 * in common, and be the only branch commit claiming it; backport-bot heads are work heads.
 */
export const DERIVED_VERSION = 6;
