import { describe, expect, it } from 'vitest';
import { holdsNul } from './delivery.rules.js';

describe('a body holding U+0000', () => {
  it('is found in any string, member name or array element, however deep', () => {
    expect(holdsNul('a\u0000b')).toBe(true);
    expect(holdsNul({ a: [{ b: ['x', 'y\u0000'] }] })).toBe(true);
    expect(holdsNul({ ['k\u0000']: 1 })).toBe(true);
  });

  it('is not confused with the six characters of its JSON escape, or with other controls', () => {
    expect(holdsNul({ subject: '\\u0000', text: '\u0001\t\n', n: 0, b: false, z: null })).toBe(false);
  });
});
