import { useCallback, useMemo } from 'react';
import { groups, peers } from '../api/endpoints.js';
import type { GroupDetail, NewGroup, Peer, ProposedChange } from '../api/types.js';
import { PEERS_VIEW } from '../app/Sidebar.js';
import { useSignedIn } from '../auth/useSession.js';
import { nodeName, useNodeInfo } from '../node/useNodeInfo.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { useResource } from '../shared/hooks/useResource.js';

/** How often groups are reloaded while the page is visible (consents arrive from other nodes). */
export const GROUPS_REFRESH_MS = 5000;

/** The groups this node founded, belongs to, is invited to or left (refreshed every few seconds), and founding a new one. */
export function useGroups() {
  const resource = useResource(groups.list);
  const { reload } = resource;
  useAutoRefresh(reload, GROUPS_REFRESH_MS);

  const createGroup = useCallback(
    async (input: NewGroup): Promise<GroupDetail> => {
      const created = await groups.create(input);
      await reload();
      return created;
    },
    [reload],
  );

  return { ...resource, createGroup };
}

/** One group with its signed history, and this node's proposals and answers in it. */
export function useGroup(id: string) {
  const load = useCallback(() => groups.get(id), [id]);
  const resource = useResource(load, id);
  const { setData, reload } = resource;
  useAutoRefresh(reload, GROUPS_REFRESH_MS);

  // Every action returns the group as it is now: show it at once.
  const adopt = useCallback(
    (g: GroupDetail) => {
      setData(() => g);
      return g;
    },
    [setData],
  );

  const propose = useCallback(async (change: ProposedChange) => adopt(await groups.propose(id, change)), [id, adopt]);
  const consent = useCallback(async (pid: string) => adopt(await groups.consent(id, pid)), [id, adopt]);
  const refuse = useCallback(async (pid: string, reason?: string) => adopt(await groups.refuse(id, pid, reason)), [id, adopt]);

  return { ...resource, propose, consent, refuse };
}

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
