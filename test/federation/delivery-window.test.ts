import { describe, expect, it } from 'vitest';
import { DeliveryWindow, WakeSignal } from '../../src/federation/delivery-window.js';

/** A send whose outcome the test decides. */
function send() {
  let settle!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (settle = r));
  return { promise, settle };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the delivery window', () => {
  it('takes batches while a slot is free and holds the caller once all are taken', async () => {
    const w = new DeliveryWindow(2);
    const [s1, s2] = [send(), send()];
    await w.add(s1.promise, [1, 2]);
    expect([w.empty, w.full, w.messages, w.holds(2), w.holds(3)]).toEqual([false, false, 2, true, false]);
    let added = false;
    const adding = w.add(s2.promise, [3]).then(() => (added = true));
    await tick();
    expect([added, w.full]).toEqual([false, true]);
    s1.settle(true);
    await adding;
    expect([w.messages, w.holds(1), w.holds(3), w.failed]).toEqual([1, false, true, false]);
  });

  it('wakes a waiting loop when a batch settles or when messages are queued, whichever comes first', async () => {
    const w = new DeliveryWindow(3);
    const signal = new WakeSignal();
    const s = send();
    await w.add(s.promise, [1]);
    let since = signal.generation;
    let woke = false;
    let waiting = w.settleOneOr(signal.wait(since)).then(() => (woke = true));
    await tick();
    expect(woke).toBe(false);
    signal.fire();
    await waiting;
    expect(w.empty).toBe(false);

    since = signal.generation;
    woke = false;
    waiting = w.settleOneOr(signal.wait(since)).then(() => (woke = true));
    await tick();
    expect(woke).toBe(false);
    s.settle(true);
    await waiting;
    expect(w.empty).toBe(true);
  });

  it('does not miss a wake-up fired between looking for work and waiting', async () => {
    const w = new DeliveryWindow(3);
    const signal = new WakeSignal();
    await w.add(send().promise, [1]);
    const since = signal.generation;
    signal.fire(); // a message was queued after the loop looked
    let woke = false;
    await Promise.race([w.settleOneOr(signal.wait(since)).then(() => (woke = true)), tick()]);
    expect(woke).toBe(true);
  });

  it('wakes a wait for several calls only once that many were fired since the look, counting those fired before the wait', async () => {
    const signal = new WakeSignal();
    const since = signal.generation;
    signal.fire(); // fired between the look and the wait: counts
    let woke = false;
    const waiting = signal.wait(since, 3).then(() => (woke = true));
    signal.fire();
    await tick();
    expect(woke).toBe(false);
    signal.fire();
    await waiting;
    expect(woke).toBe(true);
    // Several waits at once: each wakes at its own count.
    const g = signal.generation;
    const order: number[] = [];
    const a = signal.wait(g, 2).then(() => order.push(2));
    const b = signal.wait(g, 1).then(() => order.push(1));
    signal.fire(2);
    await Promise.all([a, b]);
    expect(order.sort()).toEqual([1, 2]);
  });

  it('wakes every wait once closed, and later waits at once (the worker is stopping)', async () => {
    const signal = new WakeSignal();
    const pending = signal.wait(signal.generation, 1000);
    signal.close();
    await pending;
    let woke = false;
    await Promise.race([signal.wait(signal.generation, 1000).then(() => (woke = true)), tick()]);
    expect(woke).toBe(true);
  });

  it('closes on a failed send, still awaiting the others, and starts from the lowest message after a drain', async () => {
    const w = new DeliveryWindow(3);
    const [s1, s2] = [send(), send()];
    await w.add(s1.promise, [1]);
    await w.add(s2.promise, [2]);
    w.cursor = 2;
    s1.settle(false);
    await w.settleOneOr(new Promise(() => undefined));
    expect(w.failed).toBe(true);
    let drained = false;
    const draining = w.drain().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    s2.settle(true);
    await draining;
    expect([w.empty, w.cursor, w.messages]).toEqual([true, -1, 0]);
  });
});
