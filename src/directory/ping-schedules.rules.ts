const DAY_MS = 86_400_000;

/** A schedule is due once its slot has come. */
export function isDue(nextRunAt: string, now: Date): boolean {
  return Date.parse(nextRunAt) <= now.getTime();
}

/**
 * The slot after a run that was due at `dueAt`: the first one on the schedule's own cadence
 * (dueAt + k × interval) that lies after `now`. After downtime the missed slots are skipped
 * — one run, not a burst — and the runs keep their time of day and spacing.
 */
export function nextSlot(dueAt: string, intervalDays: number, now: Date): string {
  const step = intervalDays * DAY_MS;
  const due = Date.parse(dueAt);
  const missed = Math.max(0, Math.floor((now.getTime() - due) / step));
  return new Date(due + (missed + 1) * step).toISOString();
}
