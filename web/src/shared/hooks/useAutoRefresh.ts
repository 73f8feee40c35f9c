import { useEffect, useRef } from 'react';

/**
 * Calls `refresh` every `intervalMs` while the page is visible, and once more as soon as
 * it becomes visible again; a hidden tab makes no requests.
 */
export function useAutoRefresh(refresh: () => unknown, intervalMs: number): void {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

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
