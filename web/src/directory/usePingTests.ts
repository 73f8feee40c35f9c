import { useCallback, useMemo } from 'react';
import { pingTests } from '../api/endpoints.js';
import type { PingTarget, PingTest, PingTestRecord, PingTestStats, Role } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

/** How often ping tests and their results are reloaded while the page is visible. */
export const PING_TESTS_REFRESH_MS = 5000;
/** Window of a new test unless the coordinator chooses another, in minutes (the server's default). */
export const DEFAULT_WINDOW_MINUTES = 60;
/** The server's limit on a window: one week. */
export const MAX_WINDOW_MINUTES = 10_080;
/** Roles that may start a ping test (the server's directory:write). */
export const PING_START: readonly Role[] = ['admin', 'coordinator'];
/** Roles that may confirm a received test (the server's ping:answer). */
export const PING_ANSWER: readonly Role[] = ['admin', 'coordinator', 'officer', 'analyst'];

const EMPTY_STATS: PingTestStats = { nodes: {}, groups: {} };

async function loadAll(): Promise<{ tests: PingTest[]; stats: PingTestStats }> {
  const [tests, stats] = await Promise.all([pingTests.list(), pingTests.stats()]);
  return { tests, stats };
}

/** Ping tests both ways and their results (refreshed every few seconds), starting and confirming tests. */
export function usePingTests() {
  const resource = useResource(loadAll);
  const { data, reload, setData } = resource;
  useAutoRefresh(reload, PING_TESTS_REFRESH_MS);

  const start = useCallback(
    async (target: PingTarget, windowMinutes: number): Promise<PingTestRecord[]> => {
      const started = await pingTests.start(target, windowMinutes);
      await reload();
      return started;
    },
    [reload],
  );

  const confirm = useCallback(
    async (id: string): Promise<PingTestRecord> => {
      const confirmed = await pingTests.confirm(id);
      // the answer has no peer state: keep the listed one until the reload
      setData((d) => d && { ...d, tests: d.tests.map((x) => (x.id === id ? { ...x, ...confirmed } : x)) });
      void reload();
      return confirmed;
    },
    [reload, setData],
  );

  const split = useMemo(() => {
    const tests = data?.tests ?? [];
    return {
      incoming: tests.filter((x) => x.direction === 'incoming'),
      outgoing: tests.filter((x) => x.direction === 'outgoing'),
      stats: data?.stats ?? EMPTY_STATS,
    };
  }, [data]);

  return { ...resource, ...split, start, confirm };
}
