/**
 * Reading the diff part of a git patch (format-patch or `git log -p`) into files and hunks, and telling
 * how an adapted patch differs from the upstream one: moved hunks, changed hunks, dropped files.
 */
import type { Adaptation, HunkChange, HunkShift } from './types.js';

export interface PatchHunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** Body lines with their ' ', '+', '-', '\\' prefix. */
  lines: string[];
}

export interface PatchFile {
  oldPath: string | null;
  newPath: string | null;
  /** Extended header lines other than `index` (mode changes, rename/copy, new/deleted file). */
  meta: string[];
  /** `index <a>..<b>` ids, when present. */
  oldBlob: string | null;
  newBlob: string | null;
  binary: boolean;
  hunks: PatchHunk[];
}

const DIFF_GIT = /^diff --git (?:"?a\/)(.*?)"? (?:"?b\/)(.*?)"?$/;
const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Paths with odd characters come C-quoted (`"a/x\\ty"`); core.quotepath=false keeps UTF-8 as is. */
function unquote(p: string): string {
  if (!p.startsWith('"')) return p;
  try {
    return JSON.parse(p.replace(/\\([0-7]{3})/g, (_m, o: string) => `\\u00${parseInt(o, 8).toString(16).padStart(2, '0')}`)) as string;
  } catch {
    return p;
  }
}

/** Parses every `diff --git` section of a patch text. */
export function parsePatch(text: string): PatchFile[] {
  const lines = text.split('\n');
  const files: PatchFile[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i] ?? '';
    const m = DIFF_GIT.exec(l);
    if (!m) {
      i++;
      continue;
    }
    const f: PatchFile = { oldPath: unquote(m[1] ?? ''), newPath: unquote(m[2] ?? ''), meta: [], oldBlob: null, newBlob: null, binary: false, hunks: [] };
    i++;
    // Extended headers up to the first hunk or the next file.
    while (i < lines.length) {
      const h = lines[i] ?? '';
      if (h.startsWith('diff --git ') || h.startsWith('@@ ')) break;
      if (h.startsWith('index ')) {
        const im = /^index ([0-9a-f]+)\.\.([0-9a-f]+)/.exec(h);
        f.oldBlob = im?.[1] ?? null;
        f.newBlob = im?.[2] ?? null;
      } else if (h.startsWith('--- ')) {
        f.oldPath = h === '--- /dev/null' ? null : h.startsWith('--- a/') ? unquote(h.slice(6)) : f.oldPath;
      } else if (h.startsWith('+++ ')) {
        f.newPath = h === '+++ /dev/null' ? null : h.startsWith('+++ b/') ? unquote(h.slice(6)) : f.newPath;
      } else if (h.startsWith('rename from ') || h.startsWith('copy from ')) {
        f.oldPath = unquote(h.slice(h.indexOf(' from ') + 6));
        f.meta.push(h);
      } else if (h.startsWith('rename to ') || h.startsWith('copy to ')) {
        f.newPath = unquote(h.slice(h.indexOf(' to ') + 4));
        f.meta.push(h);
      } else if (h.startsWith('Binary files ') || h === 'GIT binary patch') {
        f.binary = true;
        if (h === 'GIT binary patch') {
          // literal/delta blocks up to the next diff.
          i++;
          while (i < lines.length && !(lines[i] ?? '').startsWith('diff --git ')) i++;
          break;
        }
      } else if (h.startsWith('new file mode')) {
        f.oldPath = null;
        f.meta.push(h);
      } else if (h.startsWith('deleted file mode')) {
        f.newPath = null;
        f.meta.push(h);
      } else if (h === '' || h === '-- ') {
        // End of the diff (signature) or blank separator.
        break;
      } else {
        f.meta.push(h);
      }
      i++;
    }
    while (i < lines.length && (lines[i] ?? '').startsWith('@@ ')) {
      const hm = HUNK.exec(lines[i] ?? '');
      if (!hm) break;
      const hunk: PatchHunk = {
        oldStart: Number(hm[1]),
        oldCount: hm[2] === undefined ? 1 : Number(hm[2]),
        newStart: Number(hm[3]),
        newCount: hm[4] === undefined ? 1 : Number(hm[4]),
        lines: [],
      };
      i++;
      let oldLeft = hunk.oldCount;
      let newLeft = hunk.newCount;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0 || (lines[i] ?? '').startsWith('\\'))) {
        const b = lines[i] ?? '';
        const c = b[0];
        if (c === ' ') {
          oldLeft--;
          newLeft--;
        } else if (c === '-') oldLeft--;
        else if (c === '+') newLeft--;
        else if (c === '\\') {
          /* "\ No newline at end of file" */
        } else if (b === '') {
          // A blank context line whose space was eaten by a mail system.
          oldLeft--;
          newLeft--;
        } else break;
        hunk.lines.push(b);
        i++;
      }
      f.hunks.push(hunk);
    }
    files.push(f);
  }
  return files;
}

