import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { EarlierReleasesMissingError, SenderArrivals } from './sender-arrivals.js';

describe('SenderArrivals', () => {
  it('stores a batch again once the batch it waited for is stored, without going back to the sender', async () => {
    const a = new SenderArrivals();
    const leave1 = a.enter('x', 1);
    const leave2 = a.enter('x', 501);
    let openingStored = false;
    const tries: boolean[] = [];
    // Batch 2 comes first: its case's opening is in batch 1, still being stored.
    let waited = 0;
    const second = a.inOrder('x', 501, async () => {
      tries.push(openingStored);
      if (!openingStored) throw new EarlierReleasesMissingError('opening missing');
      return 'second stored';
    }, { onWait: () => waited++ });
    await new Promise((r) => setImmediate(r));
    const first = a.inOrder('x', 1, async () => {
      openingStored = true;
      return 'first stored';
    });
    expect(await first).toBe('first stored');
    expect(await second).toBe('second stored');
    expect(tries).toEqual([false, true]);
    expect(waited).toBe(1);
    leave1();
    leave2();
    expect(a.arriving('x')).toBe(0);
  });

  it('gives up at once when no batch of the sender numbered lower is arriving, and on any other error', async () => {
    const a = new SenderArrivals();
    const leave = a.enter('x', 501);
    let n = 0;
    const started = Date.now();
    const missing = async () => { n++; throw new EarlierReleasesMissingError('opening missing'); };
    await expect(a.inOrder('x', 501, missing, { waitMs: 60_000 })).rejects.toBeInstanceOf(EarlierReleasesMissingError);
    expect(n).toBe(1);
    // A batch numbered higher is arriving and waits for this one to go: this one does not wait for it.
    const higher = a.enter('x', 1001);
    const higherWaits = a.afterEarlier('x', 1001, { ms: 60_000 });
    await expect(a.inOrder('x', 501, missing, { waitMs: 60_000 })).rejects.toBeInstanceOf(EarlierReleasesMissingError);
    expect(n).toBe(2);
    leave();
    expect(await higherWaits).toBe(true);
    // Without release numbers nothing is waited for.
    const lower = a.enter('x', 1);
    await expect(a.inOrder('x', null, missing, { waitMs: 60_000 })).rejects.toBeInstanceOf(EarlierReleasesMissingError);
    expect(n).toBe(3);
    await expect(a.inOrder('x', 1001, async () => { n++; throw new ConflictError('something else'); }, { waitMs: 60_000 })).rejects.toThrow('something else');
    expect(n).toBe(4);
    expect(Date.now() - started).toBeLessThan(5_000);
    higher();
    lower();
  });

  it('waits at most its time, and tries at most its number of times, when the batch waited for never comes', async () => {
    const a = new SenderArrivals();
    const leaves = [a.enter('x', 1), a.enter('x', 501)];
    let n = 0;
    await expect(a.inOrder('x', 501, async () => { n++; throw new EarlierReleasesMissingError('opening missing'); }, { waitMs: 30 })).rejects.toBeInstanceOf(EarlierReleasesMissingError);
    expect(n).toBe(1);
    // Other batches keep being stored, but never the one needed: a bounded number of tries.
    const busy = setInterval(() => a.stored('x'), 5);
    try {
      await expect(a.inOrder('x', 501, async () => { n++; throw new EarlierReleasesMissingError('opening missing'); }, { waitMs: 1_000, tries: 3 })).rejects.toBeInstanceOf(EarlierReleasesMissingError);
    } finally {
      clearInterval(busy);
    }
    expect(n).toBe(4);
    // A stored batch of another sender wakes no one here.
    const waiting = a.nextChange('x', 50);
    a.stored('y');
    expect(await waiting.done).toBe(false);
    for (const leave of leaves) leave();
  });

  it("stores a batch after the sender's batches numbered lower that are arriving, and only those", async () => {
    const a = new SenderArrivals();
    const leaveLow = a.enter('x', 1);
    const leaveHigh = a.enter('x', 501);
    const leaveOther = a.enter('y', 1);
    // Nothing lower arriving: no wait.
    expect(await a.afterEarlier('x', 1)).toBe(false);
    let done = false;
    const high = a.afterEarlier('x', 501).then((w) => ((done = true), w));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    leaveOther();
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    leaveLow();
    expect(await high).toBe(true);
    // A lower batch that never leaves holds it at most its time.
    const stuck = a.enter('x', 1);
    const started = Date.now();
    expect(await a.afterEarlier('x', 501, { ms: 50 })).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    stuck();
    leaveHigh();
    expect(a.arriving('x')).toBe(0);
  });
});
