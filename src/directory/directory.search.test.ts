import { describe, expect, it } from 'vitest';
import { phoneDigits, searchQueryOf } from './directory.search.js';

describe('directory search text', () => {
  it('searches a number by its digits however it is spaced', () => {
    expect(phoneDigits('+998 (71) 200-00-00')).toBe('998712000000');
    expect(searchQueryOf('998712000000')).toBe('998712000000');
    expect(searchQueryOf(' +998 71 200-00-00 ')).toBe('998712000000');
    expect(searchQueryOf('(71) 200.00')).toBe('7120000');
  });

  it('keeps words, short numbers and mixed text as normalised words', () => {
    expect(searchQueryOf('Oʻzbekiston')).toBe('ozbekiston');
    expect(searchQueryOf('24')).toBe('24');
    expect(searchQueryOf('cert 24/7')).toBe('cert 24/7');
  });
});
