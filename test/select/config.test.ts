/** The `select` section of stablepick.config.json. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/conventions/config.js';
import { optOutMatchers, selectConfig } from '../../src/select/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stablepick-select-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('select config', () => {
  it('reads opt-out paths and the lag mode', () => {
    const file = path.join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ select: { optOutPaths: ['doc/**', '*.md'], lag: 'drop' } }));
    const cfg = selectConfig(dir, file);
    expect(cfg).toEqual({ optOutPaths: ['doc/**', '*.md'], lag: 'drop' });
    const [doc, md] = optOutMatchers(cfg);
    expect(doc!.test('doc/guides/x.rst')).toBe(true);
    expect(md!.test('lib/README.md')).toBe(true);
  });

  it('defaults without a section', () => {
    const file = path.join(dir, 'b.json');
    writeFileSync(file, '{}');
    expect(selectConfig(dir, file)).toEqual({ optOutPaths: [], lag: 'weight' });
  });

  it('rejects wrong values with a hint', () => {
    expect(() => parseConfig(JSON.stringify({ select: { optOutPaths: 'doc' } }), 'x.json')).toThrow(/optOutPaths must be an array/);
    expect(() => parseConfig(JSON.stringify({ select: { lag: 'later' } }), 'x.json')).toThrow(/select\.lag must be one of/);
    expect(() => parseConfig(JSON.stringify({ select: { nope: 1 } }), 'x.json')).toThrow(/unknown key select/);
  });
});
