import { useCallback } from 'react';
import { pingSchedules } from '../api/endpoints.js';
import type { NewPingSchedule, PingSchedule } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';
import { PING_TESTS_REFRESH_MS } from './usePingTests.js';

/** The presets of a schedule's interval, in days. */
export const SCHEDULE_PRESETS = { monthly: 30, quarterly: 91, halfYearly: 182, yearly: 365 } as const;
export type SchedulePreset = keyof typeof SCHEDULE_PRESETS;
/** The server's bounds on an interval. */
export const MIN_INTERVAL_DAYS = 1;
export const MAX_INTERVAL_DAYS = 366;

/** The preset with this interval, if any. */
export function presetOf(days: number): SchedulePreset | undefined {
  return (Object.keys(SCHEDULE_PRESETS) as SchedulePreset[]).find((p) => SCHEDULE_PRESETS[p] === days);
}

function byNextRun(a: PingSchedule, b: PingSchedule): number {
  return a.next_run_at.localeCompare(b.next_run_at) || a.id.localeCompare(b.id);
}

/** Scheduled ping tests, next due first (refreshed with the tests: runs move next/last run), creating and deleting them. */
export function usePingSchedules() {
  const resource = useResource(pingSchedules.list);
  const { reload, setData } = resource;
  useAutoRefresh(reload, PING_TESTS_REFRESH_MS);

  const create = useCallback(
    async (input: NewPingSchedule): Promise<PingSchedule> => {
      const created = await pingSchedules.create(input);
      setData((list) => [...(list ?? []).filter((s) => s.id !== created.id), created].sort(byNextRun));
      return created;
    },
    [setData],
  );

  const remove = useCallback(
    async (id: string): Promise<void> => {
      await pingSchedules.remove(id);
      setData((list) => list?.filter((s) => s.id !== id));
    },
    [setData],
  );

  return { ...resource, create, remove };
}
