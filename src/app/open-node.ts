import type { Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { loadIdentity } from '../node/identity.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import type { Assembly } from './assembly.js';
import { standardAssembly } from './standard.js';

/** Opens an initialised node: identity, database (migrated to the latest version), its capabilities' catalogue. */
export async function openNode(settings: Settings, assembly: Assembly = standardAssembly()): Promise<NodeContext> {
  const identity = loadIdentity(settings.dataDir);
  const store = await openStore({ url: settings.db, schema: settings.dbSchema });
  await migrateToLatest(store.db, assembly.migrations, store.dialect === 'postgres' ? settings.dbSchema : undefined);
  return { store, settings, identity, catalog: assembly.catalog };
}
