import { describe, expect, it } from 'vitest';
import { lineStartsOf } from '../../src/analysis/code/blank.js';
import { regionEnds, regionEndsOfText, regionsFor } from '../../src/analysis/code/regions.js';

const SRC = `}
int a(void)
{
	return 0;
}
#define M(x) \\
do { \\
} while (0)
static int b(void)
{
	if (x) {
	}
}  
struct s {
	int x;
};`;

describe('regions', () => {
  it('ends regions at column-0 braces that do not continue a macro', () => {
    const lines = SRC.split('\n');
    expect(regionEnds(lines)).toEqual([0, 4, 12, 15]);
    expect(regionEndsOfText(SRC, lineStartsOf(SRC))).toEqual(regionEnds(lines));
    expect(regionsFor(lines, [4, 11, 12, 16])).toEqual([
      { startLine: 2, endLine: 5 },
      { startLine: 6, endLine: 13 },
      { startLine: 14, endLine: 16 },
    ]);
  });
});
