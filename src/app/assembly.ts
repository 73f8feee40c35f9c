import type { Migration } from 'kysely';
import type { Role } from '../auth/roles.js';
import type { Capability, DeskContribution, JobDef, NotificationKindDef, ReleaseRule } from '../capability.js';
import type { NodeCatalog } from '../context.js';
import { MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { kernelMigrations } from '../store/migrations/index.js';

/**
 * What a list of capabilities adds up to. Two capabilities claiming the same permission,
 * notification kind, table, migration, message type, job or desk kind (or both providing
 * the desk's peers or own-entry panel) is a programming error caught here, when the node
 * starts, not later in a request.
 */
export interface Assembly {
  capabilities: readonly Capability[];
  catalog: NodeCatalog;
  migrations: Record<string, Migration>;
  jobs: JobDef[];
  createRegistry(): MessageTypeRegistry;
}

function claim(owners: Map<string, string>, what: string, key: string, by: string): void {
  const prior = owners.get(key);
  if (prior !== undefined) throw new Error(`${what} ${key} is declared by both ${prior} and ${by}`);
  owners.set(key, by);
}

export function assemble(capabilities: readonly Capability[]): Assembly {
  const names = new Map<string, string>();
  const permissions = new Map<string, readonly Role[]>();
  const kinds: NotificationKindDef[] = [];
  const releaseRules: ReleaseRule[] = [];
  const migrations: Record<string, Migration> = { ...kernelMigrations };
  const jobs: JobDef[] = [];
  const desk: (DeskContribution & { capability: string })[] = [];
  const owners = { permission: new Map<string, string>(), kind: new Map<string, string>(), table: new Map<string, string>(), migration: new Map<string, string>(), job: new Map<string, string>(), desk: new Map<string, string>() };
  for (const m of Object.keys(kernelMigrations)) owners.migration.set(m, 'store');

  for (const c of capabilities) {
    claim(names, 'capability', c.name, c.name);
    for (const [p, roles] of Object.entries(c.permissions ?? {})) {
      claim(owners.permission, 'permission', p, c.name);
      permissions.set(p, roles);
    }
    for (const k of c.notificationKinds ?? []) {
      claim(owners.kind, 'notification kind', k.kind, c.name);
      kinds.push(k);
    }
    for (const t of c.tables ?? []) claim(owners.table, 'table', t, c.name);
    for (const [name, m] of Object.entries(c.migrations ?? {})) {
      claim(owners.migration, 'migration', name, c.name);
      migrations[name] = m;
    }
    for (const j of c.jobs ?? []) {
      claim(owners.job, 'job', j.name, c.name);
      jobs.push(j);
    }
    if (c.release) releaseRules.push(c.release);
    if (c.desk) {
      for (const k of c.desk.kinds) claim(owners.desk, 'desk kind', k, c.name);
      if (c.desk.peers) claim(owners.desk, 'desk panel', 'peers', c.name);
      if (c.desk.ownEntry) claim(owners.desk, 'desk panel', 'own entry', c.name);
      desk.push({ ...c.desk, capability: c.name });
    }
  }
  const createRegistry = () => {
    const r = new MessageTypeRegistry();
    for (const c of capabilities) for (const m of c.messages ?? []) r.register(m);
    return r;
  };
  createRegistry(); // message types registered twice throw now, not at the first request
  return { capabilities, catalog: { permissions, notificationKinds: kinds, releaseRules, desk }, migrations, jobs, createRegistry };
}
