import type { Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { loadIdentity } from '../node/identity.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import { EventBus } from '../util/event-bus.js';
import { JobRequests } from '../util/job-requests.js';
import type { Assembly } from './assembly.js';
import { openSecretsKey, sealedColumns } from './node-secrets.js';
import { standardAssembly } from './standard.js';

/** Opens an initialised node: identity, database (migrated to the latest version), its capabilities' catalogue. */
export async function openNode(settings: Settings, assembly: Assembly = standardAssembly()): Promise<NodeContext> {
  const identity = loadIdentity(settings.dataDir);
  const store = await openStore({ url: settings.db, schema: settings.dbSchema });
  let secrets;
  try {
    await migrateToLatest(store.db, assembly.migrations, store.dialect === 'postgres' ? settings.dbSchema : undefined);
    secrets = await openSecretsKey(settings, store.db, sealedColumns(assembly));
  } catch (e) {
    await store.close();
    throw e;
  }
  return { store, settings, identity, catalog: assembly.catalog, secrets, events: new EventBus(), jobs: new JobRequests() };
}
