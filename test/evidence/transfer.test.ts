import { createHash, generateKeyPairSync } from 'node:crypto';
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/context.js';
import { signPeerRequest } from '../../src/evidence/transfer/peer-request.js';
import { HEADER_BYTES, TAG_BYTES } from '../../src/evidence/storage/chunked-cipher.js';
import { storedPath } from '../../src/evidence/storage/file-store.js';
import { EvidenceJob, EvidenceMessage, type ReceivedBody } from '../../src/evidence/transfer/transfer.schemas.js';
import { MAX_CHUNK_ATTEMPTS, offerAttachment } from '../../src/evidence/transfer/transfer.service.js';
import { enqueueMessages } from '../../src/federation/outbox.service.js';
import { verifyEnvelopeSignature, type Envelope } from '../../src/federation/protocol/envelope.js';
import { fingerprintOf, loadIdentity, rawPublicKey, type NodeIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { adminToken, apiOf, caseWhen, PRESERVATION, sendRequest, type Api } from '../cases/_cases.js';
import { addPeer, openNodeStore, waitFor } from '../federation/_federation.js';
import { metric, nodeContext, startNodesInTurn, transferState, uploadGenerated } from './_transfer.js';

const CHUNK = 1024 * 1024;
/** The transfer jobs' safety poll (transfer.jobs.ts): work that arrives must not wait for it. */
const SAFETY_NET_MS = 30_000;

/** Queues a message from a node (its own process delivers it, signed, over HTTP). */
async function sendFrom(ctx: NodeContext, to: string, type: string, body: unknown): Promise<string> {
  const [e] = await ctx.store.db.transaction().execute((trx) => enqueueMessages(ctx, trx, to, type, [body]));
  return e!.id;
}

/** The state of a message in a node's outbox once its peer's receipt settled it. */
async function settled(store: StoreHandle, id: string): Promise<{ state: string; reject_reason: string | null }> {
  return waitFor(`message ${id} settled`, async () => {
    const o = await store.db.selectFrom('outbox').select(['state', 'reject_reason']).where('id', '=', id).executeTakeFirst();
    return o && o.state !== 'pending' ? o : undefined;
  }, 240_000);
}

/** The audit entries of one kind of lie about one attachment. */
async function lies(store: StoreHandle, action: string, attachmentId: string): Promise<{ actor: string; target: string | null; details: Record<string, unknown> }[]> {
  const rows = await store.db.selectFrom('audit_log').select(['actor', 'target', 'details']).where('action', '=', action).execute();
  return rows.map((r) => ({ actor: r.actor, target: r.target, details: JSON.parse(r.details) as Record<string, unknown> })).filter((r) => r.details.attachment === attachmentId);
}

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

  it('a file attached on A is offered at once and B fetches it at once, without waiting for either job\'s safety poll', async () => {
    // Both nodes' transfer jobs are not due for decades: only the work's own requests can run them.
    const never = '2100-01-01T00:00:00.000Z';
    for (const s of [storeA, storeB]) await s.db.updateTable('jobs').set({ next_run_at: never }).where('name', 'in', [EvidenceJob.offer, EvidenceJob.fetch]).execute();
    const started = Date.now();
    const f = await uploadGenerated(a, tokenA, caseId, 2 * CHUNK + 1, 'urgent.log');
    const onB = await waitFor('the attachment received on B', async () => {
      const t = await transferState(apiB, caseId, f.attachmentId);
      return t?.state === 'received' ? t : undefined;
    }, SAFETY_NET_MS);
    expect(onB).toMatchObject({ chunks: 3, chunks_done: 3, error: null });
    // A run a request started makes the job due again one safety period later: faster than that, no poll was involved.
    expect(Date.now() - started).toBeLessThan(SAFETY_NET_MS);
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
    // Asking for a chunk the offer never had is audited on A, once for the transfer however often it is asked.
    const further = `/federation/v1/evidence/${first.attachmentId}/chunks/7`;
    expect((await fetch(`${a.url}${further}`, { headers: signPeerRequest({ identity: idB }, 'GET', further, a.nodeId) })).status).toBe(404);
    const asked = await lies(storeA, 'evidence.lying_request', first.attachmentId);
    expect(asked).toEqual([{ actor: 'node:kz-cert', target: `case:${caseId}`, details: { peer: 'kz-cert', attachment: first.attachmentId, index: 6, chunks: 6 } }]);
    expect(await metric(a, 'accord_evidence_answers_refused_total', { peer: 'kz-cert', reason: 'chunk_out_of_range' })).toBe(2);
    // Users of B cannot read A's transfer routes with B's tokens.
    expect((await fetch(`${a.url}/api/v1/cases/${caseId}/transfers`)).status).toBe(401);
    const list = await apiA('GET', `/api/v1/cases/${caseId}/transfers`);
    expect(list.status).toBe(200);
    expect(list.json.map((t: { attachment_id: string }) => t.attachment_id)).toContain(first.attachmentId);
  }, 600_000);

  it('a signed chunk request captured and sent again is refused: each signed request is answered once', async () => {
    const idB = loadIdentity(b.dataDir);
    for (const path of [`/federation/v1/evidence/${first.attachmentId}/chunks/1`, `/federation/v1/evidence/${first.attachmentId}/hashes`]) {
      const captured = signPeerRequest({ identity: idB }, 'GET', path, a.nodeId);
      const once = await fetch(`${a.url}${path}`, { headers: captured });
      expect(once.status).toBe(200);
      await once.arrayBuffer();
      const replayed = await fetch(`${a.url}${path}`, { headers: captured });
      expect(replayed.status).toBe(409);
      expect(replayed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await replayed.json()).toMatchObject({ type: 'urn:accord:problem:peer-request-replayed' });
      // Signed anew, the same chunk is served.
      expect((await fetch(`${a.url}${path}`, { headers: signPeerRequest({ identity: idB }, 'GET', path, a.nodeId, new Date(Date.now() + 1)) })).status).toBe(200);
    }
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
    // B's audit log holds the sender's contradiction once, though B fetched the chunk several times.
    const expected = hashes.slice(2 * 64, 3 * 64);
    expect(await lies(storeB, 'evidence.lying_chunk', fakeId)).toEqual([
      { actor: 'node:uz-cert', target: `case:${caseId}`, details: { peer: 'uz-cert', attachment: fakeId, what: 'chunk', index: 2, expected_sha256: expected, claimed_sha256: row.chunk_hashes.slice(2 * 64, 3 * 64) } },
    ]);
    expect(await metric(b, 'accord_evidence_answers_refused_total', { peer: 'uz-cert', reason: 'wrong_chunk' })).toBe(MAX_CHUNK_ATTEMPTS);
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
  it('an answer that lies (another hash, or an attachment not offered to its sender) marks nothing received, is refused and is reported', async () => {
    ctxA ??= await nodeContext(a);
    const row = await storeA.db.selectFrom('evidence_transfers').selectAll().where('attachment_id', '=', first.attachmentId).executeTakeFirstOrThrow();
    // An attachment A offered to kg-cert only (kg-cert holds no case and refuses it): A's transfer stays offered.
    const toC = newId();
    const attachment = { id: toC, case_id: caseId, event_id: null, sha256: row.sha256, size: Number(row.size), name: 'for-kg.bin', media_type: 'application/octet-stream', description: '', added_by: 'node:uz-cert' };
    expect(await offerAttachment(ctxA, { attachment, peer: 'kg-cert', chunkBytes: row.chunk_bytes, chunkHashes: row.chunk_hashes })).toBe(true);
    const notSent = await metric(a, 'accord_evidence_answers_refused_total', { peer: 'kz-cert', reason: 'not_sent_to_peer' });
    const wrongHash = await metric(a, 'accord_evidence_answers_refused_total', { peer: 'kg-cert', reason: 'wrong_hash' });

    // kz-cert claims to have received what was offered to kg-cert; kg-cert claims another hash.
    const ctxB = await nodeContext(b);
    const ctxC = await nodeContext(c);
    try {
      const at = new Date().toISOString();
      const fromB = await sendFrom(ctxB, 'uz-cert', EvidenceMessage.received, { case_id: caseId, attachment_id: toC, sha256: row.sha256, outcome: 'received', at } satisfies ReceivedBody);
      const other = 'f'.repeat(64);
      const fromC = await sendFrom(ctxC, 'uz-cert', EvidenceMessage.received, { case_id: caseId, attachment_id: toC, sha256: other, outcome: 'received', at } satisfies ReceivedBody);
      // The same lie again, in a new message: refused again, audited once.
      const againC = await sendFrom(ctxC, 'uz-cert', EvidenceMessage.received, { case_id: caseId, attachment_id: toC, sha256: other, outcome: 'received', at: new Date().toISOString() } satisfies ReceivedBody);
      expect(await settled(ctxB.store, fromB)).toEqual({ state: 'rejected', reject_reason: expect.stringContaining(`no transfer of attachment ${toC} to kz-cert`) });
      expect(await settled(ctxC.store, fromC)).toEqual({ state: 'rejected', reject_reason: expect.stringContaining(`the answer names ${other}, the attachment's hash is ${row.sha256}`) });
      expect(await settled(ctxC.store, againC)).toEqual({ state: 'rejected', reject_reason: expect.stringContaining(`the answer names ${other}`) });
    } finally {
      await ctxB.store.close();
      await ctxC.store.close();
    }

    // Nothing received on A: the transfer stays offered, with the lie shown; no custody receipt.
    const t = await transferState(apiA, caseId, toC);
    expect(t).toMatchObject({ state: 'offered', direction: 'out' });
    expect(t!.error).toMatch(new RegExp(`^kg-cert answered \\(message [0-9a-f-]+\\) that it received f{64}, but the attachment's hash is ${row.sha256}: the answer was refused$`));
    const custody = await storeA.db.selectFrom('evidence_custody').select('action').where('attachment_id', '=', toC).execute();
    expect(custody.map((c) => c.action)).toEqual(['transfer_sent']);
    expect(await metric(a, 'accord_evidence_answers_refused_total', { peer: 'kz-cert', reason: 'not_sent_to_peer' })).toBe(notSent + 1);
    expect(await metric(a, 'accord_evidence_answers_refused_total', { peer: 'kg-cert', reason: 'wrong_hash' })).toBe(wrongHash + 2);
    // Each lie is in A's audit log once, with the peer, the attachment, and the hash expected and claimed.
    const audited = await lies(storeA, 'evidence.lying_receipt', toC);
    expect(audited).toHaveLength(2);
    expect(audited).toEqual(expect.arrayContaining([
      { actor: 'node:kg-cert', target: `case:${caseId}`, details: { peer: 'kg-cert', attachment: toC, reason: 'wrong_hash', message: expect.any(String), outcome: 'received', expected_sha256: row.sha256, claimed_sha256: 'f'.repeat(64) } },
      { actor: 'node:kz-cert', target: `case:${caseId}`, details: { peer: 'kz-cert', attachment: toC, reason: 'not_sent_to_peer', message: expect.any(String), outcome: 'received', expected_sha256: null, claimed_sha256: row.sha256 } },
    ]));
  }, 600_000);

  // Last: it alters A's stored copy of the first file.
  it('a chunk of the sender\'s stored file altered on disk is named by the sender, and the receiver stores nothing of it', async () => {
    ctxA ??= await nodeContext(a);
    const row = await storeA.db.selectFrom('evidence_transfers').selectAll().where('attachment_id', '=', first.attachmentId).executeTakeFirstOrThrow();
    // Flip one byte inside chunk 3's ciphertext.
    const fd = openSync(storedPath(a.dataDir, row.sha256), 'r+');
    try {
      const at = HEADER_BYTES + 3 * (CHUNK + TAG_BYTES) + 1000;
      const b1 = Buffer.alloc(1);
      readSync(fd, b1, 0, 1, at);
      b1[0] = b1[0]! ^ 0x01;
      writeSync(fd, b1, 0, 1, at);
    } finally {
      closeSync(fd);
    }
    // The same content offered again, as a new attachment, with the true chunk hashes.
    const again = newId();
    const attachment = { id: again, case_id: caseId, event_id: null, sha256: row.sha256, size: Number(row.size), name: 'altered-at-rest.bin', media_type: 'application/octet-stream', description: '', added_by: 'node:uz-cert' };
    expect(await offerAttachment(ctxA, { attachment, peer: 'kz-cert', chunkBytes: row.chunk_bytes, chunkHashes: row.chunk_hashes })).toBe(true);

    const failed = await waitFor('the transfer failed on B', async () => {
      const t = await transferState(apiB, caseId, again);
      return t?.state === 'failed' ? t : undefined;
    }, 240_000);
    // B names the chunk and the sender's own words; it acknowledged the chunks before it, and nothing after.
    expect(failed.error).toMatch(new RegExp(`^chunk 3: uz-cert answered 500 for /federation/v1/evidence/${again}/chunks/3: .*chunk 3 of the stored file ${row.sha256} does not verify.* \\(${MAX_CHUNK_ATTEMPTS} attempts\\)$`));
    expect(failed.chunks_done).toBe(3);
    expect((await apiB('GET', `/api/v1/cases/${caseId}/attachments/${again}`)).status).toBe(404);
    expect(await storeB.db.selectFrom('evidence_attachments').select('id').where('id', '=', again).executeTakeFirst()).toBeUndefined();
    // A's audit log names the chunk, for the peer that asked; A learns that the transfer stopped.
    const audit = await storeA.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'evidence.tampered').execute();
    expect(audit.some((e) => e.actor === 'node:kz-cert' && JSON.parse(e.details).bad_chunk === 3 && JSON.parse(e.details).attachment === again)).toBe(true);
    const onA = await waitFor('the failure on A', async () => {
      const t = await transferState(apiA, caseId, again);
      return t?.state === 'failed' ? t : undefined;
    }, 240_000);
    expect(onA.error).toMatch(/^the peer stopped the transfer: chunk 3: /);
    // The stored copy names its bad chunk when checked.
    const verified = await apiA('GET', `/api/v1/cases/${caseId}/attachments/${first.attachmentId}/verify`);
    expect(verified.json).toMatchObject({ ok: false, bad_chunks: [3] });
  }, 600_000);
});
