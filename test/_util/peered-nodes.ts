import { adminToken, apiOf, type Api } from '../cases/_cases.js';
import { addPeer } from '../federation/_federation.js';
import type { Dialect } from '../../src/store/db.js';
import { newTestDbTarget } from './db.js';
import { startNodeProcess, type NodeProcess } from './node-process.js';

export interface PeeredNodes {
  nodes: NodeProcess[];
  /** An admin's API client per node id. */
  api: Record<string, Api>;
  /** Stops every node and drops its database. */
  cleanup(): Promise<void>;
}

/**
 * Real node processes on `dialect`, each peered with every other, started at once (a node gets a
 * minute to start, test/_util/node-process.ts: enough for three on a loaded machine), retrying
 * deliveries quickly. A node that fails to start stops the others and throws.
 */
export async function startPeeredNodes(dialect: Dialect, ids: string[]): Promise<PeeredNodes> {
  const targets = ids.map(() => newTestDbTarget(dialect));
  const nodes: NodeProcess[] = [];
  const cleanup = async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    await Promise.all(targets.map((t) => t.cleanup()));
  };
  const started = await Promise.allSettled(
    ids.map((nodeId, i) => {
      const t = targets[i]!;
      return startNodeProcess({ nodeId, settings: { ACCORD_RETRY_BASE_MS: '100', ACCORD_RETRY_CAP_MS: '1000' }, initArgs: t.db ? ['--db', t.db, '--db-schema', t.dbSchema!] : [] });
    }),
  );
  for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await cleanup();
    throw failed.reason;
  }
  for (const x of nodes) for (const y of nodes) if (x !== y) addPeer(x, y);
  return { nodes, api: Object.fromEntries(nodes.map((n) => [n.nodeId, apiOf(n, adminToken(n))])), cleanup };
}
