import { useCallback, useMemo } from 'react';
import { peers } from '../api/endpoints.js';
import type { Peer } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { nodeName, useNodeInfo } from '../node/useNodeInfo.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { useResource } from '../shared/hooks/useResource.js';
import { PEERS_VIEW } from './usePeers.js';

/** A node's name and whether it is this node, for showing node ids. */
export interface NodeLabel {
  name: string;
  self: boolean;
}

/**
 * This node's peers (for roles that may see them; others get an empty list) and a way to
 * name any node: this node and peers by their names in the UI language, others by their id.
 */
export function useNodeDirectory(): { peers: Peer[]; label: (id: string) => NodeLabel } {
  const { user } = useSignedIn();
  const { language } = useLanguage();
  const info = useNodeInfo();
  const mayList = PEERS_VIEW.includes(user.role);
  const load = useCallback(() => (mayList ? peers.list() : Promise.resolve([] as Peer[])), [mayList]);
  const { data } = useResource(load, mayList);

  return useMemo(() => {
    const list = data ?? [];
    const byId = new Map(list.map((p) => [p.node_id, p]));
    const label = (id: string): NodeLabel => {
      if (info && id === info.node_id) return { name: nodeName(info, language), self: true };
      const peer = byId.get(id);
      return { name: peer ? nodeName(peer, language) : id, self: false };
    };
    return { peers: list, label };
  }, [data, info, language]);
}
