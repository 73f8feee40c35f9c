import type { NodeContext } from '../../src/context.js';
import { receivePingTest } from '../../src/directory/ping-tests.service.js';

/** A peer row as `peer add` leaves it (no contact yet), without fetching anything. */
export async function addPeerRow(ctx: NodeContext, nodeId: string): Promise<void> {
  const now = new Date().toISOString();
  await ctx.store.db
    .insertInto('peers')
    .values({ node_id: nodeId, base_url: `http://${nodeId}.example`, country: 'KZ', names: '{}', authority_kinds: '[]', key_suite: 'ed25519', public_key: 'k', fingerprint: nodeId, status: 'active', added_at: now, updated_at: now, last_contact_at: null, last_error: null, last_error_at: null, failures: 0, next_attempt_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]' })
    .execute();
}

/** A ping test from `peer` as the inbox stores it when it arrives: open for `windowMinutes`. */
export function receiveIncomingPingTest(ctx: NodeContext, peer: string, testId: string, windowMinutes = 30): Promise<void> {
  return ctx.store.db.transaction().execute((trx) => receivePingTest(ctx, trx, peer, { test_id: testId, window_minutes: windowMinutes, started_at: new Date().toISOString() }));
}
