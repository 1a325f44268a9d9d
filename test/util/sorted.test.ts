import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../src/util/sorted.js';

describe('lowerBound', () => {
  it('finds the first value not below the key, in strings and numbers', () => {
    const shas = ['0a1', '3bc', '3bd', 'ff0'];
    expect(lowerBound(shas, '3b')).toBe(1);
    expect(lowerBound(shas, '3bd')).toBe(2);
    expect(lowerBound(shas, 'fff')).toBe(4);
    expect(lowerBound([1, 3, 3, 7], 3)).toBe(1);
    expect(lowerBound([1, 3, 3, 7], 0)).toBe(0);
    expect(lowerBound(Int32Array.from([2, 4, 6]), 5)).toBe(2);
  });

  it('searches only below `end`', () => {
    expect(lowerBound([1, 2, 3, 9], 9, 3)).toBe(3);
    expect(lowerBound([], 1, -1)).toBe(0);
  });
});
