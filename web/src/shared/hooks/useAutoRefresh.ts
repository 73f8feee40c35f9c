import { useEffect, useRef } from 'react';
import { useLiveChanges } from './liveChanges.js';

/** While the live stream is open, lists are still read this rarely, in case an event was missed. */
export const LIVE_FALLBACK_MS = 60_000;

/**
 * Keeps a list current: reloads when the node says something changed (the live stream),
 * and otherwise every `intervalMs` while the page is visible — rarely (LIVE_FALLBACK_MS)
 * when the stream is open — and once more as soon as it becomes visible again; a hidden tab
 * makes no requests.
 */
export function useAutoRefresh(refresh: () => unknown, intervalMs: number): void {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const { live, tick } = useLiveChanges();
  const period = live ? Math.max(intervalMs, LIVE_FALLBACK_MS) : intervalMs;

  const seenTick = useRef(tick);
  useEffect(() => {
    if (tick === seenTick.current) return;
    seenTick.current = tick;
    if (document.visibilityState === 'visible') refreshRef.current();
  }, [tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    function start() {
      if (timer === undefined) timer = setInterval(() => refreshRef.current(), period);
    }
    function stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    }
    function handleVisibility() {
      if (document.visibilityState === 'visible') {
        refreshRef.current();
        start();
      } else {
        stop();
      }
    }
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', handleVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', handleVisibility);
    };
  }, [period]);
}
