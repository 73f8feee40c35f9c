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

const ALL: readonly Role[] = ROLES;

/** Who may do what. Routes name a permission; this table is the single source of truth. */
export const PERMISSIONS = {
  'node:read': ALL,
  'self:manage': ALL,
  'users:read': ['admin', 'auditor'],
  'users:write': ['admin'],
  'audit:read': ['admin', 'auditor'],
  'directory:read': ALL,
  'directory:write': ['admin', 'coordinator'],
  /** Answer a ping test: anyone who may stand duty. */
  'ping:answer': ['admin', 'coordinator', 'officer', 'analyst'],
  'peers:read': ['admin', 'coordinator', 'auditor'],
  'peers:write': ['admin'],
  'groups:read': ALL,
  'groups:write': ['admin', 'coordinator'],
  'notifications:own': ALL,
  'notifications:all': ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function roleMay(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function isRole(s: string): s is Role {
  return (ROLES as string[]).includes(s);
}
