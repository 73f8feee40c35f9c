import { describe, expect, it } from 'vitest';
import { InboxLane } from './inbox-lane.js';

describe('the lane for large bodies of unproven sources', () => {
  it('lets small bodies and proven addresses through, and proof lapses', () => {
    const lane = new InboxLane(1024, 1, 1000, 60_000);
    expect([lane.mustWait('10.0.0.1', 1024, 0), lane.mustWait('10.0.0.1', 1025, 0)]).toEqual([false, true]);
    lane.prove('10.0.0.1', 0);
    expect([lane.mustWait('10.0.0.1', 50_000_000, 59_999), lane.mustWait('10.0.0.2', 50_000_000, 1)]).toEqual([false, true]);
    expect(lane.mustWait('10.0.0.1', 50_000_000, 60_000)).toBe(true);
  });

  it('gives turns one at a time in order of arrival, and refuses a turn not had in time', async () => {
    const lane = new InboxLane(0, 1, 50);
    const order: string[] = [];
    expect(await lane.enter()).toBe(true);
    const b = lane.enter().then((got) => order.push(`b:${got}`));
    const c = lane.enter().then((got) => order.push(`c:${got}`));
    expect(lane.waiting).toBe(2);
    lane.leave();
    await b;
    expect(order).toEqual(['b:true']);
    await c; // b holds the lane past c's wait
    expect(order).toEqual(['b:true', 'c:false']);
    expect(lane.waiting).toBe(0);
    lane.leave();
    expect(await lane.enter()).toBe(true);
  });

  it('stays closed after a refused body for as long as reading it at the set pace would take', async () => {
    const lane = new InboxLane(0, 1, 1000, 60_000, 1024);
    expect(lane.pauseAfterRefusal(100 * 1024)).toBe(100);
    expect(await lane.enter()).toBe(true);
    const t0 = Date.now();
    lane.leave(lane.pauseAfterRefusal(60 * 1024));
    expect(await lane.enter()).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('is as wide as it was made', async () => {
    const lane = new InboxLane(0, 2, 20);
    expect([await lane.enter(), await lane.enter(), await lane.enter()]).toEqual([true, true, false]);
  });
});
