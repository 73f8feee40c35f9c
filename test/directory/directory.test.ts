import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { buildEntryInput } from './_entries.js';
import { PGP_FINGERPRINT, PGP_KEY, SMIME_CERTIFICATE, SMIME_FINGERPRINT } from './_keys.js';

describe.each(DIALECTS)('the directory on %s', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  let coordinator: Record<string, string>;
  let analyst: Record<string, string>;

  beforeAll(async () => {
    node = await createTestNode(dialect, {}, 'uz-cert');
    app = await buildTestApp(node.ctx);
    coordinator = { authorization: `Bearer ${(await buildUser(node.ctx, 'coordinator')).token}` };
    analyst = { authorization: `Bearer ${(await buildUser(node.ctx, 'analyst')).token}` };
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('has no own entry before the first publication', async () => {
    expect((await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json()).toBeNull();
  });

  it('publishes versions of the own entry, valid for the period asked', async () => {
    const r1 = await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: buildEntryInput({ valid_days: 90 }) });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toMatchObject({ own: true, freshness: 'valid', published_to: [], entry: { node_id: 'uz-cert', country: 'UZ', version: 1 } });
    const days = (Date.parse(r1.json().entry.valid_until) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(90);
    const r2 = await app.inject({ method: 'POST', url: '/api/v1/directory/own/confirm', headers: coordinator, payload: {} });
    expect(r2.json().entry.version).toBe(2);
    expect(Math.round((Date.parse(r2.json().entry.valid_until) - Date.now()) / 86_400_000)).toBe(180);
  });

  it('finds entries by a name in any language, accents and case aside, and filters by country and kind', async () => {
    const q = async (query: string) => (await app.inject({ url: `/api/v1/directory?${query}`, headers: analyst })).json().map((l: { entry: { node_id: string } }) => l.entry.node_id);
    expect(await q('q=национальный')).toEqual(['uz-cert']);
    expect(await q('q=OZBEKISTON')).toEqual(['uz-cert']);
    expect(await q('q=Hodisalar')).toEqual(['uz-cert']);
    expect(await q('q=%25')).toEqual([]); // a wildcard is searched for, not expanded
    // a phone number by its digits, spaced or not (the entry has "+998 71 000 00 00")
    expect(await q('q=998710000000')).toEqual(['uz-cert']);
    expect(await q(`q=${encodeURIComponent('+998 (71) 000-00-00')}`)).toEqual(['uz-cert']);
    expect(await q('q=998719999999')).toEqual([]);
    expect(await q('country=uz&kind=law_enforcement_24_7')).toEqual(['uz-cert']);
    expect(await q('country=KZ')).toEqual([]);
    expect(await q('kind=diplomatic')).toEqual([]);
  });

  it('flags stale and expired entries everywhere they are shown', async () => {
    const db = node.ctx.store.db;
    const entry = async () => (await db.selectFrom('directory_entries').select('entry').executeTakeFirstOrThrow()).entry;
    await db.updateTable('directory_entries').set({ published_at: '2020-01-01T00:00:00.000Z', entry: (await entry()).replace(/"published_at":"[^"]+"/, '"published_at":"2020-01-01T00:00:00.000Z"') }).execute();
    expect((await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json().freshness).toBe('stale');
    expect((await app.inject({ url: '/api/v1/directory?freshness=stale', headers: analyst })).json()).toHaveLength(1);
    await db.updateTable('directory_entries').set({ valid_until: '2021-01-01T00:00:00.000Z', entry: (await entry()).replace(/"valid_until":"[^"]+"/, '"valid_until":"2021-01-01T00:00:00.000Z"') }).execute();
    expect((await app.inject({ url: '/api/v1/directory/nodes/uz-cert', headers: analyst })).json().freshness).toBe('expired');
    const csv = (await app.inject({ url: '/api/v1/directory/export?format=csv', headers: analyst })).body;
    expect(csv).toContain(',Expired,');
    // Re-confirming makes it valid again.
    await app.inject({ method: 'POST', url: '/api/v1/directory/own/confirm', headers: coordinator, payload: {} });
    expect((await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json().freshness).toBe('valid');
  });

  it('exports CSV for spreadsheets: a BOM, labels in the language asked, readable hours, one line per contact, and JSON', async () => {
    const res = await app.inject({ url: '/api/v1/directory/export?format=csv&lang=ru', headers: analyst });
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="accord-directory-\d{4}-\d\d-\d\d\.csv"/);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^Узел,Страна,Орган,Виды органа,Версия,Актуальность,Действительна до,Порядок эскалации,Контакт,Роль,Языки,Часы работы,Часовой пояс,Телефон,/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('uz-cert,Узбекистан,Национальный CERT Узбекистана,CERT,');
    expect(lines[1]).toContain(',1,Дежурный офицер,Правоохранительный орган 24/7,ru en,24/7,Asia/Tashkent,+998 71 000 00 00');
    expect(lines[2]).toContain(',2,Аналитик инцидентов,Технический (CERT),uz en,Пн–Пт 09:00–18:00 Asia/Tashkent,');
    // without ?lang= the browser's Accept-Language decides; English otherwise
    const uz = await app.inject({ url: '/api/v1/directory/export?format=csv', headers: { ...analyst, 'accept-language': 'uz-UZ,uz;q=0.9,ru;q=0.8' } });
    expect(uz.body).toContain('Hodisalar tahlilchisi,Texnik (CERT),uz en,Dush–Jum 09:00–18:00 Asia/Tashkent');
    expect((await app.inject({ url: '/api/v1/directory/export?format=csv', headers: analyst })).body).toContain(',Valid,');
    const json = (await app.inject({ url: '/api/v1/directory/export?format=json', headers: analyst })).json();
    expect(json[0].entry.contacts).toHaveLength(2);
  });

  it('neutralises formula cells in the CSV', async () => {
    const evil = buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[0]!, names: { en: '=HYPERLINK("http://evil.example","x")' }, channels: [{ kind: 'email', value: '@SUM(1+1)' }] }] });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: evil })).statusCode).toBe(200);
    const csv = (await app.inject({ url: '/api/v1/directory/export?format=csv&lang=en', headers: analyst })).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).toContain(`'@SUM(1+1)`);
    expect(csv).not.toMatch(/,=HYPERLINK|,@SUM/);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: buildEntryInput() })).statusCode).toBe(200);
  });

  it('publishes secure-messenger, fax, PGP and S/MIME channels, fingerprints kept as upper-case hex', async () => {
    const channels = [
      { kind: 'messenger', messenger: 'signal', value: '+998 90 000 00 00' },
      { kind: 'fax', value: '+998 71 000 00 01' },
      { kind: 'pgp', value: PGP_FINGERPRINT.toLowerCase().replace(/(.{4})/g, '$1 ').trim(), key: PGP_KEY },
      { kind: 'smime', value: SMIME_FINGERPRINT.replace(/(..)(?!$)/g, '$1:'), certificate: SMIME_CERTIFICATE },
      { kind: 'pgp', value: 'ab'.repeat(32) }, // a v5 fingerprint, no key pasted
    ] as const;
    const payload = buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[0]!, channels: [...channels] }] });
    const r = await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().entry.contacts[0].channels.map((c: { value: string }) => c.value)).toEqual(['+998 90 000 00 00', '+998 71 000 00 01', PGP_FINGERPRINT, SMIME_FINGERPRINT, 'AB'.repeat(32)]);
    expect(r.json().entry.contacts[0].channels[2].key).toBe(PGP_KEY);
    const csv = (await app.inject({ url: '/api/v1/directory/export?format=csv&lang=en', headers: analyst })).body;
    expect(csv).toContain(`Signal: +998 90 000 00 00,+998 71 000 00 01,"${PGP_FINGERPRINT}; ${'AB'.repeat(32)}",${SMIME_FINGERPRINT}`);
    // a PGP fingerprint is found by search, as every channel is
    expect((await app.inject({ url: `/api/v1/directory?q=${PGP_FINGERPRINT.slice(0, 12)}`, headers: analyst })).json()).toHaveLength(1);
  });

  it('refuses bad fingerprints and keys with a problem naming the field', async () => {
    const before = (await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json().entry.version;
    const withChannel = (channel: Record<string, string>) => buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[0]!, channels: [{ kind: 'phone', value: '+998 71 000 00 00' }, channel as never] }] });
    const cases: [Record<string, string>, string, string][] = [
      [{ kind: 'pgp', value: 'ABCD'.repeat(9) }, '/contacts/0/channels/1/value', 'invalid_pgp_fingerprint'],
      [{ kind: 'pgp', value: 'Z'.repeat(40) }, '/contacts/0/channels/1/value', 'invalid_pgp_fingerprint'],
      [{ kind: 'smime', value: PGP_FINGERPRINT }, '/contacts/0/channels/1/value', 'invalid_smime_fingerprint'],
      [{ kind: 'pgp', value: 'C'.repeat(40), key: PGP_KEY }, '/contacts/0/channels/1/value', 'fingerprint_mismatch'],
      [{ kind: 'smime', value: SMIME_FINGERPRINT, certificate: 'hello' }, '/contacts/0/channels/1/certificate', 'invalid_certificate'],
      [{ kind: 'messenger', value: '@duty' }, '/contacts/0/channels/1/messenger', 'messenger_required'],
    ];
    for (const [channel, pointer, code] of cases) {
      const r = await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: withChannel(channel) });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().detail).toContain(pointer);
      expect(r.json().errors).toContainEqual(expect.objectContaining({ in: 'body', pointer, code }));
    }
    // an unknown kind or messenger is refused by the schema
    expect((await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: withChannel({ kind: 'pigeon', value: 'x' }) })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: withChannel({ kind: 'messenger', messenger: 'icq', value: 'x' }) })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json().entry.version).toBe(before);
  });

  it('refuses bad entries with a clear 400 and keeps the published version', async () => {
    const before = (await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json().entry.version;
    const bad = [
      { ...buildEntryInput(), contacts: [] },
      buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[0]!, role: 'emperor' as never }] }),
      buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[1]!, hours: { always: false } }] }),
      buildEntryInput({ contacts: [buildEntryInput().contacts[0]!, buildEntryInput().contacts[0]!] }),
      buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[0]!, hours: { always: false, from: '25:00', to: '18:00' } }] }),
      { ...buildEntryInput(), owner: 'me' },
    ];
    for (const payload of bad) {
      const r = await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload });
      expect(r.statusCode, JSON.stringify(r.json())).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
    expect((await app.inject({ method: 'PUT', url: '/api/v1/directory/own', headers: coordinator, payload: buildEntryInput({ contacts: [{ ...buildEntryInput().contacts[1]!, hours: { always: false } }] }) })).json().detail).toMatch(/give working hours/);
    expect((await app.inject({ url: '/api/v1/directory/own', headers: analyst })).json().entry.version).toBe(before);
    expect((await app.inject({ url: '/api/v1/directory?country=Uzbekistan', headers: analyst })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/directory/nodes/nobody', headers: analyst })).statusCode).toBe(404);
  });
});

