import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/context.js';
import { signPeerRequest } from '../../src/evidence/transfer/peer-request.js';
import { MAX_CHUNK_ATTEMPTS, offerAttachment } from '../../src/evidence/transfer/transfer.service.js';
import { verifyEnvelopeSignature, type Envelope } from '../../src/federation/protocol/envelope.js';
import { fingerprintOf, loadIdentity, rawPublicKey, type NodeIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { adminToken, apiOf, caseWhen, PRESERVATION, sendRequest, type Api } from '../cases/_cases.js';
import { addPeer, openNodeStore, waitFor } from '../federation/_federation.js';
import { nodeContext, startNodesInTurn, transferState, uploadGenerated } from './_transfer.js';

const CHUNK = 1024 * 1024;

/**
 * Attachments move from one real node process to the other party of their case: offered
 * through the outbox, pulled chunk by chunk over the signed route, each chunk and the whole
 * file checked, custody on both sides and the signed answer back on the sender. A node that
 * is no party, or no node at all, gets nothing; a wrong chunk stops the transfer, named.
 */
describe.each(DIALECTS)('evidence transfer between two nodes (%s)', (dialect) => {
  let a: NodeProcess, b: NodeProcess, c: NodeProcess;
  let storeA: StoreHandle, storeB: StoreHandle;
  let apiA: Api, apiB: Api;
  let cleanup: () => Promise<void>;
  let caseId: string;
  let first: { attachmentId: string; sha256: string };
  let tokenA: string;
  let ctxA: NodeContext | undefined;

  beforeAll(async () => {
    // kg-cert: a peer of both, but no party to the case.
    const f = await startNodesInTurn(dialect, ['uz-cert', 'kz-cert', 'kg-cert'], { ACCORD_EVIDENCE_PEER_BYTES_PER_SECOND: String(64 * CHUNK) });
    [a, b, c] = f.nodes as [NodeProcess, NodeProcess, NodeProcess];
    cleanup = f.cleanup;
    for (const x of f.nodes) for (const y of f.nodes) if (x !== y) addPeer(x, y);
    storeA = await openNodeStore(a);
    storeB = await openNodeStore(b);
    tokenA = adminToken(a);
    apiA = apiOf(a, tokenA);
    apiB = apiOf(b, adminToken(b));
    caseId = await sendRequest(apiA, b.nodeId, PRESERVATION);
    await caseWhen(apiB, caseId, 'the request on B');
  }, 240_000);

  afterAll(async () => {
    await ctxA?.store.close();
    await storeA?.close();
    await storeB?.close();
    await cleanup?.();
  });

  it('a file attached on A arrives on B whole and hash-checked, with custody on both sides and the signed answer back on A', async () => {
    const size = 5 * CHUNK + 12_345;
    first = await uploadGenerated(a, tokenA, caseId, size, 'provider-records.bin');

    const onB = await waitFor('the attachment received on B', async () => {
      const t = await transferState(apiB, caseId, first.attachmentId);
      return t?.state === 'received' ? t : undefined;
    }, 240_000);
    expect(onB).toMatchObject({ direction: 'in', chunks: 6, chunks_done: 6, error: null });

    // The content on B is the content attached on A.
    const res = await fetch(`${b.url}/api/v1/cases/${caseId}/attachments/${first.attachmentId}/content`, { headers: { authorization: `Bearer ${adminToken(b)}` } });
    expect(res.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(first.sha256);
    const meta = (await apiB('GET', `/api/v1/cases/${caseId}/attachments/${first.attachmentId}`)).json;
    expect(meta.attachment).toMatchObject({ sha256: first.sha256, size, name: 'provider-records.bin', transfer_state: 'received', added_by: 'node:uz-cert' });
    expect(meta.custody.map((e: Envelope<{ action: string }>) => e.body.action)).toEqual(['transfer_received', 'download', 'view']);
    const received = meta.custody.find((e: Envelope<{ action: string }>) => e.body.action === 'transfer_received');
    expect(received.body).toMatchObject({ sha256: first.sha256, actor: 'node:uz-cert', from: 'uz-cert' });

    // A has B's signed answer, naming the hash, and records it in custody.
    const onA = await waitFor('the answer on A', async () => {
      const t = await transferState(apiA, caseId, first.attachmentId);
      return t?.state === 'received' ? t : undefined;
    }, 240_000);
    expect(onA).toMatchObject({ direction: 'out', chunks: 6, chunks_done: 6 });
    const custodyA = (await apiA('GET', `/api/v1/cases/${caseId}/custody`)).json.entries as Envelope<{ action: string; sha256: string; attachment_id: string }>[];
    const mine = custodyA.filter((e) => e.body.attachment_id === first.attachmentId).map((e) => e.body.action);
    expect(mine).toEqual(['upload', 'transfer_sent', 'receipt']);
    const answer = await storeA.db.selectFrom('inbox').select('envelope').where('type', '=', 'evidence.received/v1').where('from_node', '=', 'kz-cert').execute();
    const env = answer.map((r) => JSON.parse(r.envelope) as Envelope<{ attachment_id: string; sha256: string; outcome: string }>).find((e) => e.body.attachment_id === first.attachmentId)!;
    expect(env.body).toMatchObject({ sha256: first.sha256, outcome: 'received' });
    const idB = loadIdentity(b.dataDir);
    expect(verifyEnvelopeSignature(env, idB.publicKey)).toBe(true);
    // The offer went through the outbox and was receipted like any message; the content did not.
    const offers = await storeA.db.selectFrom('outbox').select(['state', 'envelope']).where('type', '=', 'evidence.offer/v1').execute();
    expect(offers.every((o) => o.state === 'delivered' && o.envelope.length < 4096)).toBe(true);
  }, 600_000);

  it('only the party the attachment was offered to may fetch it: a third node and an unsigned request are refused', async () => {
    const path = `/federation/v1/evidence/${first.attachmentId}/chunks/0`;
    expect((await fetch(`${a.url}${path}`)).status).toBe(401);
    // A third node, a peer of A, but not a party to the case.
    const idC = loadIdentity(c.dataDir);
    const third = await fetch(`${a.url}${path}`, { headers: signPeerRequest({ identity: idC }, 'GET', path, a.nodeId) });
    expect(third.status).toBe(403);
    expect((await third.json()).detail).toMatch(/no transfer of attachment .* to kg-cert/);
    // A node A does not know at all.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const stranger = { node_id: 'xx-cert', privateKey, publicKey, fingerprint: fingerprintOf(publicKey), publicKeyRaw: rawPublicKey(publicKey).toString('base64url') } as unknown as NodeIdentity;
    expect((await fetch(`${a.url}${path}`, { headers: signPeerRequest({ identity: stranger }, 'GET', path, a.nodeId) })).status).toBe(403);
    // B's name with another key, and B's signature over another path.
    const forged = signPeerRequest({ identity: { ...stranger, node_id: 'kz-cert' } as NodeIdentity }, 'GET', path, a.nodeId);
    expect((await fetch(`${a.url}${path}`, { headers: forged })).status).toBe(401);
    const idB = loadIdentity(b.dataDir);
    const other = signPeerRequest({ identity: idB }, 'GET', `/federation/v1/evidence/${first.attachmentId}/chunks/1`, a.nodeId);
    expect((await fetch(`${a.url}${path}`, { headers: other })).status).toBe(401);
    // B itself gets the chunk (the route's contract), and a chunk past the end is 404.
    const ok = await fetch(`${a.url}${path}`, { headers: signPeerRequest({ identity: idB }, 'GET', path, a.nodeId) });
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBe(CHUNK);
    const past = `/federation/v1/evidence/${first.attachmentId}/chunks/6`;
    expect((await fetch(`${a.url}${past}`, { headers: signPeerRequest({ identity: idB }, 'GET', past, a.nodeId) })).status).toBe(404);
    // Users of B cannot read A's transfer routes with B's tokens.
    expect((await fetch(`${a.url}/api/v1/cases/${caseId}/transfers`)).status).toBe(401);
    const list = await apiA('GET', `/api/v1/cases/${caseId}/transfers`);
    expect(list.status).toBe(200);
    expect(list.json.map((t: { attachment_id: string }) => t.attachment_id)).toContain(first.attachmentId);
  }, 600_000);

  it('an offer whose chunk hash does not match what the sender serves stops as failed after a few attempts, named on both sides', async () => {
    ctxA ??= await nodeContext(a);
    const row = await storeA.db.selectFrom('evidence_transfers').selectAll().where('attachment_id', '=', first.attachmentId).executeTakeFirstOrThrow();
    const hashes = row.chunk_hashes.split('').map((ch, i) => (i === 2 * 64 ? (ch === '0' ? '1' : '0') : ch)).join('');
    const fakeId = newId();
    const attachment = { id: fakeId, case_id: caseId, event_id: null, sha256: row.sha256, size: Number(row.size), name: 'altered.bin', media_type: 'application/octet-stream', description: '', added_by: 'node:uz-cert' };
    expect(await offerAttachment(ctxA, { attachment, peer: 'kz-cert', chunkBytes: row.chunk_bytes, chunkHashes: hashes })).toBe(true);

    const failed = await waitFor('the transfer failed on B', async () => {
      const t = await transferState(apiB, caseId, fakeId);
      return t?.state === 'failed' ? t : undefined;
    }, 240_000);
    expect(failed.error).toMatch(new RegExp(`^chunk 2: chunk 2 hashes to [0-9a-f]{64}, the offer names [0-9a-f]{64} \\(${MAX_CHUNK_ATTEMPTS} attempts\\)$`));
    expect(failed.chunks_done).toBe(2);
    // Not shown as an attachment on B; A learns why.
    expect((await apiB('GET', `/api/v1/cases/${caseId}/attachments/${fakeId}`)).status).toBe(404);
    const onA = await waitFor('the failure on A', async () => {
      const t = await transferState(apiA, caseId, fakeId);
      return t?.state === 'failed' ? t : undefined;
    }, 240_000);
    expect(onA.error).toMatch(/^the peer stopped the transfer: chunk 2: chunk 2 hashes to/);
  }, 600_000);

  it('an offer for a case the receiver does not hold with the sender is refused in the receipt, with the reason', async () => {
    ctxA ??= await nodeContext(a);
    const row = await storeA.db.selectFrom('evidence_transfers').selectAll().where('attachment_id', '=', first.attachmentId).executeTakeFirstOrThrow();
    const otherCase = newId();
    const fakeId = newId();
    const attachment = { id: fakeId, case_id: otherCase, event_id: null, sha256: row.sha256, size: Number(row.size), name: 'x.bin', media_type: 'application/octet-stream', description: '', added_by: 'node:uz-cert' };
    await offerAttachment(ctxA, { attachment, peer: 'kz-cert', chunkBytes: row.chunk_bytes, chunkHashes: row.chunk_hashes });
    const rejected = await waitFor('the offer rejected', async () => {
      const o = await storeA.db.selectFrom('outbox').select(['state', 'reject_reason', 'envelope']).where('type', '=', 'evidence.offer/v1').execute();
      return o.find((x) => x.envelope.includes(fakeId) && x.state === 'rejected');
    }, 240_000);
    expect(rejected.reject_reason).toMatch(new RegExp(`kz-cert holds no case ${otherCase}`));
    expect(await storeB.db.selectFrom('evidence_transfers').select('attachment_id').where('attachment_id', '=', fakeId).executeTakeFirst()).toBeUndefined();
  }, 600_000);
});
