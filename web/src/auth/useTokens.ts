import { useCallback } from 'react';
import { tokens } from '../api/endpoints.js';
import { useResource } from '../shared/hooks/useResource.js';

/** The signed-in user's API tokens. */
export function useTokens() {
  const resource = useResource(tokens.list);
  const { setData } = resource;

  const createToken = useCallback(
    async (name: string, expiresInDays?: number): Promise<string> => {
      const created = await tokens.create(name, expiresInDays);
      setData((list) => [created.record, ...(list ?? [])]);
      return created.token;
    },
    [setData],
  );

  const revokeToken = useCallback(
    async (id: string) => {
      const revoked = await tokens.revoke(id);
      setData((list) => list?.map((t) => (t.id === id ? revoked : t)));
    },
    [setData],
  );

  return { ...resource, createToken, revokeToken };
}
