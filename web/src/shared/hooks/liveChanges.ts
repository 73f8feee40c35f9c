import { createContext, useContext } from 'react';

/**
 * The node's live change stream as pages see it: `tick` grows each time the node says
 * something changed (server-sent events, held by the duty desk), and `live` says whether the
 * stream is open. Lists reload on a tick instead of polling while it is open.
 */
export interface LiveChanges {
  live: boolean;
  tick: number;
}

export const LiveChangesContext = createContext<LiveChanges>({ live: false, tick: 0 });

export function useLiveChanges(): LiveChanges {
  return useContext(LiveChangesContext);
}
