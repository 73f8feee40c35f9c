import { describe, expect, it } from 'vitest';
import { SerialPass } from './serial-pass.js';

describe('SerialPass', () => {
  it('never overlaps passes, and runs one more after kicks during a pass', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => {};
    const runner = new SerialPass(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      await new Promise<void>((r) => (release = r));
      active--;
    }, () => {});
    runner.kick();
    runner.kick();
    runner.kick();
    release();
    await new Promise((r) => setTimeout(r, 0));
    release();
    await runner.settle();
    await new Promise((r) => setTimeout(r, 0));
    expect([runs, maxActive, runner.busy]).toEqual([2, 1, false]);
  });

  it('reports a failed pass and keeps working; after stop it runs nothing', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const runner = new SerialPass(async () => {
      runs++;
      if (runs === 1) throw new Error('boom');
    }, (e) => errors.push(e));
    runner.kick();
    await runner.settle();
    runner.kick();
    await runner.stop();
    runner.kick();
    expect([runs, errors.length]).toEqual([2, 1]);
  });
});
