import { useCallback } from 'react';
import { users } from '../api/endpoints.js';
import type { Role, User, UserWithPassword } from '../api/types.js';
import { useResource } from '../shared/hooks/useResource.js';

/** The node's users and the admin's actions on them. */
export function useUsers() {
  const resource = useResource(users.list);
  const { setData } = resource;

  const replace = useCallback((user: User) => setData((list) => list?.map((u) => (u.id === user.id ? user : u))), [setData]);

  const createUser = useCallback(
    async (input: { email: string; display_name: string; role: Role }): Promise<UserWithPassword> => {
      const created = await users.create(input);
      setData((list) => [...(list ?? []), created.user]);
      return created;
    },
    [setData],
  );

  const updateUser = useCallback(
    async (id: string, patch: { role?: Role; disabled?: boolean; display_name?: string }) => replace(await users.update(id, patch)),
    [replace],
  );

  const resetUser = useCallback(
    async (id: string, resetTotp: boolean): Promise<UserWithPassword> => {
      const result = await users.reset(id, resetTotp);
      replace(result.user);
      return result;
    },
    [replace],
  );

  return { ...resource, createUser, updateUser, resetUser };
}
