import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseEventType } from '../../src/cases/cases.messages.js';
import type { CaseEventBody, RequestContent } from '../../src/cases/cases.schemas.js';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { mlaProduction, PRESERVATION } from './_cases.js';

/**
 * A refusal offers, and takes, the grounds of the instrument the request rests on: Budapest
 * grounds (arts 29(5), 30(2), 25(4), 27(4)) under the Budapest Convention, UN grounds
 * (art. 40(21)-(22)) under the UN Convention.
 */
describe.each(DIALECTS)('refusal grounds by legal basis over HTTP (%s)', (dialect) => {
  let node: TestNode, app: FastifyInstance, officer: string;
  const me = 'test-node';
  const peer = 'kz-cert';

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
  const call = async (method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${officer}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };

  /** A request from the peer that this node receives, as the inbox hands it to the handler. */
  async function receiveRequest(request: RequestContent): Promise<string> {
    const caseId = newId();
    const at = new Date().toISOString();
    const e: Envelope<CaseEventBody> = { v: 1, id: newId(), from: peer, to: [me], type: 'cases.event/v1', issued_at: at, body: { event_id: newId(), case_id: caseId, created_at: at, seen: [], action: 'open', requested: me, request }, sig: { suite: 'ed25519', key: 'k', value: 'v' } };
    const refused = await node.ctx.store.db.transaction().execute((trx) => CaseEventType.handleMany(trx, [e], node.ctx));
    expect([...(refused ?? [])]).toEqual([]);
    return caseId;
  }

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    await addPeerRow(node.ctx, peer);
    officer = (await buildUser(node.ctx, 'officer')).token;
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  it('the catalogue route lists the Budapest grounds of each type, each with its source and flagged unconfirmed', async () => {
    const r = await call('GET', '/api/v1/cases/catalogue');
    expect(r.status).toBe(200);
    const preservation = r.json.request_types.find((t: { id: string }) => t.id === 'preservation-stored-data');
    expect(preservation.refusal_grounds.filter((g: { instrument: string }) => g.instrument === 'budapest')).toEqual([
      expect.objectContaining({ ref: '29(5)(a)', source: { instrument: 'budapest', ref: '29(5)' }, confirmed: false }),
      expect.objectContaining({ ref: '29(5)(b)', source: { instrument: 'budapest', ref: '29(5)' }, confirmed: false }),
    ]);
  });

  it('under Budapest art. 29: a UN ground is refused with 409 and the Budapest list, a Budapest ground refuses the request', async () => {
    const caseId = await receiveRequest({ ...PRESERVATION, legal_basis: { instrument: 'budapest', article: 29 } });
    const wrong = await call('POST', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', grounds: ['40(21)(b)'], reasons: 'Essential interests.' });
    expect(wrong.status).toBe(409);
    expect(wrong.json.detail).toBe('40(21)(b) is not a ground on which preservation-stored-data may be refused (29(5)(a), 29(5)(b))');
    expect((await call('GET', `/api/v1/cases/${caseId}`)).json.status).toBe('sent');
    const right = await call('POST', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', grounds: ['29(5)(b)'], reasons: 'Execution would prejudice essential interests.' });
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ status: 'refused', refusal: { grounds: ['29(5)(b)'] } });
  });

  it('under the UN Convention: a Budapest ground is refused with 409, a UN ground refuses the request', async () => {
    const caseId = await receiveRequest(PRESERVATION);
    const wrong = await call('POST', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', grounds: ['29(5)(a)'], reasons: 'Political offence.' });
    expect(wrong.status).toBe(409);
    expect(wrong.json.detail).toBe('29(5)(a) is not a ground on which preservation-stored-data may be refused (40(21)(b), 40(21)(c), 40(22))');
    const right = await call('POST', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', grounds: ['40(22)'], reasons: 'Persecution on political grounds.' });
    expect(right.status).toBe(200);
    expect(right.json.refusal).toEqual({ grounds: ['40(22)'], reasons: 'Persecution on political grounds.' });
  });

  it('an MLA request under Budapest art. 31 is refused on arts 25(4) and 27(4), not on a preservation ground', async () => {
    const caseId = await receiveRequest({ ...mlaProduction('earlier'), legal_basis: { instrument: 'budapest', article: 31 } });
    const wrong = await call('POST', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', grounds: ['27(4)(a)', '29(5)(a)'], reasons: 'Political offence.' });
    expect(wrong.status).toBe(409);
    expect(wrong.json.detail).toBe('29(5)(a) is not a ground on which mla-production may be refused (25(4), 27(4)(a), 27(4)(b))');
    const right = await call('POST', `/api/v1/cases/${caseId}/actions`, { action: 'refuse', grounds: ['25(4)', '27(4)(a)'], reasons: 'Political offence under our law.' });
    expect(right.status).toBe(200);
    expect(right.json.status).toBe('refused');
  });
});
