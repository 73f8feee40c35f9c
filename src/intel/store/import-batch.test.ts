import { describe, expect, it } from 'vitest';
import { batchSize } from './import.service.js';

describe('objects per import transaction', () => {
  it('stays at 10,000 on PostgreSQL and for a small SQLite store', () => {
    expect(batchSize(false, 5_000_000)).toBe(10_000);
    expect(batchSize(true, 0)).toBe(10_000);
    expect(batchSize(true, 250_000)).toBe(10_000);
  });

  it('grows with a large SQLite store, to at most 40,000', () => {
    expect(batchSize(true, 500_000)).toBe(20_000);
    expect(batchSize(true, 1_000_000)).toBe(40_000);
    expect(batchSize(true, 50_000_000)).toBe(40_000);
  });
});
