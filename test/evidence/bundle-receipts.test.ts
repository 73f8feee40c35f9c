import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actOnCase } from '../../src/cases/cases.service.js';
import type { CaseEventBody } from '../../src/cases/cases.schemas.js';
import { exportCaseBundle } from '../../src/evidence/bundle/bundle.export.js';
import type { BundleManifest } from '../../src/evidence/bundle/bundle.format.js';
import { nodeCrypto } from '../../src/evidence/bundle/bundle.node.js';
import { verifyBundle } from '../../src/evidence/bundle/bundle.verify.js';
import { rotateNodeKey } from '../../src/federation/key-rotation.service.js';
import type { Receipt } from '../../src/federation/protocol/receipt.js';
import { DIALECTS } from '../_util/db.js';
import { caseEnvelope, PRESERVATION } from '../cases/_cases.js';
import { inboxFixture, type InboxFixture } from '../federation/_inbox.js';
import { flipByte, memberBytes, membersOf, sink } from './_bundle.js';

/**
 * The receipts a node issues for its peer's batches: kept for a batch that stored a case's
 * events (and for no other), the very text sent back, and carried in the node's case bundles
 * beside the receipts its peer returned, verifying under the key that signed them, also after
 * a rotation.
 */
describe.each(DIALECTS)('receipts this node issued, in its case bundles (%s)', (dialect) => {
  let fx: InboxFixture;
  let caseId: string;
  let openReceipt: Receipt;
  const kept = () => fx.node.ctx.store.db.selectFrom('issued_receipts').selectAll().execute();

  async function exported(): Promise<Buffer> {
    const s = sink();
    await exportCaseBundle(fx.node.ctx, { ref: 'cli' }, caseId, s.stream, { hashesOnly: true });
    return s.bytes();
  }

  const receiptsIn = (bundle: Buffer) => membersOf(bundle).filter((m) => m.path.startsWith('receipts/')).map((m) => ({ path: m.path, r: JSON.parse(memberBytes(bundle, m.path).toString()) as Receipt }));

  beforeAll(async () => {
    fx = await inboxFixture(dialect);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('keeps no receipt for a batch without case events', async () => {
    const r = await fx.post(fx.batch([fx.notice()]));
    expect(r.status).toBe(200);
    expect(await kept()).toEqual([]);
  });

  it('keeps the receipt of a batch that stored a case event, as it was sent, one row per batch', async () => {
    const open = caseEnvelope(fx.peer, 'kz-cert', { action: 'open', requested: 'kz-cert', request: PRESERVATION, case_id: '0190c2d4-bbbb-7000-8000-000000000002' });
    caseId = (open.body as CaseEventBody).case_id;
    const batch = fx.batch([fx.notice(), open]);
    const r = await fx.post(batch);
    expect(r.status).toBe(200);
    openReceipt = r.json as unknown as Receipt;
    expect(openReceipt.items.map((i) => i.status)).toEqual(['accepted', 'accepted']);
    const rows = await kept();
    expect(rows).toEqual([{ batch_id: batch.id, peer_id: 'uz-cert', receipt: r.text, received_at: openReceipt.received_at }]);
  });

  it("holds both sides' receipts in a bundle, and it verifies", async () => {
    await actOnCase(fx.node.ctx, { ref: 'cli' }, caseId, { action: 'acknowledge' });
    const bundle = await exported();
    const report = await verifyBundle([bundle], { crypto: nodeCrypto });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // The acknowledgement has not been delivered (the peer's address answers nothing): only this node's receipt of the opening.
    expect(receiptsIn(bundle)).toEqual([{ path: `receipts/${openReceipt.batch_id}.json`, r: openReceipt }]);
    expect(report.checked.receipts).toBe(1);
  });

  it('names a tampered receipt that this node issued', async () => {
    const { bundle, path } = flipByte(await exported(), /^receipts\//, 'accepted');
    const report = await verifyBundle([bundle], { crypto: nodeCrypto });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'member_hash_mismatch', path }),
      expect.objectContaining({ code: 'receipt_signature_invalid', path, batch_id: openReceipt.batch_id, node_id: 'kz-cert' }),
    ]));
  });

  it('after this node rotated its key, its earlier receipt verifies under the retired key the bundle lists', async () => {
    const old = fx.node.ctx.identity.fingerprint;
    await rotateNodeKey(fx.node.ctx, { ref: 'cli' });
    const bundle = await exported();
    const report = await verifyBundle([bundle], { crypto: nodeCrypto });
    expect(report.problems).toEqual([]);
    const keys = (JSON.parse(memberBytes(bundle, 'manifest.json').toString()) as BundleManifest).keys.filter((k) => k.node_id === 'kz-cert');
    expect(keys.map((k) => k.fingerprint)).toEqual([old, fx.node.ctx.identity.fingerprint]);
    expect(receiptsIn(bundle)[0]!.r.sig.key).toBe(old);
  });
});