describe.each(DIALECTS)('the reminder to re-confirm on %s', (dialect) => {
  it('asks the coordinators once per version when the entry is about to run out', async () => {
    const node = await createTestNode(dialect, {}, 'uz-cert');
    try {
      const { remindToReconfirm } = await import('../../src/directory/directory-reminder.service.js');
      const { publishOwnEntry } = await import('../../src/directory/directory.service.js');
      const coordinator = await buildUser(node.ctx, 'coordinator');
      expect(await remindToReconfirm(node.ctx)).toBe(false); // no entry yet
      await publishOwnEntry(node.ctx, { ref: 'test' }, buildEntryInput({ valid_days: 30 }));
      expect(await remindToReconfirm(node.ctx)).toBe(false); // valid for a month
      await publishOwnEntry(node.ctx, { ref: 'test' }, buildEntryInput({ valid_days: 7 }));
      expect(await remindToReconfirm(node.ctx)).toBe(true);
      expect(await remindToReconfirm(node.ctx)).toBe(false); // once per version
      const sent = await node.ctx.store.db.selectFrom('notifications').select(['user_id', 'kind', 'subject']).where('kind', '=', 'directory.expiring').execute();
      expect(sent.map((n) => n.user_id)).toEqual(expect.arrayContaining([coordinator.user.id]));
      expect(sent[0]!.subject).toMatch(/needs re-confirmation/);
    } finally {
      await node.close();
    }
  });
});

