import { afterAll, beforeAll } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { openStore, type StoreHandle } from '../../src/store/db.js';
import type { Dialect } from '../../src/store/db.js';
import { newTestDbTarget } from '../_util/db.js';
import { runCli, runCliJson, startNodeProcess, type NodeProcess } from '../_util/node-process.js';

/** Two (or more) real node processes on 127.0.0.1 that have added each other as peers. */
export async function startFederation(dialect: Dialect, ids: string[], settings: Record<string, string> = {}): Promise<{ nodes: NodeProcess[]; cleanup: () => Promise<void> }> {
  const targets = ids.map(() => newTestDbTarget(dialect));
  const nodes = await Promise.all(
    ids.map((nodeId, i) =>
      startNodeProcess({
        nodeId,
        settings: { ACCORD_RETRY_BASE_MS: '100', ACCORD_RETRY_CAP_MS: '1000', ...settings },
        initArgs: targets[i]!.db ? ['--db', targets[i]!.db!, '--db-schema', targets[i]!.dbSchema!] : [],
      }),
    ),
  );
  for (const a of nodes) for (const b of nodes) if (a !== b) addPeer(a, b);
  return {
    nodes,
    cleanup: async () => {
      await Promise.all(nodes.map((n) => n.destroy()));
      await Promise.all(targets.map((t) => t.cleanup()));
    },
  };
}

export function addPeer(a: NodeProcess, b: NodeProcess): void {
  const r = runCli(['peer', 'add', b.url, '--data', a.dataDir, '--fingerprint', b.fingerprint]);
  if (r.status !== 0) throw new Error(`peer add failed: ${r.stderr}`);
}

/** Opens a node's database from the test process (both processes may use it; SQLite is in WAL mode). */
export function openNodeStore(n: NodeProcess): Promise<StoreHandle> {
  const s = resolveSettings({ dataDir: n.dataDir });
  return openStore({ url: s.db, schema: s.dbSchema, poolSize: 2 });
}

export interface PeerListEntry {
  node_id: string;
  status: string;
  queue_length: number;
  last_error: string | null;
  reachable: boolean | null;
  oldest_undelivered_at: string | null;
}

export function peerState(n: NodeProcess, peerId: string): PeerListEntry {
  return runCliJson<PeerListEntry[]>(['peer', 'list', '--data', n.dataDir]).find((p) => p.node_id === peerId)!;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function count(store: StoreHandle, table: 'notices' | 'inbox' | 'outbox', where?: { state: string }): Promise<number> {
  let q = store.db.selectFrom(table as 'outbox').select((eb) => eb.fn.countAll<string | number>().as('n'));
  if (where) q = q.where('state', '=', where.state as 'pending');
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export interface TwoNodes {
  a: NodeProcess;
  b: NodeProcess;
  storeA: StoreHandle;
  storeB: StoreHandle;
}

/**
 * Registers hooks that start uz-cert (a) and kz-cert (b) as peered processes before the
 * suite, open both databases, and tear everything down after it. Read the fields in tests
 * or in a later beforeAll.
 */
export function useTwoNodes(dialect: Dialect, settings: Record<string, string> = {}): TwoNodes {
  const fx = {} as TwoNodes;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const f = await startFederation(dialect, ['uz-cert', 'kz-cert'], settings);
    cleanup = f.cleanup;
    [fx.a, fx.b] = f.nodes as [NodeProcess, NodeProcess];
    fx.storeA = await openNodeStore(fx.a);
    fx.storeB = await openNodeStore(fx.b);
  }, 120_000);
  afterAll(async () => {
    await fx.storeA?.close();
    await fx.storeB?.close();
    await cleanup?.();
  });
  return fx;
}
