/**
 * Where the built front end is: `dist/web` of the package, found from this module's own place, which
 * is `src/server/` when run from source and `dist/server/` when compiled — two folders up in both.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StablepickError } from '../errors.js';

function defaultWebDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');
}

/** The folder with the built page; throws when it has not been built. */
export function requireWebDir(dir = defaultWebDir()): string {
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new StablepickError('NOT_FOUND', { what: 'web-page', file: path.join(dir, 'index.html') });
  }
  return dir;
}
