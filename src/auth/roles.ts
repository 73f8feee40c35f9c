/** Roles of a node's users. The auditor can read but never change anything. */
export const Role = {
  admin: 'admin',
  coordinator: 'coordinator',
  officer: 'officer',
  analyst: 'analyst',
  auditor: 'auditor',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES = Object.values(Role);

/** Every role; for permissions everyone holds. */
export const ALL_ROLES: readonly Role[] = ROLES;

/**
 * A permission names an action, `area:verb`. Each capability declares its own with the roles
 * that hold them (its descriptor's `permissions`); the composition root gathers them into one
 * table, and a route naming a permission nobody declared refuses to start.
 */
export type Permission = string;

export function roleMay(table: ReadonlyMap<string, readonly Role[]>, role: Role, permission: Permission): boolean {
  return table.get(permission)?.includes(role) ?? false;
}

export function isRole(s: string): s is Role {
  return (ROLES as string[]).includes(s);
}
