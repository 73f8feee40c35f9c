import { useEffect, useRef, useState } from 'react';

const EVENTS_URL = '/api/v1/events';

/**
 * Listens to the node's live changes (GET /api/v1/events, server-sent events) and calls
 * `onDeskChanged` when the duty desk may have changed, and again after every reconnection
 * (changes made while the stream was down were not heard). EventSource reconnects by itself
 * after a network error or when the server ends the stream; a refused stream (401, 503) is
 * opened again after a growing pause. Returns whether the stream is open now.
 */
export function useLiveEvents(onDeskChanged: () => void): boolean {
  const callback = useRef(onDeskChanged);
  callback.current = onDeskChanged;
  const [live, setLive] = useState(false);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let opened = false;
    let stopped = false;

    function handleDesk() {
      callback.current();
    }
    function handleOpen() {
      failures = 0;
      setLive(true);
      // The first opening follows the first load; a later one may have missed changes.
      if (opened) callback.current();
      opened = true;
    }
    function handleError() {
      setLive(false);
      if (source?.readyState !== EventSource.CLOSED || stopped) return;
      // Refused (not a network error): EventSource gives up, so we try again later.
      source = null;
      const pause = Math.min(60_000, 2_000 * 2 ** failures++);
      retry = setTimeout(connect, pause);
    }
    function connect() {
      source = new EventSource(EVENTS_URL, { withCredentials: true });
      source.addEventListener('desk', handleDesk);
      source.addEventListener('open', handleOpen);
      source.addEventListener('error', handleError);
    }

    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, []);

  return live;
}
