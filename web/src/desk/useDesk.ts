import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { useResource, type Resource } from '../shared/hooks/useResource.js';
import { newArrivals, nextDeadline } from './desk.rules.js';
import { playArrivalTone, saveSoundEnabled, soundEnabled, unlockAudio } from './deskSound.js';
import type { DeskItem, DeskView } from './types.js';
import { useLiveEvents } from './useLiveEvents.js';

export interface DeskState {
  desk: Resource<DeskView>;
  /** Items waiting for the signed-in user (the badge and the tab title). */
  count: number;
  /** Whether live updates are connected. */
  live: boolean;
  /** Grows with every change the node announces (pages reload their lists on it). */
  tick: number;
  sound: boolean;
  setSound(on: boolean): void;
}

/**
 * The duty desk for the whole signed-in app: loaded once, read again when the node says it
 * changed (server-sent events, no polling) and when a deadline on it passes; a tone on new
 * items if the officer turned sound on.
 */
export function useDeskState(): DeskState {
  // Read in the background (on events): a 401 here, e.g. right after signing out, is not what ends the session.
  const desk = useResource(() => api.get('/api/v1/desk', { quiet401: true }));
  const { reload } = desk;
  const [tick, setTick] = useState(0);
  const live = useLiveEvents(
    useCallback(() => {
      setTick((n) => n + 1);
      void reload();
    }, [reload]),
  );
  const [sound, setSoundState] = useState(soundEnabled);

  const previous = useRef<DeskItem[] | undefined>(undefined);
  useEffect(() => {
    if (!desk.data) return;
    if (sound && newArrivals(previous.current, desk.data.items).length > 0) playArrivalTone();
    previous.current = desk.data.items;
  }, [desk.data, sound]);

  // When a deadline passes the item may close (a ping test's window): read the desk again then.
  useEffect(() => {
    const at = desk.data ? nextDeadline(desk.data.items, Date.now()) : null;
    if (at === null) return;
    const timer = setTimeout(() => void reload(), Math.min(at - Date.now() + 1000, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [desk.data, reload]);

  const setSound = useCallback((on: boolean) => {
    if (on) unlockAudio();
    saveSoundEnabled(on);
    setSoundState(on);
  }, []);

  return { desk, count: desk.data?.items.length ?? 0, live, tick, sound, setSound };
}

export const DeskContext = createContext<DeskState | null>(null);

export function useDesk(): DeskState | null {
  return useContext(DeskContext);
}

/** Re-renders every `ms` so ages and countdowns stay current (a local clock, no request). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
