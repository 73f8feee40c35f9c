import { useCallback } from 'react';
import { groups } from '../api/endpoints.js';
import type { GroupDetail, NewGroup, ProposedChange, Role } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

/** Roles that may change groups (the server's groups:write); every role may see them. */
export const GROUPS_EDIT: readonly Role[] = ['admin', 'coordinator'];

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
