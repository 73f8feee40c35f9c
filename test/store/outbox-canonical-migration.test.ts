import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/crypto/canonical.js';
import { signEnvelope } from '../../src/federation/protocol/envelope.js';
import { up as rewriteAsCanonical } from '../../src/store/migrations/20261129T030000-outbox-canonical.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';

describe.each(DIALECTS)('outbox canonical-form migration (%s)', (dialect) => {
  let node: TestNode;
  afterEach(() => node?.close());

  it('rewrites envelopes queued in the earlier form as canonical JSON, keeping their signature', async () => {
    node = await createTestNode(dialect);
    const { db } = node.ctx.store;
    const e = signEnvelope(node.ctx.identity, { v: 1, id: 'm-1', from: 'test-node', to: ['peer'], type: 'federation.notice/v1', issued_at: '2026-11-28T00:00:00.000Z', seq: 1, body: { text: 'x', subject: 's' } });
    const earlierForm = JSON.stringify(e);
    expect(earlierForm).not.toBe(canonicalJson(e));
    await db.insertInto('outbox').values({ id: e.id, peer_id: 'peer', seq: 1, type: e.type, envelope: earlierForm, state: 'pending', created_at: e.issued_at, delivered_at: null, receipt_id: null, reject_reason: null }).execute();
    // Later migrations have run too, so this one's step is run directly on the old row.
    await rewriteAsCanonical(db as never);

    const row = await db.selectFrom('outbox').select('envelope').where('id', '=', 'm-1').executeTakeFirstOrThrow();
    expect(row.envelope).toBe(canonicalJson(e));
    expect(JSON.parse(row.envelope)).toEqual(e);
  });
});
