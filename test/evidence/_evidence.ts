import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/auth/roles.js';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import type { CaseEventBody } from '../../src/cases/cases.schemas.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import type { Dialect } from '../../src/store/db.js';
import { newId } from '../../src/util/ids.js';
import { PRESERVATION } from '../cases/_cases.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

export const PEER = 'kz-cert';
export const ME = 'uz-cert';

function caseEnvelope(from: string, to: string, body: Omit<CaseEventBody, 'event_id' | 'created_at' | 'seen'> & Partial<CaseEventBody>): Envelope<CaseEventBody> {
  const created_at = new Date().toISOString();
  return { v: 1, id: newId(), from, to: [to], type: 'cases.event/v1', issued_at: created_at, body: { event_id: newId(), created_at, seen: [], ...body } as CaseEventBody, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
}

export interface EvidenceFixture {
  node: TestNode;
  app: FastifyInstance;
  /** A bearer token per role. */
  tokens: Record<Role, string>;
  /** A case the peer opened with this node (incoming), open. */
  caseId: string;
  /** Opens another incoming case; answers its id and a function that withdraws it (the case is then over). */
  openCase(): Promise<{ caseId: string; withdraw(): Promise<void> }>;
  close(): Promise<void>;
}

/** A real node on `dialect` with a user of every role and a case it holds, received from a peer. */
export async function evidenceFixture(dialect: Dialect, settings: Record<string, unknown> = {}): Promise<EvidenceFixture> {
  const node = await createTestNode(dialect, { requireAdminTotp: false, loginRatePerMinute: 10_000, ...settings }, ME);
  await addPeerRow(node.ctx, PEER);
  const app = await buildTestApp(node.ctx);
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as Role[]) tokens[role] = (await buildUser(node.ctx, role)).token;
  const receive = (es: Envelope<CaseEventBody>[]) => node.ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, es, node.ctx));
  const openCase = async () => {
    const caseId = newId();
    const open = caseEnvelope(PEER, ME, { case_id: caseId, action: 'open', requested: ME, request: PRESERVATION });
    await receive([open]);
    return {
      caseId,
      withdraw: async () => {
        await receive([caseEnvelope(PEER, ME, { case_id: caseId, action: 'withdraw', seen: [{ author: PEER, event_id: open.body.event_id }] } as never)]);
      },
    };
  };
  const { caseId } = await openCase();
  return {
    node,
    app,
    tokens,
    caseId,
    openCase,
    close: async () => {
      await app.close();
      await node.close();
    },
  };
}

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export function metadata(m: Record<string, string>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');
}

/** tus over app.inject. */
export function tus(app: FastifyInstance, token: string) {
  const base = (caseId: string) => `/api/v1/cases/${caseId}/attachments/uploads`;
  return {
    create: (caseId: string, length: number, meta: Record<string, string> = { filename: 'logs.txt', type: 'text/plain' }, extra: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: base(caseId), headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': metadata(meta), ...extra } }),
    head: (url: string) => app.inject({ method: 'HEAD', url, headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' } }),
    patch: (url: string, offset: number, body: Buffer, extra: Record<string, string> = {}) =>
      app.inject({ method: 'PATCH', url, headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...extra }, payload: body }),
    /** Uploads `data` in PATCHes of `step` bytes; answers the attachment id. */
    async upload(caseId: string, data: Buffer, step: number, meta?: Record<string, string>): Promise<{ attachmentId: string; url: string }> {
      const c = await this.create(caseId, data.length, meta);
      if (c.statusCode !== 201) throw new Error(`create: ${c.statusCode} ${c.body}`);
      const url = c.headers.location as string;
      let offset = 0;
      let attachmentId = (c.json() as { attachment_id: string | null }).attachment_id;
      while (offset < data.length) {
        const r = await this.patch(url, offset, data.subarray(offset, offset + step));
        if (r.statusCode !== 204) throw new Error(`patch: ${r.statusCode} ${r.body}`);
        offset = Number(r.headers['upload-offset']);
        if (r.headers['accord-attachment-id']) attachmentId = r.headers['accord-attachment-id'] as string;
      }
      return { attachmentId: attachmentId!, url };
    },
  };
}

/** Deterministic bytes that do not compress to nothing: `n` bytes from a seed. */
export function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A raw HTTP request whose body is written by `write`; resolves with status, headers and body (or the socket error). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  write: (req: ReturnType<typeof request>) => Promise<void> | void,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer } | { error: Error }> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, { method, headers });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', (error) => resolve({ error }));
    });
    req.on('error', (error) => resolve({ error }));
    void Promise.resolve(write(req));
  });
}
