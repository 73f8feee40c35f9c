import { useEffect, useRef, useState } from 'react';

const EVENTS_URL = '/api/v1/events';
/** One tab of this origin holds the stream (Web Locks); the others hear from it (BroadcastChannel). */
const LEADER_LOCK = 'accord-live-events';
const CHANNEL = 'accord-live-events';

type Message = { kind: 'desk' } | { kind: 'live'; live: boolean } | { kind: 'ask' };

/**
 * Listens to the node's live changes (GET /api/v1/events, server-sent events) and calls
 * `onDeskChanged` when the duty desk may have changed, and again after every reconnection
 * (changes made while the stream was down were not heard). EventSource reconnects by itself
 * after a network error or when the server ends the stream; a refused stream (401, 503) is
 * opened again after a growing pause. Only one tab keeps a stream open (a browser allows
 * six connections per server over HTTP/1.1, and an officer may keep many tabs): the tab that
 * holds the lock passes what it hears to the others; when it closes, another takes over.
 * Returns whether the stream is open now.
 */
export function useLiveEvents(onDeskChanged: () => void): boolean {
  const callback = useRef(onDeskChanged);
  callback.current = onDeskChanged;
  const [live, setLive] = useState(false);

  useEffect(() => {
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let opened = false;
    let stopped = false;
    let leading = false;
    let sawLeader = false;
    let isLive = false;

    const tell = (m: Message) => channel?.postMessage(m);
    function setLiveHere(value: boolean) {
      isLive = value;
      setLive(value);
      if (leading) tell({ kind: 'live', live: value });
    }
    function handleDesk() {
      callback.current();
      tell({ kind: 'desk' });
    }
    function handleOpen() {
      failures = 0;
      setLiveHere(true);
      // The first opening follows the first load; a later one may have missed changes.
      if (opened) handleDesk();
      opened = true;
    }
    function handleError() {
      setLiveHere(false);
      if (source?.readyState !== EventSource.CLOSED || stopped) return;
      // Refused (not a network error): EventSource gives up, so we try again later.
      source = null;
      const pause = Math.min(60_000, 2_000 * 2 ** failures++);
      retry = setTimeout(connect, pause);
    }
    function connect() {
      if (stopped) return;
      source = new EventSource(EVENTS_URL, { withCredentials: true });
      source.addEventListener('desk', handleDesk);
      source.addEventListener('open', handleOpen);
      source.addEventListener('error', handleError);
    }

    if (channel) {
      channel.onmessage = (e: MessageEvent<Message>) => {
        const m = e.data;
        if (m.kind === 'desk' && !leading) callback.current();
        else if (m.kind === 'live' && !leading) {
          sawLeader = true;
          setLive(m.live);
        }
        else if (m.kind === 'ask' && leading) tell({ kind: 'live', live: isLive });
      };
    }

    const abort = new AbortController();
    if (locks && channel) {
      tell({ kind: 'ask' });
      locks
        .request(LEADER_LOCK, { signal: abort.signal }, () => {
          leading = true;
          // Taking over from a tab that closed: changes may have come in between.
          if (sawLeader) callback.current();
          connect();
          // Held until this tab's page goes (the promise never settles before).
          return new Promise<void>((release) => abort.signal.addEventListener('abort', () => release()));
        })
        .catch(() => {
          // Aborted while waiting: this tab went before it led.
        });
    } else {
      connect();
    }

    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
      abort.abort();
      channel?.close();
    };
  }, []);

  return live;
}
