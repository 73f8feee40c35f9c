import { describe, expect, it } from 'vitest';
import { AddressBudget, holdsNul, sendsNow } from './delivery.rules.js';

describe('whether a batch goes at once', () => {
  it('always goes with nothing in flight, however small', () => {
    expect([sendsNow(1, 0, 500), sendsNow(0, 0, 500)]).toEqual([true, false]);
  });

  it('waits behind a batch in flight unless it is a backlog of a quarter of the batch size', () => {
    expect([sendsNow(1, 1, 500), sendsNow(124, 2, 500), sendsNow(125, 1, 500), sendsNow(500, 2, 500)]).toEqual([false, false, true, true]);
    expect([sendsNow(1, 1, 1), sendsNow(1, 1, 3)]).toEqual([true, true]);
  });
});

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
  const MiB = 1024 * 1024;

  it('lets a peer deliver as often as it likes: a batch taken gives its request and deposit back', () => {
    const b = new AddressBudget(5);
    for (let i = 0; i < 100; i++) {
      const deposit = b.take('10.0.0.1', 2 * MiB, 0);
      expect(deposit).toBe(1);
      b.settle('10.0.0.1', true, 2 * MiB, deposit!, 0);
    }
  });

  it('cuts off a source after its share of refused requests', () => {
    const b = new AddressBudget(5);
    const answers = Array.from({ length: 7 }, () => {
      const deposit = b.take('10.0.0.2', 1000, 0);
      if (deposit !== null) b.settle('10.0.0.2', false, 1000, deposit, 0);
      return deposit !== null;
    });
    expect(answers).toEqual([true, true, true, true, true, false, false]);
  });

  it('reads no more large bodies at once than the source can pay for, and few of them in all', () => {
    const b = new AddressBudget(6000);
    // Four 30 MiB batches sent at once: three are read, the fourth is refused before it is.
    const deposits = Array.from({ length: 4 }, () => b.take('10.0.0.3', 30 * MiB, 0));
    expect(deposits.map((d) => d !== null)).toEqual([true, true, true, false]);
    for (const d of deposits.slice(0, 3)) b.settle('10.0.0.3', false, 30 * MiB, d!, 0);
    // 6000 a minute come back at 100 a second: one more 30 MiB refusal every 20 s or so.
    expect(b.take('10.0.0.3', 30 * MiB, 10_000)).toBeNull();
    expect(b.take('10.0.0.3', 30 * MiB, 30_000)).not.toBeNull();
    // A body that declared no size pays after it was read.
    const c = new AddressBudget(6000);
    expect(c.take('10.0.0.5', 0, 0)).toBe(0);
    c.settle('10.0.0.5', false, 90 * MiB, 0, 0);
    expect(c.take('10.0.0.5', 0, 0)).toBe(0);
    expect(c.take('10.0.0.5', 30 * MiB, 0)).toBeNull();
    // Another address is not affected.
    expect(b.take('10.0.0.4', 30 * MiB, 0)).not.toBeNull();
  });
});
