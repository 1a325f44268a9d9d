/**
 * A unified diff (as `git format-patch` writes it) cut into files and hunks, and each hunk laid out side
 * by side: context on both sides, a run of removed lines paired with the run of added lines after it.
 * Pure; the page renders the rows.
 */

export interface SideCell {
  /** Line number in the old (left) or new (right) file. */
  n: number;
  text: string;
  kind: 'ctx' | 'del' | 'add';
}

export interface SideRow {
  left: SideCell | null;
  right: SideCell | null;
}

export interface SideHunk {
  header: string;
  rows: SideRow[];
}

export interface SideFile {
  oldPath: string | null;
  newPath: string | null;
  /** The path to show. */
  path: string;
  binary: boolean;
  added: number;
  removed: number;
  hunks: SideHunk[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

function side(p: string): string | null {
  if (p === '/dev/null') return null;
  return p.replace(/^[ab]\//, '');
}

export function parseSideBySide(diff: string): SideFile[] {
  const files: SideFile[] = [];
  const lines = diff.split('\n');
  let file: SideFile | null = null;
  let hunk: SideHunk | null = null;
  let oldN = 0;
  let newN = 0;
  let dels: SideCell[] = [];
  let adds: SideCell[] = [];
  const flush = (): void => {
    if (!hunk) return;
    const n = Math.max(dels.length, adds.length);
    for (let i = 0; i < n; i++) hunk.rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      flush();
      hunk = null;
      const m = /^diff --git (\S+) (\S+)$/.exec(line);
      const a = m ? side(m[1]!) : null;
      const b = m ? side(m[2]!) : null;
      file = { oldPath: a, newPath: b, path: b ?? a ?? line.slice(11), binary: false, added: 0, removed: 0, hunks: [] };
      files.push(file);
      continue;
    }
    if (!file) continue;
    if (!hunk) {
      if (line.startsWith('--- ')) file.oldPath = side(line.slice(4).trim());
      else if (line.startsWith('+++ ')) {
        file.newPath = side(line.slice(4).trim());
        file.path = file.newPath ?? file.oldPath ?? file.path;
      } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
      else if (line.startsWith('rename from ')) file.oldPath = line.slice(12);
      else if (line.startsWith('rename to ')) file.newPath = file.path = line.slice(10);
    }
    const h = HUNK.exec(line);
    if (h) {
      flush();
      oldN = Number(h[1]);
      newN = Number(h[3]);
      hunk = { header: line, rows: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!hunk) continue;
    const c = line[0];
    const text = line.slice(1);
    if (c === '-') {
      dels.push({ n: oldN++, text, kind: 'del' });
      file.removed++;
    } else if (c === '+') {
      adds.push({ n: newN++, text, kind: 'add' });
      file.added++;
    } else if (c === ' ') {
      flush();
      hunk.rows.push({ left: { n: oldN++, text, kind: 'ctx' }, right: { n: newN++, text, kind: 'ctx' } });
    } else if (c === '\\' || line === '') {
      // "\ No newline at end of file"; the empty string after the diff's last newline.
      continue;
    } else {
      flush();
      hunk = null;
    }
  }
  flush();
  return files;
}

/** The highlight.js language for a path: C for C sources and headers, plain text otherwise. */
export function languageOf(path: string): 'c' | 'plaintext' {
  return /\.(c|h|cc|cpp|hpp|cxx)$/i.test(path) ? 'c' : 'plaintext';
}
