import { describe, expect, it } from 'vitest';
import { AddressBudget, holdsNul } from './delivery.rules.js';

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

describe('the budget of a source address at the inbox', () => {
  it('lets a peer deliver as often as it likes: a batch taken gives its request back', () => {
    const b = new AddressBudget(5);
    for (let i = 0; i < 100; i++) {
      expect(b.take('10.0.0.1', 0)).toBe(true);
      b.settle('10.0.0.1', true, 2_000_000, 0);
    }
  });

  it('cuts off a source after its share of refused requests, and sooner when they are large', () => {
    const small = new AddressBudget(5);
    const answers = Array.from({ length: 7 }, () => {
      const ok = small.take('10.0.0.2', 0);
      if (ok) small.settle('10.0.0.2', false, 1000, 0);
      return ok;
    });
    expect(answers).toEqual([true, true, true, true, true, false, false]);

    const large = new AddressBudget(6000);
    let taken = 0;
    while (large.take('10.0.0.3', 0)) {
      large.settle('10.0.0.3', false, 30 * 1024 * 1024, 0);
      taken++;
    }
    expect(taken).toBe(4);
    // 6000 a minute come back at 100 a second: one more 30 MiB refusal every 20 s or so.
    expect(large.take('10.0.0.3', 10_000)).toBe(false);
    expect(large.take('10.0.0.3', 20_000)).toBe(true);
    // Another address is not affected.
    expect(large.take('10.0.0.4', 0)).toBe(true);
  });
});
