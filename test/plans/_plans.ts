import type { FastifyInstance } from 'fastify';
import { eventDigest } from '../../src/federation/event-log/event-log.rules.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { Receipt } from '../../src/federation/protocol/receipt.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import type { Role } from '../../src/auth/roles.js';
import type { Dialect } from '../../src/store/db.js';
import { pinPeer } from '../cases/_cases.js';
import { makeIdentity } from '../federation/_inbox.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

export const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru', 'en'], confidentiality: '' };

export interface PlansNode {
  node: TestNode;
  app: FastifyInstance;
  /** Members of the group besides this node (uz-cert). */
  kz: NodeIdentity;
  tj: NodeIdentity;
  /** A peer of this node that is no member of the group. */
  kg: NodeIdentity;
  groupId: string;
  headers: Record<Role, Record<string, string>>;
  api(role: Role, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Delivers envelopes to the node's inbox in one batch signed by `from`. */
  deliver(from: NodeIdentity, envelopes: Envelope[]): Promise<{ status: number; json: Receipt }>;
  /** A plan event signed by `from` for uz-cert (a fresh event_id and created_at unless the body names them). */
  event(from: NodeIdentity, type: string, body: Record<string, unknown>, at?: string): Envelope;
  /** Any message signed by `from` for uz-cert, the body as given. */
  signed(from: NodeIdentity, type: string, body: unknown): Envelope;
  close(): Promise<void>;
}

/**
 * A real node (uz-cert) in this process, member of a regional group with kz-cert (its founder)
 * and tj-cert, both test-made identities pinned as peers; kg-cert is a peer outside the group.
 */
export async function plansNode(dialect: Dialect): Promise<PlansNode> {
  const node = await createTestNode(dialect, { requireAdminTotp: false }, 'uz-cert');
  const app = await buildTestApp(node.ctx);
  const [kz, tj, kg] = [makeIdentity('kz-cert'), makeIdentity('tj-cert'), makeIdentity('kg-cert')];
  for (const id of [kz, tj, kg]) await pinPeer(node.ctx.store.db, id);
  const headers = {} as Record<Role, Record<string, string>>;
  for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) headers[role] = { authorization: `Bearer ${(await buildUser(node.ctx, role)).token}` };
  const api: PlansNode['api'] = async (role, method, url, body) => {
    const res = await app.inject({ method, url, headers: headers[role], ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.headers['content-type']?.toString().includes('json') ? res.json() : res.body };
  };
  const deliver: PlansNode['deliver'] = async (from, envelopes) => {
    const batch = signEnvelope(from, { v: 1, id: newMessageId(), from: from.node_id, to: ['uz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes } });
    const res = await app.inject({ method: 'POST', url: '/federation/v1/inbox', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(batch) });
    return { status: res.statusCode, json: res.json() as Receipt };
  };
  const event: PlansNode['event'] = (from, type, body, at = new Date().toISOString()) => {
    const full = { event_id: newMessageId(), created_at: at, ...body };
    return signEnvelope(from, { v: 1, id: newMessageId(), from: from.node_id, to: ['uz-cert'], type, issued_at: at, body: full });
  };

  const signed: PlansNode['signed'] = (from, type, body) => signEnvelope(from, { v: 1, id: newMessageId(), from: from.node_id, to: ['uz-cert'], type, issued_at: new Date().toISOString(), body });

  // kz-cert founds the group, tj-cert consents, then this node consents through its API.
  const groupId = newMessageId();
  const now = new Date().toISOString();
  const proposal = { event_id: newMessageId(), group_id: groupId, created_at: now, change: { kind: 'create', name: 'ШОС: CERT', level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['uz-cert', 'tj-cert'] } };
  const sign = (from: NodeIdentity, type: string, body: object) => signEnvelope(from, { v: 1, id: newMessageId(), from: from.node_id, to: ['uz-cert'], type, issued_at: now, body });
  const consent = { event_id: newMessageId(), group_id: groupId, created_at: now, proposal_id: proposal.event_id, proposal_author: 'kz-cert', proposal_digest: eventDigest(proposal) };
  await deliver(kz, [sign(kz, 'groups.proposal/v1', proposal)]);
  await deliver(tj, [sign(tj, 'groups.consent/v2', consent)]);
  const answered = await api('admin', 'POST', `/api/v1/groups/${groupId}/proposals/${proposal.event_id}/consent`);
  if (answered.status !== 200 || answered.json.status !== 'active') throw new Error(`group not active: ${JSON.stringify(answered.json)}`);
  return { node, app, kz, tj, kg, groupId, headers, api, deliver, event, signed, close: async () => (await app.close(), await node.close()) };
}

export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
