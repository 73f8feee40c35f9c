import { describe, expect, it } from 'vitest';
import { illFormedTextAt } from './well-formed-text.js';

describe('illFormedTextAt', () => {
  it('accepts well-formed text in any script, emoji included', () => {
    expect(illFormedTextAt({ a: ['Oʻzbekiston', 'Узбекистан', '🇺🇿 \u202e'], b: { c: 1, d: null } })).toBeNull();
  });
  it('points at a lone surrogate or a NUL, in a value or a key', () => {
    expect(illFormedTextAt({ a: ['ok', 'x\ud800'] })).toBe('/a/1');
    expect(illFormedTextAt({ a: { 'b/\udc00': 1 } })).toBe('/a/b~1\udc00');
    expect(illFormedTextAt({ name: 'a\u0000b' })).toBe('/name');
    expect(illFormedTextAt('\udfff\ud800')).toBe('');
  });
  it('walks deep nesting without recursion', () => {
    let v: unknown = 'x\ud800';
    for (let i = 0; i < 20_000; i++) v = [v];
    expect(illFormedTextAt(v)).toMatch(/^(\/0)+$/);
  });
});
