import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('runs the calls of one turn of the event loop together, and groups those that arrive meanwhile', async () => {
    const flushes: number[][] = [];
    const g = new GroupCommit<number, number>(async (xs) => {
      flushes.push(xs);
      await new Promise((r) => setTimeout(r, 20));
      return xs.map((x) => x * 10);
    });
    const first = [1, 2].map((x) => g.submit(x));
    // These come in a later turn, while the first flush is running.
    await new Promise((r) => setTimeout(r, 5));
    const later = [3, 4, 5].map((x) => g.submit(x));
    expect(await Promise.all([...first, ...later])).toEqual([10, 20, 30, 40, 50]);
    expect(flushes).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('gives each caller its own outcome when a grouped flush fails', async () => {
    const g = new GroupCommit<number, number>(async (xs) => {
      await new Promise((r) => setTimeout(r, 5));
      if (xs.includes(3)) throw new Error('three is refused');
      return xs;
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((x) => g.submit(x)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('three is refused'));
  });

  it('keeps batches within the limit', async () => {
    const sizes: number[] = [];
    const g = new GroupCommit<number, number>(async (xs) => {
      sizes.push(xs.length);
      await new Promise((r) => setTimeout(r, 5));
      return xs;
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => g.submit(i)));
    expect(sizes).toEqual([3, 3, 2]);
  });
});
