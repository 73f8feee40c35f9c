import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../store/db.js';
import type { PeersTable, PeerStatus } from './federation.tables.js';

export type PeerRow = Selectable<PeersTable>;

export interface Peer {
  node_id: string;
  base_url: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: string[];
  key_suite: string;
  fingerprint: string;
  status: PeerStatus;
  added_at: string;
  last_contact_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  failures: number;
  next_attempt_at: string | null;
}

export function rowToPeer(r: PeerRow): Peer {
  return {
    node_id: r.node_id,
    base_url: r.base_url,
    country: r.country,
    names: JSON.parse(r.names) as Record<string, string>,
    authority_kinds: JSON.parse(r.authority_kinds) as string[],
    key_suite: r.key_suite,
    fingerprint: r.fingerprint,
    status: r.status,
    added_at: r.added_at,
    last_contact_at: r.last_contact_at,
    last_error: r.last_error,
    last_error_at: r.last_error_at,
    failures: Number(r.failures),
    next_attempt_at: r.next_attempt_at,
  };
}

export function findPeer(db: DbOrTrx, nodeId: string): Promise<PeerRow | undefined> {
  return db.selectFrom('peers').selectAll().where('node_id', '=', nodeId).executeTakeFirst();
}

export function listPeerRows(db: DbOrTrx): Promise<PeerRow[]> {
  return db.selectFrom('peers').selectAll().orderBy('node_id').execute();
}

export async function updatePeer(db: DbOrTrx, nodeId: string, patch: Partial<PeersTable>): Promise<void> {
  await db.updateTable('peers').set({ ...patch, updated_at: new Date().toISOString() }).where('node_id', '=', nodeId).execute();
}

/**
 * Records a successful exchange with a peer: the time of contact and, for deliveries, that
 * no failure is pending. It runs after the exchange has committed, not inside it, and writes
 * only when an admin would see a difference (a failure to clear, an error newer than the last
 * contact, or a contact time over a second old): batches in flight at once would otherwise
 * queue on the peer's row, each holding it until its commit.
 */
export async function recordContact(db: DbOrTrx, nodeId: string, at: string, opts: { clearFailures: boolean }): Promise<void> {
  const staleBefore = new Date(Date.parse(at) - 1000).toISOString();
  await db
    .updateTable('peers')
    .set({ last_contact_at: at, updated_at: at, ...(opts.clearFailures ? { failures: 0, next_attempt_at: null } : {}) })
    .where('node_id', '=', nodeId)
    .where((eb) =>
      eb.or([
        eb('last_contact_at', 'is', null),
        eb('last_contact_at', '<', staleBefore),
        eb.and([eb('last_error_at', 'is not', null), eb('last_error_at', '>=', eb.ref('last_contact_at'))]),
        ...(opts.clearFailures ? [eb('failures', '<>', 0), eb('next_attempt_at', 'is not', null)] : []),
      ]),
    )
    .execute();
}
