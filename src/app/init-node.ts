import { mkdirSync } from 'node:fs';
import { appendAudit } from '../audit/audit.repository.js';
import { resolveSettings, type Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { createUser } from '../auth/users.service.js';
import { InvalidInputError } from '../errors.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import { EventBus } from '../util/event-bus.js';
import { JobRequests } from '../util/job-requests.js';
import { ensureEvidenceKey } from '../evidence/evidence.keys.js';
import { generateNodeKey, isInitialised, loadIdentity, writeConfigFile, type AuthorityKind, type NodeDescription } from '../node/identity.js';
import { validateNodeDescription } from '../node/node.rules.js';
import type { Assembly } from './assembly.js';
import { openSecretsKey, sealedColumns } from './node-secrets.js';
import { standardAssembly } from './standard.js';

export interface InitOptions {
  dataDir: string;
  nodeId: string;
  country: string;
  names: Record<string, string>;
  authorityKinds?: AuthorityKind[];
  db?: string;
  dbSchema?: string;
  adminEmail?: string;
  /** Extra settings written into the config file (e.g. requireAdminTotp for a demo). */
  settings?: Record<string, unknown>;
}

export interface InitResult {
  ctx: NodeContext;
  adminEmail: string;
  oneTimePassword: string;
}

export class AlreadyInitialisedError extends Error {
  override name = 'AlreadyInitialisedError';
}

/**
 * Creates a node: key (0600), config file, database with all migrations, first admin.
 * Refuses, changing nothing, when the folder holds a node already.
 */
export async function initNode(o: InitOptions, assembly: Assembly = standardAssembly()): Promise<InitResult> {
  if (isInitialised(o.dataDir)) {
    throw new AlreadyInitialisedError(`${o.dataDir} holds an Accord node already; nothing was changed (remove the folder to start over)`);
  }
  const node: NodeDescription = {
    node_id: o.nodeId,
    country: o.country.toUpperCase(),
    names: o.names,
    authority_kinds: o.authorityKinds ?? [],
    created_at: new Date().toISOString(),
  };
  const problem = validateNodeDescription(node);
  if (problem) throw new InvalidInputError(problem);
  mkdirSync(o.dataDir, { recursive: true, mode: 0o750 });
  const settings: Record<string, unknown> = { ...o.settings };
  if (o.db) settings.db = o.db;
  if (o.dbSchema) settings.dbSchema = o.dbSchema;
  generateNodeKey(o.dataDir);
  writeConfigFile(o.dataDir, { node, settings });

  const resolved: Settings = resolveSettings({ dataDir: o.dataDir });
  const store = await openStore({ url: resolved.db, schema: resolved.dbSchema });
  await migrateToLatest(store.db, assembly.migrations, store.dialect === 'postgres' ? resolved.dbSchema : undefined);
  const secrets = await openSecretsKey(resolved, store.db, sealedColumns(assembly), { create: true });
  ensureEvidenceKey(resolved);
  const ctx: NodeContext = { store, settings: resolved, identity: loadIdentity(o.dataDir), catalog: assembly.catalog, secrets, events: new EventBus(), jobs: new JobRequests() };
  const adminEmail = o.adminEmail ?? `admin@${o.nodeId}.accord.local`;
  await store.db.transaction().execute((trx) =>
    appendAudit(trx, store.dialect, { actor: 'cli', action: 'node.init', target: `node:${node.node_id}`, details: { country: node.country, fingerprint: ctx.identity.fingerprint } }),
  );
  const { oneTimePassword } = await createUser(ctx, { ref: 'cli' }, { email: adminEmail, display_name: 'Administrator', role: 'admin' });
  return { ctx, adminEmail, oneTimePassword: oneTimePassword! };
}
