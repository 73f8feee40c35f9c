import { describe, expect, it } from 'vitest';
import { isDue, nextSlot } from './ping-schedules.rules.js';

describe('ping schedule rules', () => {
  const due = '2026-01-01T06:00:00.000Z';
  const at = (iso: string) => new Date(iso);

  it('is due once its slot has come', () => {
    expect(isDue(due, at('2026-01-01T05:59:59.999Z'))).toBe(false);
    expect(isDue(due, at(due))).toBe(true);
    expect(isDue(due, at('2027-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('moves a run on time to the next slot on its cadence', () => {
    expect(nextSlot(due, 91, at(due))).toBe('2026-04-02T06:00:00.000Z');
    expect(nextSlot(due, 1, at('2026-01-01T06:00:05.000Z'))).toBe('2026-01-02T06:00:00.000Z');
  });

  it('after downtime skips the missed slots (one run, no burst) and keeps the time of day', () => {
    // Down for 10 quarters: the next slot is the first one after now, not the one after the missed slot.
    const now = at('2028-07-15T12:00:00.000Z');
    const next = nextSlot(due, 91, now);
    expect(Date.parse(next)).toBeGreaterThan(now.getTime());
    expect(Date.parse(next) - now.getTime()).toBeLessThanOrEqual(91 * 86_400_000);
    expect((Date.parse(next) - Date.parse(due)) % (91 * 86_400_000)).toBe(0);
    expect(next.slice(11)).toBe('06:00:00.000Z');
    // Exactly on a later slot: that slot is the run, the next one follows.
    expect(nextSlot(due, 7, at('2026-01-15T06:00:00.000Z'))).toBe('2026-01-22T06:00:00.000Z');
  });

  it('never returns a slot at or before now, even for a slot not yet due', () => {
    expect(nextSlot(due, 30, at('2025-12-01T00:00:00.000Z'))).toBe('2026-01-31T06:00:00.000Z');
  });
});
