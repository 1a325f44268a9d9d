/**
 * The dashboard tests need the built page (dist/web). Built here when it is missing or older than its
 * sources; a lock folder keeps two test files from building at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIR = path.join(ROOT, 'dist', 'web');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function upToDate(): boolean {
  const index = path.join(WEB_DIR, 'index.html');
  if (!existsSync(index)) return false;
  const src = Math.max(
    newest(path.join(ROOT, 'web', 'src')),
    statSync(path.join(ROOT, 'web', 'index.html')).mtimeMs,
    statSync(path.join(ROOT, 'web', 'vite.config.ts')).mtimeMs,
  );
  return statSync(index).mtimeMs >= src;
}

export async function ensureWebBuilt(): Promise<void> {
  if (upToDate()) return;
  const lock = path.join(ROOT, 'dist', '.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file builds: wait for it (a lock older than 2 minutes is stale).
      if (i > 600 || Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (upToDate()) return;
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(ROOT, 'web', 'vite.config.ts')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
