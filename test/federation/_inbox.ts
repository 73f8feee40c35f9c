import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { NoticeType } from '../../src/federation/builtin/builtin-types.js';
import { SENDER_HEADER } from '../../src/federation/inbox.service.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../../src/node/identity.js';
import type { Dialect } from '../../src/store/db.js';
import { buildTestApp, createTestNode, type TestNode } from '../_util/node.js';

/** A key pair with a node id: a peer we pin, or a stranger. */
export function makeIdentity(nodeId: string): NodeIdentity {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  return { node_id: nodeId, country: 'UZ', names: { en: nodeId }, authority_kinds: [], created_at: '', suite: 'ed25519', privateKey, publicKey, publicKeyRaw: rawPublicKey(publicKey).toString('base64url'), fingerprint: fingerprintOf(publicKey) };
}

export interface InboxFixture {
  node: TestNode;
  app: FastifyInstance;
  /** uz-cert, pinned as a peer of the node (kz-cert). */
  peer: NodeIdentity;
  notice(over?: Partial<Envelope>, id?: NodeIdentity): Envelope;
  batch(envelopes: Envelope[], over?: Record<string, unknown>, id?: NodeIdentity): Envelope<{ envelopes: Envelope[] }>;
  /**
   * Posts a body to the inbox. The request names its sender (SENDER_HEADER) as a node's
   * transport does: `sender` when given, else the `from` of a batch given as an object; a text
   * names none unless `sender` is given.
   */
  post(body: unknown, opts?: { sender?: string }): Promise<{ status: number; type: string; text: string; json: Record<string, unknown> }>;
  counts(): Promise<{ inbox: number; seen_batches: number; notices: number }>;
  close(): Promise<void>;
}

/** A real node (kz-cert) in this process, served by app.inject, with uz-cert pinned as its peer. */
export async function inboxFixture(dialect: Dialect, settings: Record<string, unknown> = {}): Promise<InboxFixture> {
  const node = await createTestNode(dialect, settings, 'kz-cert');
  const app = await buildTestApp(node.ctx);
  const peer = makeIdentity('uz-cert');
  const now = new Date().toISOString();
  await node.ctx.store.db
    .insertInto('peers')
    .values({
      node_id: peer.node_id, base_url: 'http://127.0.0.1:9', country: 'UZ', names: '{"en":"UZ-CERT"}', authority_kinds: '[]', key_suite: 'ed25519', public_key: peer.publicKeyRaw, fingerprint: peer.fingerprint,
      status: 'active', added_at: now, updated_at: now, last_contact_at: now, last_error: null, last_error_at: null, failures: 0, next_attempt_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]',
    })
    .execute();
  const notice = (over: Partial<Envelope> = {}, id: NodeIdentity = peer): Envelope =>
    signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: ['kz-cert'], type: NoticeType.type, issued_at: new Date().toISOString(), body: { subject: 'check', text: 'x' }, ...over } as Envelope);
  const batch = (envelopes: Envelope[], over: Record<string, unknown> = {}, id: NodeIdentity = peer) =>
    signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes }, ...over } as Envelope<{ envelopes: Envelope[] }>);
  const post = async (body: unknown, opts: { sender?: string } = {}) => {
    const text = typeof body === 'string' || Buffer.isBuffer(body);
    const from = (body as { from?: unknown } | null)?.from;
    const sender = opts.sender ?? (!text && typeof from === 'string' ? from : undefined);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(sender ? { [SENDER_HEADER]: sender } : {}) };
    const res = await app.inject({ method: 'POST', url: '/federation/v1/inbox', headers, payload: text ? body : JSON.stringify(body) });
    let json: Record<string, unknown> = {};
    try {
      json = res.json();
    } catch {
      // not JSON: the test looks at text
    }
    return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), text: res.body, json };
  };
  const counts = async () => {
    const n = async (t: 'inbox' | 'seen_batches' | 'notices') => Number((await node.ctx.store.db.selectFrom(t).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
    return { inbox: await n('inbox'), seen_batches: await n('seen_batches'), notices: await n('notices') };
  };
  return { node, app, peer, notice, batch, post, counts, close: async () => (await app.close(), await node.close()) };
}
