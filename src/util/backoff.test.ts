import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.js';

describe('backoffMs', () => {
  it('waits between half and all of the exponential step, never beyond the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, base, cap, r) => {
        const step = Math.min(cap, base * 2 ** Math.min(n, 30));
        const w = backoffMs(n, base, cap, () => r);
        expect(w).toBeGreaterThanOrEqual(Math.floor(step / 2));
        expect(w).toBeLessThanOrEqual(Math.ceil(step));
      }),
    );
    expect(backoffMs(3, 100, 10_000, () => 0)).toBe(400);
    expect(backoffMs(3, 100, 10_000, () => 0.5)).toBe(600);
  });
});