function fileKey(f: PatchFile): string {
  return `${f.oldPath ?? ''}\0${f.newPath ?? ''}`;
}

function displayPath(f: PatchFile): string {
  return f.newPath ?? f.oldPath ?? '';
}

function hunkBody(h: PatchHunk): string {
  return h.lines.join('\n');
}

function changeLines(f: PatchFile): string {
  return f.hunks.map((h) => h.lines.filter((l) => l[0] === '+' || l[0] === '-').join('\n')).join('\n@@\n');
}

/** Compares an upstream patch with the adapted one (same commit, applied elsewhere). */
export function comparePatches(upstream: PatchFile[], adapted: PatchFile[]): Adaptation {
  const shiftedHunks: HunkShift[] = [];
  const changedHunks: HunkChange[] = [];
  const droppedFiles: string[] = [];
  const movedFiles: { upstream: string; branch: string }[] = [];
  let identical = upstream.length === adapted.length;
  const byKey = new Map<string, PatchFile>();
  for (const f of adapted) byKey.set(fileKey(f), f);
  const used = new Set<PatchFile>();
  const pairs: [PatchFile, PatchFile][] = [];
  const unmatched: PatchFile[] = [];
  for (const u of upstream) {
    const a = byKey.get(fileKey(u));
    if (a && !used.has(a)) {
      used.add(a);
      pairs.push([u, a]);
    } else unmatched.push(u);
  }
  // Files the merge followed to another name: match by their added/removed lines, then by new path.
  for (const u of unmatched) {
    const cl = changeLines(u);
    const a =
      adapted.find((x) => !used.has(x) && changeLines(x) === cl && cl !== '') ??
      adapted.find((x) => !used.has(x) && u.newPath !== null && x.newPath === u.newPath) ??
      adapted.find((x) => !used.has(x) && u.oldPath !== null && x.oldPath === u.oldPath);
    if (a) {
      used.add(a);
      pairs.push([u, a]);
      movedFiles.push({ upstream: displayPath(u), branch: displayPath(a) });
      identical = false;
    } else {
      droppedFiles.push(displayPath(u));
      identical = false;
    }
  }
  if (adapted.some((a) => !used.has(a))) identical = false;
  for (const [u, a] of pairs) {
    const path = displayPath(a);
    if (
      u.meta.filter((m) => !m.startsWith('similarity') && !m.startsWith('dissimilarity')).join('\n') !==
      a.meta.filter((m) => !m.startsWith('similarity') && !m.startsWith('dissimilarity')).join('\n')
    ) {
      identical = false;
    }
    if (u.binary || a.binary) {
      if (u.binary !== a.binary || u.oldBlob !== a.oldBlob || u.newBlob !== a.newBlob) {
        identical = false;
        changedHunks.push({ path, upstreamLine: null, branchLine: null });
      }
      continue;
    }
    const n = Math.max(u.hunks.length, a.hunks.length);
    if (u.hunks.length !== a.hunks.length) identical = false;
    // Pair hunks in order when the counts agree; otherwise by equal bodies.
    if (u.hunks.length === a.hunks.length) {
      for (let k = 0; k < n; k++) {
        const uh = u.hunks[k];
        const ah = a.hunks[k];
        if (!uh || !ah) continue;
        if (hunkBody(uh) === hunkBody(ah)) {
          if (uh.oldStart !== ah.oldStart) shiftedHunks.push({ path, upstreamLine: uh.oldStart, branchLine: ah.oldStart, offset: ah.oldStart - uh.oldStart });
        } else {
          identical = false;
          changedHunks.push({ path, upstreamLine: uh.oldStart, branchLine: ah.oldStart });
        }
      }
    } else {
      const left = [...a.hunks];
      for (const uh of u.hunks) {
        const idx = left.findIndex((ah) => hunkBody(ah) === hunkBody(uh));
        if (idx >= 0) {
          const ah = left.splice(idx, 1)[0];
          if (ah && ah.oldStart !== uh.oldStart)
            shiftedHunks.push({ path, upstreamLine: uh.oldStart, branchLine: ah.oldStart, offset: ah.oldStart - uh.oldStart });
        } else changedHunks.push({ path, upstreamLine: uh.oldStart, branchLine: null });
      }
      for (const ah of left) changedHunks.push({ path, upstreamLine: null, branchLine: ah.oldStart });
    }
  }
  return { identicalChange: identical, shiftedHunks, changedHunks, droppedFiles, movedFiles };
}

/** The paths a patch touches (old and new names). */
export function patchPaths(files: readonly PatchFile[]): string[] {
  const s = new Set<string>();
  for (const f of files) {
    if (f.oldPath) s.add(f.oldPath);
    if (f.newPath) s.add(f.newPath);
  }
  return [...s];
}
