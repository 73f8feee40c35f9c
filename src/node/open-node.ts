import type { Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import { loadIdentity } from './identity.js';

/** Opens an initialised node: identity, database (migrated to the latest version). */
export async function openNode(settings: Settings): Promise<NodeContext> {
  const identity = loadIdentity(settings.dataDir);
  const store = await openStore({ url: settings.db, schema: settings.dbSchema });
  await migrateToLatest(store.db, store.dialect === 'postgres' ? settings.dbSchema : undefined);
  return { store, settings, identity };
}
