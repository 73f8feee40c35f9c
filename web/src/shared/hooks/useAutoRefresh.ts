import { useEffect, useRef } from 'react';
import { useLiveChanges } from './liveChanges.js';

/**
 * Keeps a list current: reloads at once when the node says something changed (the live
 * stream), and every `intervalMs` while the page is visible, since not every change is
 * announced (a notification sent by the worker, a peer found unreachable, a scheduled run);
 * once more as soon as the page becomes visible again. A hidden tab makes no requests.
 */
export function useAutoRefresh(refresh: () => unknown, intervalMs: number): void {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const { tick } = useLiveChanges();

  const seenTick = useRef(tick);
  useEffect(() => {
    if (tick === seenTick.current) return;
    seenTick.current = tick;
    if (document.visibilityState === 'visible') refreshRef.current();
  }, [tick]);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    function start() {
      if (timer === undefined) timer = setInterval(() => refreshRef.current(), intervalMs);
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
  }, [intervalMs]);
}
