import { afterEach, describe, expect, it } from 'vitest';
import { findPeer, recordContact } from '../../src/federation/peers.repository.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

const T0 = '2026-11-29T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe.each(DIALECTS)('recording contact with a peer (%s)', (dialect) => {
  let node: TestNode;
  afterEach(() => node?.close());

  async function peerWith(patch: Record<string, unknown>) {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    await db
      .insertInto('peers')
      .values({
        node_id: 'peer-x', base_url: 'http://127.0.0.1:1', country: 'KZ', names: '{"en":"X"}', authority_kinds: '["cert"]', key_suite: 'ed25519',
        public_key: 'k', fingerprint: 'f', status: 'active', added_at: T0, updated_at: T0, last_contact_at: T0, last_error: null, last_error_at: null,
        failures: 0, next_attempt_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]', ...patch,
      })
      .execute();
    return db;
  }

  it('leaves a contact less than a second old as it is', async () => {
    const db = await peerWith({});
    await recordContact(db, 'peer-x', at(400), { clearFailures: true });
    expect((await findPeer(db, 'peer-x'))!.last_contact_at).toBe(T0);
  });

  it('moves a contact over a second old', async () => {
    const db = await peerWith({});
    await recordContact(db, 'peer-x', at(1500), { clearFailures: false });
    expect((await findPeer(db, 'peer-x'))!.last_contact_at).toBe(at(1500));
  });

  it('writes at once when an error is newer than the last contact, so the peer shows reachable again', async () => {
    const db = await peerWith({ last_error: 'unreachable', last_error_at: at(100) });
    await recordContact(db, 'peer-x', at(200), { clearFailures: false });
    expect((await findPeer(db, 'peer-x'))!.last_contact_at).toBe(at(200));
  });

  it('clears failures and the backoff after a delivery, however recent the last contact', async () => {
    const db = await peerWith({ failures: 3, next_attempt_at: at(60_000) });
    await recordContact(db, 'peer-x', at(10), { clearFailures: true });
    const p = (await findPeer(db, 'peer-x'))!;
    expect([Number(p.failures), p.next_attempt_at, p.last_contact_at]).toEqual([0, null, at(10)]);
  });

  it('keeps failures when only a batch was received from the peer', async () => {
    const db = await peerWith({ failures: 3, next_attempt_at: at(60_000), last_contact_at: null });
    await recordContact(db, 'peer-x', at(10), { clearFailures: false });
    const p = (await findPeer(db, 'peer-x'))!;
    expect([Number(p.failures), p.next_attempt_at, p.last_contact_at]).toEqual([3, at(60_000), at(10)]);
  });
});
