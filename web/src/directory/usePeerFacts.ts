import { useCallback, useMemo } from 'react';
import { pingTests } from '../api/endpoints.js';
import type { PingTest } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useResource } from '../shared/hooks/useResource.js';

/** What this node knows of a peer beyond its entry: the last contact over federation and the last ping test it sent it. */
export interface PeerFacts {
  /** Null before any contact; undefined when this user may not see peers. */
  lastContactAt?: string | null;
  reachable?: boolean | null;
  lastPingTest?: PingTest;
}

/** The newest ping test this node sent to each peer (tests come newest first, but do not rely on it). */
export function lastTestsByPeer(tests: readonly PingTest[]): Map<string, PingTest> {
  const out = new Map<string, PingTest>();
  for (const t of tests) {
    const seen = out.get(t.peer_node);
    if (!seen || t.started_at > seen.started_at) out.set(t.peer_node, t);
  }
  return out;
}

/** Facts for the directory's cards, by node id: peers (for roles that may list them) and outgoing ping tests (every role may read them). */
export function usePeerFacts(): (nodeId: string) => PeerFacts {
  const { peers } = useNodeDirectory();
  const load = useCallback(() => pingTests.list('outgoing').catch(() => [] as PingTest[]), []);
  const { data: tests } = useResource(load);
  return useMemo(() => {
    const byPeer = new Map(peers.map((p) => [p.node_id, p]));
    const lastTests = lastTestsByPeer(tests ?? []);
    return (nodeId: string) => {
      const p = byPeer.get(nodeId);
      return { ...(p ? { lastContactAt: p.last_contact_at, reachable: p.reachable } : {}), lastPingTest: lastTests.get(nodeId) };
    };
  }, [peers, tests]);
}
