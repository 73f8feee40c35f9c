import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEntry } from '../../src/directory/directory.repository.js';
import type { DirectoryEntry, Requirements } from '../../src/directory/directory.schemas.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { addPeerRow } from '../desk/_fixtures.js';
import { buildEntryInput } from '../directory/_entries.js';
import { PRESERVATION } from './_cases.js';

const PROFILE: Requirements = {
  languages: ['ru'],
  request_types: ['preservation-stored-data', 'mla-production'],
  extra_fields: [{ id: 'prosecutor_approval', request_types: ['preservation-stored-data'], label: { en: 'Approval of the prosecutor', ru: 'Санкция прокурора' } }],
  send_to: [{ request_type: '*', contact: 'duty' }],
  typical_days: [{ request_type: 'preservation-stored-data', days: 2 }],
};

/** The peer's entry as the inbox stores it when it arrives. */
async function receiveEntry(node: TestNode, nodeId: string, requirements?: Requirements): Promise<void> {
  const { groups: _g, valid_days: _v, ...input } = buildEntryInput();
  const entry: DirectoryEntry = { ...input, node_id: nodeId, country: 'KZ', version: 1, published_at: new Date().toISOString(), valid_until: new Date(Date.now() + 86_400_000).toISOString(), ...(requirements ? { requirements } : {}) };
  await storeEntry(node.ctx.store.db, entry, { envelope: '{}', isOwn: false });
}

describe.each(DIALECTS)("the requested node's requirements profile (%s)", (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let h: Record<string, string>;

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    h = { authorization: `Bearer ${(await buildUser(node.ctx, 'officer')).token}` };
    await addPeerRow(node.ctx, 'kz-cert');
    await addPeerRow(node.ctx, 'kg-cert');
    await receiveEntry(node, 'kz-cert', PROFILE);
    await receiveEntry(node, 'kg-cert');
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('is published with the own entry and refuses a send_to contact that does not exist', async () => {
    const admin = { authorization: `Bearer ${(await buildUser(node.ctx, 'coordinator')).token}` };
    const bad = await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: admin, payload: { ...buildEntryInput(), requirements: { ...PROFILE, send_to: [{ request_type: '*', contact: 'nobody' }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ pointer: '/requirements/send_to/0/contact', code: 'unknown_contact' })]);
    const ok = await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: admin, payload: { ...buildEntryInput(), requirements: PROFILE } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().entry.requirements).toEqual(PROFILE);
    const confirmed = await app.inject({ method: 'POST', url: '/api/v1/directory/own/confirm', headers: admin, payload: {} });
    expect(confirmed.json().entry.requirements).toEqual(PROFILE);
  });

  it("tells the drafter what the peer needs beyond the instrument: its languages and its extra fields", async () => {
    const side = await app.inject({ method: 'GET', url: '/api/v1/cases/requested-side/kz-cert', headers: h });
    expect(side.json()).toMatchObject({ requirements: PROFILE, requestTypes: PROFILE.request_types, languages: ['ru'], extraFields: { 'preservation-stored-data': ['prosecutor_approval'] } });
    const draft = await app.inject({ method: 'POST', url: '/api/v1/cases/drafts', headers: h, payload: { requested: 'kz-cert', content: PRESERVATION } });
    expect(draft.statusCode).toBe(201);
    expect(draft.json().problems.map((p: { pointer: string; code: string }) => [p.pointer, p.code])).toEqual([
      ['/fields/prosecutor_approval', 'missing'],
      ['/translations', 'missing'],
    ]);
    const sent = await app.inject({ method: 'POST', url: `/api/v1/cases/drafts/${draft.json().id}/send`, headers: h });
    expect(sent.statusCode).toBe(400);
    expect(sent.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/content/fields/prosecutor_approval', '/content/translations']);
    expect(await node.ctx.store.db.selectFrom('cases').selectAll().execute()).toEqual([]);

    const complete = { ...PRESERVATION, fields: { ...PRESERVATION.fields, prosecutor_approval: 'Approved by the Prosecutor General, 28.11.2026' }, translations: [{ language: 'ru', fields: { facts_summary: 'Атака программы-вымогателя на больницу' } }] };
    const fixed = await app.inject({ method: 'PUT', url: `/api/v1/cases/drafts/${draft.json().id}`, headers: h, payload: { requested: 'kz-cert', content: complete } });
    expect(fixed.json().problems).toEqual([]);
  });

  it('refuses a request type the peer does not accept; a peer without a profile takes any', async () => {
    const cert = { ...PRESERVATION, type: 'cert-assistance', legal_basis: { instrument: 'gge-2015' }, fields: { requesting_team: 'UZ-CERT', incident_summary: 'Phishing wave', assistance_sought: 'Take down the sites' } };
    const toKz = await app.inject({ method: 'POST', url: '/api/v1/cases/drafts', headers: h, payload: { requested: 'kz-cert', content: cert } });
    expect(toKz.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/type', code: 'not_allowed' })]));
    const toKg = await app.inject({ method: 'POST', url: '/api/v1/cases/drafts', headers: h, payload: { requested: 'kg-cert', content: cert } });
    expect(toKg.json().problems).toEqual([]);
  });
});
