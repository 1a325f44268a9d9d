/** Output files through a temporary file and a rename: all of the file or none of it, on a real file system. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StablepickError } from '../../src/errors.js';
import { stageFolder, writeOutputFile } from '../../src/report/output-file.js';
import { makeTempDir } from '../helpers/repo-builder.js';

describe('writeOutputFile', () => {
  it('replaces the target whole and leaves no temporary file', () => {
    const dir = makeTempDir('stablepick-out-');
    const file = path.join(dir, 'series.mbox');
    writeFileSync(file, 'old\n');
    writeOutputFile(file, 'new\n'.repeat(1000));
    expect(readFileSync(file, 'utf8')).toBe('new\n'.repeat(1000));
    expect(readdirSync(dir)).toEqual(['series.mbox']);
  });

  it('a folder that does not exist is a one-line IO error, and nothing is written', () => {
    const dir = makeTempDir('stablepick-out-');
    const file = path.join(dir, 'missing', 'series.mbox');
    let err: unknown;
    try {
      writeOutputFile(file, 'x\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StablepickError);
    expect((err as StablepickError).code).toBe('IO');
    expect((err as StablepickError).oneLine()).toMatch(/^cannot write .*series\.mbox: ENOENT.* — give a path you can write$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('stageFolder', () => {
  it('moves a filled folder into place on commit, and leaves nothing on abort', () => {
    const dir = makeTempDir('stablepick-out-');
    const good = path.join(dir, 'quilt');
    const a = stageFolder(good);
    writeFileSync(path.join(a.path, 'series'), 'a.patch\n');
    expect(existsSync(good)).toBe(false);
    a.commit();
    expect(readFileSync(path.join(good, 'series'), 'utf8')).toBe('a.patch\n');
    const bad = path.join(dir, 'quilt2');
    mkdirSync(bad); // an empty folder the user gave: it stays as it was
    const b = stageFolder(bad);
    writeFileSync(path.join(b.path, '0001-a.patch'), 'x');
    b.abort();
    expect(readdirSync(bad)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['quilt', 'quilt2']);
  });
});
