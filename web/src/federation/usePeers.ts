import { useCallback } from 'react';
import { peers } from '../api/endpoints.js';
import type { PeerRecord, PingResult, Role } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

/** Roles that may see the federation's peers (the server's peers:read). */
export const PEERS_VIEW: readonly Role[] = ['admin', 'coordinator', 'auditor'];

/** How often the peers list is reloaded while the page is visible. */
export const PEERS_REFRESH_MS = 5000;

export type PeerStatusAction = 'suspend' | 'resume' | 'retry' | 'remove';

/** This node's peers with their delivery state (refreshed every few seconds), and the admin's actions on them. */
export function usePeers() {
  const resource = useResource(peers.list);
  const { setData, reload } = resource;
  useAutoRefresh(reload, PEERS_REFRESH_MS);

  // Actions return the peer without its delivery state: keep the state we have, then reload it.
  const merge = useCallback(
    (record: PeerRecord) => {
      setData((list) => list?.map((p) => (p.node_id === record.node_id ? { ...p, ...record } : p)));
      void reload();
    },
    [setData, reload],
  );

  const addPeer = useCallback(
    async (url: string, fingerprint: string): Promise<PeerRecord> => {
      const added = await peers.add(url, fingerprint);
      await reload();
      return added;
    },
    [reload],
  );

  const changePeer = useCallback(async (id: string, action: PeerStatusAction) => merge(await peers[action](id)), [merge]);

  const pingPeer = useCallback(
    async (id: string): Promise<PingResult> => {
      try {
        return await peers.ping(id);
      } finally {
        void reload();
      }
    },
    [reload],
  );

  const sendNotice = useCallback(
    async (id: string, subject: string, text: string): Promise<string[]> => {
      const { message_ids } = await peers.sendNotice(id, subject, text);
      void reload();
      return message_ids;
    },
    [reload],
  );

  return { ...resource, addPeer, changePeer, pingPeer, sendNotice };
}