describe.each(DIALECTS)('search answers on %s', (dialect) => {
  // A peer's entry as it arrives: names in several scripts, with quotes and a backslash.
  const signer = 'ab'.repeat(32);
  const peerEntry = {
    ...buildEntryInput({ authority_names: { en: 'Kazakhstan "cyber" police \\ unit', ru: 'Киберполиция Казахстана', zh: '哈萨克斯坦网络警察 🚓' } }),
    node_id: 'kz-police',
    country: 'KZ',
    version: 3,
    published_at: new Date().toISOString(),
    valid_until: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
  let node: TestNode;
  let app: FastifyInstance;
  let analyst: Record<string, string>;

  beforeAll(async () => {
    node = await createTestNode(dialect, {}, 'uz-cert');
    app = await buildTestApp(node.ctx);
    analyst = { authorization: `Bearer ${(await buildUser(node.ctx, 'analyst')).token}` };
    const { publishOwnEntry } = await import('../../src/directory/directory.service.js');
    const { storeEntry } = await import('../../src/directory/directory.repository.js');
    await publishOwnEntry(node.ctx, { ref: 'test' }, buildEntryInput());
    const envelope = JSON.stringify({ v: 1, id: 'm1', from: 'kz-police', to: ['uz-cert'], type: 'directory.entry/v1', issued_at: peerEntry.published_at, body: peerEntry, sig: { suite: 'ed25519', key: signer, value: 'x' } });
    await storeEntry(node.ctx.store.db, peerEntry, { envelope, isOwn: false });
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  const search = (query: string) => app.inject({ url: `/api/v1/directory${query}`, headers: analyst });

  it('answers with the stored entries byte for byte, with their signer, as the export does', async () => {
    const res = await search('');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    const list = res.json();
    expect(list.map((l: { entry: { node_id: string }; own: boolean; signed_by: string | null; freshness: string }) => [l.entry.node_id, l.own, l.signed_by, l.freshness])).toEqual([
      ['kz-police', false, signer, 'valid'],
      ['uz-cert', true, null, 'valid'],
    ]);
    expect(list[0].entry).toEqual(peerEntry);
    const stored = await node.ctx.store.db.selectFrom('directory_entries').select(['node_id', 'entry', 'received_at']).orderBy('country').execute();
    for (const r of stored) expect(res.rawPayload.includes(Buffer.from(r.entry))).toBe(true);
    expect(list[0].received_at).toBe(stored[0]!.received_at);
    // The parsed path (the JSON export) gives the same listings.
    expect((await app.inject({ url: '/api/v1/directory/export?format=json', headers: analyst })).json()).toEqual(list);
    expect((await search('?q=nobody-at-all')).body).toBe('[]');
  });

  it('searches every script and the characters LIKE treats specially', async () => {
    const ids = async (query: string) => (await search(query)).json().map((l: { entry: { node_id: string } }) => l.entry.node_id);
    expect(await ids(`?q=${encodeURIComponent('КИБЕРПОЛИЦИЯ')}`)).toEqual(['kz-police']);
    expect(await ids(`?q=${encodeURIComponent('网络警察')}`)).toEqual(['kz-police']);
    expect(await ids(`?q=${encodeURIComponent('"cyber" police \\')}`)).toEqual(['kz-police']);
    expect(await ids('?q=_')).toEqual([]); // a wildcard is searched for, not expanded
    expect(await ids('?q=cert')).toEqual(['kz-police', 'uz-cert']); // e-mail addresses (channels)
    expect(await ids('?country=kz&kind=law_enforcement_24_7&freshness=valid')).toEqual(['kz-police']);
    expect(await ids('?freshness=expired')).toEqual([]);
  });

  it('fills the signer column from the stored envelopes when the migration runs', async () => {
    const m = await import('../../src/directory/migrations/20261129T020000-directory-search.js');
    await m.down(node.ctx.store.db as never);
    await m.up(node.ctx.store.db as never);
    const list = (await search('')).json();
    expect(list.map((l: { signed_by: string | null }) => l.signed_by)).toEqual([signer, null]);
  });

  it('makes the numbers of entries stored before digit search findable by their digits', async () => {
    const { db } = node.ctx.store;
    const ids = async (query: string) => (await search(query)).json().map((l: { entry: { node_id: string } }) => l.entry.node_id);
    // As stored before: the number only as published ("+998 71 000 00 00").
    await db.updateTable('directory_entries').set({ search_text: 'uz-cert \u0001 +998 71 000 00 00' }).where('node_id', '=', 'uz-cert').execute();
    expect(await ids('?q=998710000000')).not.toContain('uz-cert');
    const m = await import('../../src/directory/migrations/20261201T170000-directory-phone-search.js');
    await m.up(db as never);
    expect(await ids('?q=998710000000')).toContain('uz-cert');
  });
});
