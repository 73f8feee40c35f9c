import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { daysFromToday, plansNode, type PlansNode } from './_plans.js';

const UNKNOWN = '01900000-0000-7000-8000-000000000000';
const TITLE = 'План взаимодействия ШОС по информационной безопасности на 2026–2027 годы';

describe.each(DIALECTS)('plans API on one node (%s)', (dialect) => {
  let f: PlansNode;
  let planId = '';
  let ownItem = '';
  let lateItem = '';
  let kzItem = '';

  beforeAll(async () => {
    f = await plansNode(dialect);
  });
  afterAll(async () => {
    await f?.close();
  });

  const outbox = async (type: string) => (await f.node.ctx.store.db.selectFrom('outbox').select(['peer_id', 'type']).where('type', '=', type).execute()).map((r) => r.peer_id).sort();

  it('founds a plan of the group with its agreement, sent to the two other members', async () => {
    const r = await f.api('coordinator', 'POST', '/api/v1/plans', { group_id: f.groupId, title: TITLE, instrument: 'sco-2009', reference: 'Решение СМИД ШОС, п. 3' });
    expect(r.status).toBe(201);
    planId = r.json.id;
    expect(r.json).toMatchObject({ title: TITLE, group_id: f.groupId, group_name: 'ШОС: CERT', author: 'uz-cert', my_role: 'member', instrument_id: 'sco-2009', instrument: { id: 'sco-2009', unconfirmed: true }, members: ['kz-cert', 'tj-cert', 'uz-cert'], items: [] });
    expect(await outbox('plans.plan/v1')).toEqual(['kz-cert', 'tj-cert']);
    const list = await f.api('analyst', 'GET', '/api/v1/plans');
    expect(list.json.map((p: { id: string }) => p.id)).toEqual([planId]);
    expect((await f.api('auditor', 'GET', `/api/v1/plans?group=${f.groupId}`)).json).toHaveLength(1);
    expect((await f.api('auditor', 'GET', `/api/v1/plans?group=${UNKNOWN}`)).json).toEqual([]);
  });

  it('puts an item this node owns in effect at once, and proposes one for another member', async () => {
    const own = await f.api('officer', 'POST', `/api/v1/plans/${planId}/items`, { title: 'Обмен списками контактных пунктов 24/7', owner: 'uz-cert', deadline: daysFromToday(30) });
    expect(own.status).toBe(201);
    ownItem = own.json.item_id;
    const late = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/items`, { title: 'Oʻzbekiston: milliy CERT hisobotini tayyorlash', description: 'Hisobot', owner: 'uz-cert', deadline: daysFromToday(-3) });
    lateItem = late.json.item_id;
    const forKz = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/items`, { title: 'Совместные учения по реагированию на инциденты', owner: 'kz-cert', deadline: daysFromToday(60) });
    kzItem = forKz.json.item_id;
    const items = forKz.json.items as { id: string; acceptance: string; overdue: boolean; days_overdue: number; status: string }[];
    expect(items.map((i) => [i.id, i.acceptance, i.status, i.overdue])).toEqual([
      [ownItem, 'accepted', 'planned', false],
      [lateItem, 'accepted', 'planned', true],
      [kzItem, 'proposed', 'planned', false],
    ]);
    expect(items[1]!.days_overdue).toBe(3);
    expect(forKz.json.counts).toEqual({ items: 2, proposed: 1, planned: 2, in_progress: 0, done: 0, cancelled: 0, overdue: 1 });
    expect(await outbox('plans.item/v1')).toEqual(['kz-cert', 'kz-cert', 'kz-cert', 'tj-cert', 'tj-cert', 'tj-cert']);
  });

  it('publishes the owner’s status updates with their notes, and an overdue item done is no longer overdue', async () => {
    const r = await f.api('officer', 'POST', `/api/v1/plans/${planId}/items/${ownItem}/status`, { status: 'in_progress', note: 'Списки запрошены у всех участников' });
    expect(r.status).toBe(200);
    expect(r.json.items[0]).toMatchObject({ status: 'in_progress', updates: [{ status: 'in_progress', note: 'Списки запрошены у всех участников' }] });
    expect(await outbox('plans.status/v1')).toEqual(['kz-cert', 'tj-cert']);
    const change = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/items/${ownItem}/changes`, { deadline: daysFromToday(45) });
    expect(change.status).toBe(201);
    expect(change.json.items[0]).toMatchObject({ deadline: daysFromToday(45), changes: [{ status: 'accepted', deadline: daysFromToday(45) }] });
  });

  it('puts this node’s overdue item on the desk of those who update plans, not of analysts', async () => {
    const desk = await f.api('officer', 'GET', '/api/v1/desk');
    const items = desk.json.items.filter((i: { kind: string }) => i.kind.startsWith('plans.'));
    expect(items).toEqual([expect.objectContaining({ kind: 'plans.item_overdue', id: lateItem, severity: 'urgent', link: `/plans/${planId}`, params: expect.objectContaining({ days: 3, plan: TITLE }) })]);
    const analyst = await f.api('analyst', 'GET', '/api/v1/desk');
    expect(analyst.json.items.filter((i: { kind: string }) => i.kind.startsWith('plans.'))).toEqual([]);
  });

  it('refuses bad input with the fields at fault and writes nothing', async () => {
    const before = (await f.node.ctx.store.db.selectFrom('plan_events').selectAll().execute()).length;
    const cases: [string, unknown, string][] = [
      ['/api/v1/plans', { group_id: f.groupId }, '/title'],
      ['/api/v1/plans', { group_id: f.groupId, title: '' }, '/title'],
      ['/api/v1/plans', { group_id: f.groupId, title: 'x', extra: 1 }, '/extra'],
      ['/api/v1/plans', { group_id: f.groupId, title: 'x', instrument: 'budapest-2001' }, '/instrument'],
      ['/api/v1/plans', { group_id: UNKNOWN, title: 'x' }, '/group_id'],
      [`/api/v1/plans/${planId}/items`, { title: 'x', owner: 'uz-cert', deadline: '2026-02-30' }, '/deadline'],
      [`/api/v1/plans/${planId}/items`, { title: 'x', owner: 'uz-cert', deadline: '31.12.2026' }, '/deadline'],
      [`/api/v1/plans/${planId}/items`, { title: 'x', owner: 'kg-cert', deadline: '2026-12-31' }, '/owner'],
      [`/api/v1/plans/${planId}/items`, { title: 'x'.repeat(501), owner: 'uz-cert', deadline: '2026-12-31' }, '/title'],
      [`/api/v1/plans/${planId}/items/${ownItem}/status`, { status: 'finished', note: 'x' }, '/status'],
      [`/api/v1/plans/${planId}/items/${ownItem}/status`, { status: 'done', note: '' }, '/note'],
      [`/api/v1/plans/${planId}/items/${ownItem}/changes`, {}, ''],
    ];
    for (const [url, body, pointer] of cases) {
      const r = await f.api('coordinator', 'POST', url, body);
      expect([url, r.status, r.json.type], JSON.stringify(body)).toEqual([url, 400, 'urn:accord:problem:invalid-input']);
      expect(r.json.errors.map((e: { pointer: string }) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect((await f.node.ctx.store.db.selectFrom('plan_events').selectAll().execute()).length).toBe(before);
  });

  it('answers 404 for unknown plans, items and proposals, 409 to a status update by a node that does not own the item', async () => {
    expect((await f.api('analyst', 'GET', `/api/v1/plans/${UNKNOWN}`)).status).toBe(404);
    expect((await f.api('analyst', 'GET', `/api/v1/plans/${UNKNOWN}/export.pdf`)).status).toBe(404);
    expect((await f.api('coordinator', 'POST', `/api/v1/plans/${UNKNOWN}/items`, { title: 'x', owner: 'uz-cert', deadline: '2026-12-31' })).status).toBe(404);
    expect((await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/items/${UNKNOWN}/status`, { status: 'done', note: 'x' })).status).toBe(404);
    expect((await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/proposals/${UNKNOWN}/answer`, { answer: 'accept' })).status).toBe(404);
    const notMine = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/items/${kzItem}/status`, { status: 'done', note: 'Выполнено' });
    expect([notMine.status, notMine.json.type]).toEqual([409, 'urn:accord:problem:not-the-item-owner']);
    const notMyAnswer = await f.api('coordinator', 'POST', `/api/v1/plans/${planId}/proposals/${kzItem}/answer`, { answer: 'accept' });
    expect([notMyAnswer.status, notMyAnswer.json.type]).toEqual([409, 'urn:accord:problem:not-the-item-owner']);
    expect((await f.api('coordinator', 'GET', '/api/v1/plans/not-a-uuid')).status).toBe(400);
  });

  it('lets every role read and only admins, coordinators and officers write', async () => {
    for (const role of ['analyst', 'auditor'] as const) {
      expect((await f.api(role, 'GET', `/api/v1/plans/${planId}`)).status).toBe(200);
      expect((await f.api(role, 'GET', '/api/v1/plans/instruments')).status).toBe(200);
      expect((await f.api(role, 'POST', '/api/v1/plans', { group_id: f.groupId, title: 'x' })).status).toBe(403);
      expect((await f.api(role, 'POST', `/api/v1/plans/${planId}/items`, { title: 'x', owner: 'uz-cert', deadline: '2026-12-31' })).status).toBe(403);
      expect((await f.api(role, 'POST', `/api/v1/plans/${planId}/items/${ownItem}/status`, { status: 'done', note: 'x' })).status).toBe(403);
    }
    const anonymous = await f.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/export.html` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lists the agreements with their sources, UNCONFIRMED facts flagged', async () => {
    const r = await f.api('analyst', 'GET', '/api/v1/plans/instruments');
    expect(r.json.map((i: { id: string }) => i.id)).toEqual(['sco-2009', 'cis-2018']);
    expect(r.json[0]).toMatchObject({ signed: '2009-06-16', unconfirmed: true, facts: expect.arrayContaining([expect.objectContaining({ status: 'CONFIRMED', source: expect.stringContaining('io.gov.mo') }), expect.objectContaining({ status: 'UNCONFIRMED' })]) });
  });

  it('exports the plan as a printable HTML report with the overdue item marked', async () => {
    const r = await f.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/export.html?lang=ru`, headers: f.headers.analyst });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain(`<h1>${TITLE}</h1>`);
    expect(r.body).toContain('Отчёт о ходе выполнения'.toLowerCase().slice(0, 5));
    expect(r.body).toMatch(new RegExp(`<tr class="overdue" data-item="${lateItem}">`));
    expect(r.body).toContain('ПРОСРОЧЕН на 3 дн.');
    expect(r.body).toContain('НЕ ПОДТВЕРЖДЕНА');
    expect(r.body).not.toContain('<script');
    const uz = await f.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/export.html`, headers: { ...f.headers.analyst, 'accept-language': 'uz,ru;q=0.8' } });
    expect(uz.body).toContain('MUDDATI 3 kun oʻtgan');
  });

  it('exports a PDF that renders, with the Russian and Uzbek text of the plan in it', async () => {
    const r = await f.app.inject({ method: 'GET', url: `/api/v1/plans/${planId}/export.pdf?lang=ru`, headers: f.headers.analyst });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'plan-pdf-'));
    try {
      const pdf = join(dir, 'plan.pdf');
      writeFileSync(pdf, r.rawPayload);
      // Rendered to a PNG: a page the size of A4 at 50 dpi (413 × 585), with ink on it.
      execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, 'page')]);
      const png = readFileSync(join(dir, 'page.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(Math.abs(png.readUInt32BE(16) - 413)).toBeLessThanOrEqual(1);
      expect(Math.abs(png.readUInt32BE(20) - 585)).toBeLessThanOrEqual(1);
      // A blank page compresses to about a kilobyte; text makes it several.
      expect(png.length).toBeGreaterThan(8_000);
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      for (const s of [TITLE, 'Обмен списками контактных пунктов 24/7', 'Совместные учения по реагированию на инциденты', 'Oʻzbekiston: milliy CERT hisobotini tayyorlash', 'ПРОСРОЧЕН на 3 дн.', 'Списки запрошены у всех участников', 'ШОС: CERT']) expect(text).toContain(s);
      const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
      expect(fonts).toMatch(/DejaVuSans.*yes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
