import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleMay, ROLES, type Role } from '../../src/auth/roles.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import { tlp2MarkingId, type Tlp } from '../../src/intel/policy/markings.js';
import { mayReach } from '../../src/intel/policy/release.policy.js';
import { sendReleases } from '../../src/intel/releases/releases.jobs.js';
import { IntelMessage, type IntelObjectsBody } from '../../src/intel/releases/releases.schemas.js';
import { ALL_COLLECTION_ID, groupCollectionId, LOCAL_COLLECTION_ID, receivedCollectionId, TAXII_MEDIA_TYPE } from '../../src/intel/taxii/taxii.routes.js';
import markingsJson from '../../src/intel/policy/markings.json' with { type: 'json' };
import { newId } from '../../src/util/ids.js';
import { pinPeer } from '../cases/_cases.js';
import { DIALECTS } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { inboxFixture, makeIdentity, type InboxFixture } from '../federation/_inbox.js';
import { runCli } from '../_util/node-process.js';
import { AGREEMENT } from '../plans/_plans.js';
import { bundle, indicator } from './_intel.js';
import { local, received, releaseMessage, store } from './_releases.js';

/**
 * TLP 2.0 leak suite: every read path of the intel capability, for every role, against one
 * table of expectations read from the release policy (src/intel/policy/release.policy.ts):
 *
 * A signed-in user is `{ kind: 'user', redRecipient }`, redRecipient = holds intel:red
 * (src/intel/index.ts: admin and coordinator). For a user the policy ignores origin; an unmarked
 * object counts as AMBER (DEFAULT_POLICY.unmarkedAs). So, for local and received objects alike:
 *
 *               CLEAR  GREEN  AMBER  AMBER+STRICT  RED  unmarked
 *   admin        yes    yes    yes       yes       yes    yes
 *   coordinator  yes    yes    yes       yes       yes    yes
 *   officer      yes    yes    yes       yes       no     yes
 *   analyst      yes    yes    yes       yes       no     yes
 *   auditor      yes    yes    yes       yes       no     yes
 *
 * Each version carries its own marking, and each object is judged by its own marking only: a
 * GREEN relationship (or sighting) whose target is a RED object is visible to all, and its
 * `target_ref` / `sighting_of_ref` names the RED object's id (the source marked that link GREEN).
 * That is the only place a RED id may appear for a reader without intel:red; the RED object's
 * text never appears anywhere. An object the reader may not see answers 404, exactly as an
 * unknown id does. A TAXII add's status is shown to the user who added and to holders of
 * intel:red only; to others it is 404, as an unknown status.
 *
 * Over TAXII a user reads as `{ kind: 'taxii', redRecipient }`: the narrower of their reach
 * and the TAXII clients' column, so AMBER+STRICT and RED never leave over TAXII, whoever reads:
 *
 *               CLEAR  GREEN  AMBER  AMBER+STRICT  RED  unmarked
 *   every role   yes    yes    yes        no        no    yes
 *
 * A TAXII add's status counts every object but names only those a TAXII client may see.
 *
 * Peers (the release gate): a peer named by the release gets every local marking including RED;
 * a peer reached through a group gets every local marking except RED; what this node received
 * goes on only when CLEAR or GREEN (unmarked counts as AMBER).
 */
type Mark = Tlp | 'none';
const MARKS: Mark[] = ['clear', 'green', 'amber', 'amber+strict', 'red', 'none'];
const SEES: Record<Role, Record<Mark, boolean>> = {
  admin: { clear: true, green: true, amber: true, 'amber+strict': true, red: true, none: true },
  coordinator: { clear: true, green: true, amber: true, 'amber+strict': true, red: true, none: true },
  officer: { clear: true, green: true, amber: true, 'amber+strict': true, red: false, none: true },
  analyst: { clear: true, green: true, amber: true, 'amber+strict': true, red: false, none: true },
  auditor: { clear: true, green: true, amber: true, 'amber+strict': true, red: false, none: true },
};
const TAXII_SEES: Record<Role, Record<Mark, boolean>> = Object.fromEntries(
  (['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as const).map((r) => [r, { clear: true, green: true, amber: true, 'amber+strict': false, red: false, none: true }]),
) as Record<Role, Record<Mark, boolean>>;
/** What a peer gets through a release: named (the release names it) or through a group. */
const PEER_GETS: Record<'named' | 'group', Record<'local' | 'received', Record<Mark, boolean>>> = {
  named: {
    local: { clear: true, green: true, amber: true, 'amber+strict': true, red: true, none: true },
    received: { clear: true, green: true, amber: false, 'amber+strict': false, red: false, none: false },
  },
  group: {
    local: { clear: true, green: true, amber: true, 'amber+strict': true, red: false, none: true },
    received: { clear: true, green: true, amber: false, 'amber+strict': false, red: false, none: false },
  },
};

const T1 = '2026-12-01T10:00:00.000Z';
const T2 = '2026-12-02T10:00:00.000Z';
const tlpOf = (m: Mark): Tlp | null => (m === 'none' ? null : m);
/** TLP 1.0 (STIX 2.1 §7.2.1.4): WHITE (read as CLEAR), GREEN, AMBER, RED; no AMBER+STRICT. */
type Ver = '1.0' | '2.0';
const TLP1 = Object.fromEntries(Object.entries(markingsJson.tlp.stix_1_0.ids).map(([id, level]) => [level, id])) as Record<Tlp, string>;
const MARKS_1: Mark[] = ['clear', 'green', 'amber', 'red'];
/** Every marking class: TLP 2.0's five levels and unmarked, TLP 1.0's four. */
const KINDS: [Mark, Ver][] = [...MARKS.map((m): [Mark, Ver] => [m, '2.0']), ...MARKS_1.map((m): [Mark, Ver] => [m, '1.0'])];
const markRefs = (m: Mark, v: Ver = '2.0') => (m === 'none' ? {} : { object_marking_refs: [v === '1.0' ? TLP1[m] : tlp2MarkingId(m)] });
const UNKNOWN_STIX = 'indicator--0badc0de-0000-4000-8000-000000000000';

/** One stored version, as the model of the store sees it. */
interface Row {
  id: string;
  type: string;
  version: string;
  mark: Mark;
  origin: 'local' | 'received';
  latest: boolean;
  /** A word found only in this version's text. */
  word: string;
  target?: string;
  /** Received in a peer's release: one naming this node, or one addressed to the group. */
  via?: 'named' | 'group';
  /** The TLP version of its marking. */
  v?: Ver;
}

describe.each(DIALECTS)('intel TLP leak suite (%s)', (dialect) => {
  let fx: InboxFixture;
  const tokens = {} as Record<Role, string>;
  const rows: Row[] = [];
  let redLocal = '';
  let greenTarget = '';
  let statusId = '';
  const releases = { named: '', group: '' };
  /** The TAXII collections of the group and of the two releases received from uz-cert. */
  const recvCols = { group: '', named: '', viaGroup: '' };
  /** Objects the node refused on receipt: no one ever sees them. */
  const refused: { id: string; word: string }[] = [];

  const db = () => fx.node.ctx.store.db;
  /** Imports whose progress names a refused RED object: by an officer through the web app's API, by an analyst over TAXII. */
  const imports = { web: '', taxii: '' };
  /** A release naming objects of every marking by id (and one id not held here). */
  let idsRelease = '';
  const idsNamed: string[] = [];
  /** What the node did with each release received from uz-cert: objects in it, stored, refused. */
  const receivedCounts = { named: { objects: 0, stored: 0, refused: 0 }, group: { objects: 0, stored: 0, refused: 0 } };
  const add = (o: Record<string, unknown>, mark: Mark, origin: 'local' | 'received', word: string, latest = true, via?: 'named' | 'group', v: Ver = '2.0') =>
    rows.push({ id: o.id as string, type: o.type as string, version: (o.modified as string) ?? T1, mark, origin, latest, word, v, ...(o.target_ref || o.sighting_of_ref ? { target: (o.target_ref ?? o.sighting_of_ref) as string } : {}), ...(via ? { via } : {}) });
  const ind = (mark: Mark, word: string, over: Record<string, unknown> = {}, v: Ver = '2.0') => indicator({ name: `Leak probe ${word}`, ...markRefs(mark, v), ...over });
  const wordOf = (origin: string, m: Mark, v: Ver = '2.0') => `xq${origin}${v === '1.0' ? 'v1' : ''}${m.replace('+', '')}zz`;
  /** A RED indicator no validator takes: its pattern's error quotes the word. */
  const badRed = (word: string) => ind('red', word, { pattern: `[domain-name:value = 'a'] ${word}` });

  beforeAll(async () => {
    fx = await inboxFixture(dialect, { requireAdminTotp: false });
    for (const role of ROLES) tokens[role] = (await buildUser(fx.node.ctx, role)).token;
    const ctx = fx.node.ctx;

    // Local objects of every marking, TLP 2.0 and 1.0; one GREEN with a RED part (a granular marking), one marked both GREEN (1.0) and RED (2.0).
    const locals = KINDS.map(([m, v]) => ind(m, wordOf('local', m, v), {}, v));
    const granular = ind('green', 'xqgranularredzz', { description: 'xqgranularredzz', granular_markings: [{ marking_ref: tlp2MarkingId('red'), selectors: ['description'] }] });
    const mixed = ind('red', 'xqmixedredzz', { object_marking_refs: [TLP1.green, tlp2MarkingId('red')] });
    expect((await store(ctx, [...locals, granular, mixed])).stored).toBe(locals.length + 2);
    locals.forEach((o, i) => add(o, KINDS[i]![0], 'local', wordOf('local', ...KINDS[i]!), true, undefined, KINDS[i]![1]));
    add(granular, 'red', 'local', 'xqgranularredzz');
    add(mixed, 'red', 'local', 'xqmixedredzz');
    redLocal = locals[MARKS.indexOf('red')]!.id;
    greenTarget = locals[MARKS.indexOf('green')]!.id;
    const clearSource = locals[MARKS.indexOf('clear')]!.id;
    const amberTarget = locals[MARKS.indexOf('amber')]!.id;

    // Sightings of every marking, of the AMBER indicator: each shown (and in its incoming links) by its own marking.
    const sightings = KINDS.map(([m, v]) => ({ type: 'sighting', spec_version: '2.1', id: `sighting--${randomUUID()}`, created: T1, modified: T1, sighting_of_ref: amberTarget, count: 1, description: `Seen ${wordOf('sight', m, v)}`, ...markRefs(m, v) }));
    expect((await store(ctx, sightings)).stored).toBe(sightings.length);
    sightings.forEach((o, i) => add(o, KINDS[i]![0], 'local', wordOf('sight', ...KINDS[i]!), true, undefined, KINDS[i]![1]));

    // Links: a GREEN relationship and a GREEN sighting pointing at the RED object; a RED relationship pointing at a GREEN one.
    const rel = (mark: Mark, word: string, source: string, target: string) => ({ type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: T1, modified: T1, relationship_type: 'indicates', source_ref: source, target_ref: target, description: `Link ${word}`, ...markRefs(mark) });
    const relToRed = rel('green', 'xqrelgreentoredzz', greenTarget, redLocal);
    const relRedToGreen = rel('red', 'xqrelredtogreenzz', clearSource, greenTarget);
    const sighting = { type: 'sighting', spec_version: '2.1', id: `sighting--${randomUUID()}`, created: T1, modified: T1, sighting_of_ref: redLocal, count: 2, description: 'Seen xqsightgreenofredzz', ...markRefs('green') };
    expect((await store(ctx, [relToRed, relRedToGreen, sighting])).stored).toBe(3);
    add(relToRed, 'green', 'local', 'xqrelgreentoredzz');
    add(relRedToGreen, 'red', 'local', 'xqrelredtogreenzz');
    add(sighting, 'green', 'local', 'xqsightgreenofredzz');

    // Versions whose marking changes: RED then GREEN (downgraded), GREEN then RED (upgraded).
    const down1 = ind('red', 'xqdownv1zz');
    const down2 = { ...down1, modified: T2, name: 'Leak probe xqdownv2zz', object_marking_refs: [tlp2MarkingId('green')] };
    const up1 = ind('green', 'xqupv1zz');
    const up2 = { ...up1, modified: T2, name: 'Leak probe xqupv2zz', object_marking_refs: [tlp2MarkingId('red')] };
    expect((await store(ctx, [down1, up1])).stored).toBe(2);
    expect((await store(ctx, [down2, up2])).stored).toBe(2);
    add(down1, 'red', 'local', 'xqdownv1zz', false);
    add(down2, 'green', 'local', 'xqdownv2zz');
    add(up1, 'green', 'local', 'xqupv1zz', false);
    add(up2, 'red', 'local', 'xqupv2zz');

    // A group uz-cert founds with this node (it consents): active, with both as members.
    await pinPeer(db(), makeIdentity('tj-cert'));
    const groupId = newMessageId();
    const now = new Date().toISOString();
    const proposal = { event_id: newMessageId(), group_id: groupId, created_at: now, change: { kind: 'create', name: 'Leak suite group', level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: ['kz-cert'] } };
    const p = await fx.post(fx.batch([signEnvelope(fx.peer, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'groups.proposal/v1', issued_at: now, body: proposal }) as Envelope]));
    expect(p.status, p.text).toBe(200);
    const consent = await fx.app.inject({ method: 'POST', url: `/api/v1/groups/${groupId}/proposals/${proposal.event_id}/consent`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect([consent.statusCode, consent.json().status]).toEqual([200, 'active']);
    // The receiver: uz-cert sends objects of every marking, as their source (local) and as received from elsewhere,
    // in a release naming this node and in one addressed to the group. This node stores exactly what the policy lets
    // reach it from that peer (PEER_GETS) and refuses the rest; and it refuses a RED object it may take but cannot read.
    const invalidRed = badRed('xqinvalidredzz');
    for (const via of ['named', 'group'] as const) {
      const entries = (['local', 'received'] as const).flatMap((origin) => KINDS.map(([m, v]) => ({ origin, m, v, o: ind(m, wordOf(`${via}${origin}`, m, v), {}, v) })));
      const releaseId = newId();
      recvCols[via === 'named' ? 'named' : 'viaGroup'] = receivedCollectionId('uz-cert', releaseId);
      const objects = [...entries.map((e) => (e.origin === 'local' ? local(e.o) : received(e.o))), ...(via === 'named' ? [local(invalidRed)] : [])];
      const msg = releaseMessage(fx.peer, 'kz-cert', { release_id: releaseId, rseq: 1, objects, ...(via === 'group' ? { audience: { kind: 'group', group_id: groupId } } : {}) });
      const res = await fx.post(fx.batch([msg as unknown as Envelope]));
      expect([res.status, (res.json.items as { status: string }[]).map((i) => i.status)], res.text).toEqual([200, ['accepted']]);
      const want = entries.filter((e) => PEER_GETS[via][e.origin][e.m]);
      const got = await db().selectFrom('intel_objects').select(['id', 'origin', 'source']).where('id', 'in', [...entries.map((e) => e.o.id), invalidRed.id]).execute();
      expect(got.map((g) => g.id).sort(), `${via}: stored on receipt`).toEqual(want.map((e) => e.o.id).sort());
      expect(new Set(got.map((g) => `${g.origin} ${g.source}`))).toEqual(new Set(['received uz-cert']));
      for (const e of entries) {
        if (PEER_GETS[via][e.origin][e.m]) add(e.o, e.m, 'received', wordOf(`${via}${e.origin}`, e.m, e.v), true, via, e.v);
        else refused.push({ id: e.o.id, word: wordOf(`${via}${e.origin}`, e.m, e.v) });
      }
      receivedCounts[via] = { objects: objects.length, stored: want.length, refused: objects.length - want.length };
      if (via === 'named') {
        // A later message that came before the one it follows: held, unread, until the gap is filled.
        const early = releaseMessage(fx.peer, 'kz-cert', { release_id: releaseId, rseq: 3, objects: [local(ind('red', 'xqheldredzz'))] });
        const h = await fx.post(fx.batch([early as unknown as Envelope]));
        expect([h.status, (h.json.items as { status: string }[]).map((i) => i.status)], h.text).toEqual([200, ['accepted']]);
        refused.push({ id: (early.body.objects[0]!.object as { id: string }).id, word: 'xqheldredzz' });
      }
    }
    refused.push({ id: invalidRed.id, word: 'xqinvalidredzz' });
    recvCols.group = groupCollectionId(groupId);

    // Imports with a refused RED object that no validator takes (its reasons quote it): one by an officer through the web app's API, one by an analyst over TAXII.
    const webRed = badRed('xqimportredzz');
    const imported = await fx.app.inject({ method: 'POST', url: '/api/v1/intel/imports', headers: { authorization: `Bearer ${tokens.officer}`, 'content-type': 'application/stix+json' }, payload: bundle([webRed]) });
    expect([imported.statusCode, imported.json().refused, JSON.stringify(imported.json().refusals).includes('xqimportredzz')], imported.body).toEqual([200, 1, true]);
    imports.web = imported.json().import_id;
    const taxiiBad = badRed('xqtaxiibadredzz');
    const taxiiAdd = await fx.app.inject({ method: 'POST', url: `/taxii2/api/collections/${LOCAL_COLLECTION_ID}/objects/`, headers: { authorization: `Bearer ${tokens.analyst}`, accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE }, payload: JSON.stringify({ objects: [taxiiBad] }) });
    expect(taxiiAdd.statusCode, taxiiAdd.body).toBe(202);
    imports.taxii = (await db().selectFrom('intel_taxii_status').select('import_id').where('id', '=', taxiiAdd.json().id).executeTakeFirstOrThrow()).import_id!;
    refused.push({ id: webRed.id, word: 'xqimportredzz' }, { id: taxiiBad.id, word: 'xqtaxiibadredzz' });

    // A RED object added over TAXII by an officer (who may write but not read RED): its status is the officer's.
    const taxiiRed = ind('red', 'xqtaxiiredzz');
    const posted = await fx.app.inject({ method: 'POST', url: `/taxii2/api/collections/${LOCAL_COLLECTION_ID}/objects/`, headers: { authorization: `Bearer ${tokens.officer}`, accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE }, payload: JSON.stringify({ objects: [taxiiRed] }) });
    expect(posted.statusCode, posted.body).toBe(202);
    statusId = posted.json().id;
    add(taxiiRed, 'red', 'local', 'xqtaxiiredzz');

    const filter = { types: ['indicator', 'relationship', 'sighting'] };
    // Releases of everything: to tj-cert by name, and to the group (uz-cert, a peer not named: no RED).
    for (const [k, audience] of [['named', { kind: 'peer', node_id: 'tj-cert' }], ['group', { kind: 'group', group_id: groupId }]] as const) {
      const rr = await fx.app.inject({ method: 'POST', url: '/api/v1/intel/releases', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { title: `Everything (${k})`, audience, filter } });
      expect(rr.statusCode, rr.body).toBe(201);
      releases[k] = rr.json().id;
    }
    // A release naming by id one object of every marking class, TLP 1.0 and 2.0, local and received, and an id not held here.
    const seenKind = new Set<string>();
    for (const r of rows) {
      const kind = `${r.mark} ${r.origin} ${r.v}`;
      if (!r.latest || seenKind.has(kind)) continue;
      seenKind.add(kind);
      idsNamed.push(r.id);
    }
    idsNamed.push(UNKNOWN_STIX);
    const ir = await fx.app.inject({ method: 'POST', url: '/api/v1/intel/releases', headers: { authorization: `Bearer ${tokens.coordinator}` }, payload: { title: 'By id', audience: { kind: 'peer', node_id: 'tj-cert' }, filter: { ids: idsNamed } } });
    expect(ir.statusCode, ir.body).toBe(201);
    idsRelease = ir.json().id;
  });
  afterAll(() => fx?.close());

  // ---- the model ----
  const sees = (role: Role, r: Row, taxii = false) => (taxii ? TAXII_SEES : SEES)[role][r.mark];
  const visible = (role: Role, taxii = false) => rows.filter((r) => sees(role, r, taxii));
  const ids = (rs: Row[]) => [...new Set(rs.map((r) => r.id))].sort();
  const pairs = (rs: Row[]) => rs.map((r) => `${r.id}@${r.version}`).sort();
  const norm = (v: string) => v.replace(/\.(\d{3})\d*Z$/, '.$1Z');
  const known = (id: string) => rows.some((r) => r.id === id);
  /**
   * The ids asked one by one where asking every id would only repeat itself: one of each kind
   * (marking, TLP version, origin, how it came, type), every object with several versions and
   * every link, so that each marking class of each path is still asked.
   */
  const probes = () => {
    const kinds = new Set<string>();
    const out = new Set<string>();
    for (const r of rows) {
      const kind = `${r.mark}|${r.v}|${r.origin}|${r.via}|${r.type}`;
      if (!kinds.has(kind) || r.target || rows.filter((x) => x.id === r.id).length > 1) out.add(r.id);
      kinds.add(kind);
    }
    return [...out].sort();
  };

  /** Nothing beyond the reader's reach in a raw answer: no hidden version's word; no id of an object with no visible version, except as the target of a visible link. */
  const noLeak = (role: Role, body: string, what: string, taxii = false) => {
    const seen = visible(role, taxii);
    // An id the reader asked for may be echoed back ("no object …"): that tells them nothing.
    let text = rows.filter((r) => what.includes(r.id)).reduce((t, r) => t.replaceAll(r.id, ''), body);
    for (const l of seen.filter((r) => r.target)) text = text.replace(new RegExp(`"(target_ref|sighting_of_ref)"\\s*:\\s*"${l.target}"`, 'g'), '');
    for (const r of rows) {
      if (sees(role, r, taxii)) continue;
      expect(body.includes(r.word), `${what}: ${role} got the text of ${r.mark} ${r.origin} ${r.id}`).toBe(false);
      if (!seen.some((s) => s.id === r.id)) expect(text.includes(r.id), `${what}: ${role} got the id of ${r.mark} ${r.origin} ${r.id}`).toBe(false);
    }
    for (const r of refused) expect(body.includes(r.word) || text.includes(r.id), `${what}: ${role} got ${r.word}, refused on receipt`).toBe(false);
  };
  const get = async (role: Role | null, url: string, taxii = false): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = role ? { authorization: `Bearer ${tokens[role]}` } : {};
    if (taxii) headers.accept = TAXII_MEDIA_TYPE;
    const res = await fx.app.inject({ method: 'GET', url, headers });
    if (role) noLeak(role, res.body, url, taxii);
    return res;
  };
  /** A 404 for something the reader may not see is the 404 of something that does not exist. */
  const sameAsUnknown = async (role: Role, res: LightMyRequestResponse, url: (id: string) => string, id: string, taxii = false) => {
    expect(res.statusCode, `${role} ${url(id)}`).toBe(404);
    const unknown = await get(role, url(UNKNOWN_STIX), taxii);
    expect(unknown.statusCode).toBe(404);
    const strip = (b: string) => b.replaceAll(id, 'X').replaceAll(UNKNOWN_STIX, 'X').replace(/"(instance|request_id|trace_id)"\s*:\s*"[^"]*"/g, '');
    expect(strip(res.body)).toBe(strip(unknown.body));
  };

  it('the table above is what the policy function says', () => {
    for (const role of ROLES) {
      const redRecipient = roleMay(fx.node.ctx.catalog.permissions, role, 'intel:red');
      for (const m of MARKS) for (const origin of ['local', 'received'] as const) expect(SEES[role][m], `${role} ${m} ${origin}`).toBe(mayReach({ tlp: tlpOf(m), origin }, { kind: 'user', redRecipient }).allowed);
      for (const m of MARKS) for (const origin of ['local', 'received'] as const) expect(TAXII_SEES[role][m], `TAXII ${role} ${m} ${origin}`).toBe(mayReach({ tlp: tlpOf(m), origin }, { kind: 'taxii', redRecipient }).allowed);
    }
    for (const k of ['named', 'group'] as const) for (const origin of ['local', 'received'] as const) for (const m of MARKS) expect(PEER_GETS[k][origin][m]).toBe(mayReach({ tlp: tlpOf(m), origin }, { kind: 'peer', named: k === 'named' }).allowed);
    // Someone must be kept from RED, or the suite proves nothing.
    expect(ROLES.filter((r) => !SEES[r].red)).toEqual(['officer', 'analyst', 'auditor']);
  });

  it.each(ROLES)('web app API: list, search, object, versions, incoming and export show %s nothing beyond reach', async (role) => {
    const latest = visible(role).filter((r) => r.latest);
    const filters: [string, (r: Row) => boolean][] = [
      ['', () => true],
      ...['indicator', 'relationship', 'sighting'].map((t): [string, (r: Row) => boolean] => [`type=${t}`, (r) => r.type === t]),
      ...(['clear', 'green', 'amber', 'amber+strict', 'red'] as const).map((t): [string, (r: Row) => boolean] => [`tlp=${encodeURIComponent(t)}`, (r) => r.mark === t]),
      ['origin=local', (r) => r.origin === 'local'],
      ['origin=received', (r) => r.origin === 'received'],
      ...rows.filter((w) => probes().includes(w.id)).map((w): [string, (r: Row) => boolean] => [`q=${w.word}`, (r) => r.word === w.word]),
      ['q=leak%20probe&tlp=red&origin=local', (r) => r.type === 'indicator' && r.mark === 'red' && r.origin === 'local'],
    ];
    for (const [qs, pick] of filters) {
      const res = await get(role, `/api/v1/intel/objects?limit=500&${qs}`);
      expect(res.statusCode, qs).toBe(200);
      expect(ids(res.json().objects.filter((o: { id: string }) => known(o.id))), `list ${qs}`).toEqual(ids(latest.filter(pick)));
      for (const versions of ['latest', 'all']) {
        const ex = await get(role, `/api/v1/intel/export?versions=${versions}&${qs}`);
        expect(ex.statusCode, qs).toBe(200);
        const objs = (JSON.parse(ex.body).objects as { id: string; modified?: string }[]).filter((o) => known(o.id));
        expect(objs.map((o) => `${o.id}@${o.modified}`).sort(), `export ${versions} ${qs}`).toEqual(pairs((versions === 'all' ? visible(role) : latest).filter(pick)));
        // The count is of the objects chosen; the TLP marking definitions they name close the bundle, uncounted.
        const chosen = (JSON.parse(ex.body).objects as { type: string }[]).filter((o) => o.type !== 'marking-definition');
        expect(ex.headers['x-object-count']).toBe(String(chosen.length));
      }
    }
    // The list page by page (limit 2, before): the same objects, no others.
    const listed: string[] = [];
    let before = '';
    for (let i = 0; i < 50; i++) {
      const pg = await get(role, `/api/v1/intel/objects?limit=2${before ? `&before=${before}` : ''}`);
      listed.push(...pg.json().objects.map((o: { id: string }) => o.id).filter(known));
      if (pg.json().next === null) break;
      before = String(pg.json().next);
    }
    expect(listed.sort()).toEqual(ids(latest));
    for (const id of ids(rows)) {
      const mine = visible(role).filter((r) => r.id === id);
      const url = (x: string) => `/api/v1/intel/objects/${x}`;
      const one = await get(role, url(id));
      if (mine.length) expect(one.json().versions.map((v: { object: { modified: string } }) => `${id}@${v.object.modified}`), `${role} ${id}`).toEqual(pairs(mine));
      else await sameAsUnknown(role, one, url, id);
      const inc = (x: string) => `/api/v1/intel/objects/${x}/incoming`;
      const incoming = await get(role, inc(id));
      if (mine.length) expect(ids(incoming.json().incoming), `${role} incoming ${id}`).toEqual(ids(visible(role).filter((r) => r.latest && r.target === id)));
      else await sameAsUnknown(role, incoming, inc, id);
    }
    // The RED object's links, as its readers see them: two GREEN links for everyone; a RED link to the GREEN object only for intel:red.
    const toRed = await get(role, `/api/v1/intel/objects/${redLocal}/incoming`);
    expect(toRed.statusCode).toBe(SEES[role].red ? 200 : 404);
    const toGreen = (await get(role, `/api/v1/intel/objects/${greenTarget}/incoming`)).json().incoming.map((o: { object: { description: string } }) => o.object.description);
    expect(toGreen).toEqual(SEES[role].red ? ['Link xqrelredtogreenzz'] : []);
    // Without signing in: nothing.
    for (const url of ['/api/v1/intel/objects', `/api/v1/intel/objects/${greenTarget}`, '/api/v1/intel/export']) expect((await fx.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
  });

  it.each(ROLES)('TAXII: every collection, objects, manifest, object, versions and status show %s nothing beyond reach', async (role) => {
    const root = '/taxii2/api/collections';
    const cols = await get(role, `${root}/`, true);
    expect(cols.statusCode).toBe(200);
    const collections: [string, (r: Row) => boolean][] = [
      [ALL_COLLECTION_ID, () => true],
      [LOCAL_COLLECTION_ID, (r) => r.origin === 'local'],
      [releases.named, () => true],
      [releases.group, () => true],
      // The group's: what came in its release here, and this node's release to it as a member through a group may get it.
      [recvCols.group, (r) => r.via === 'group' || PEER_GETS.group[r.origin][r.mark]],
      [recvCols.named, (r) => r.via === 'named'],
      [recvCols.viaGroup, (r) => r.via === 'group'],
    ];
    expect(cols.json().collections.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(collections.map(([c]) => c)));
    const mine = visible(role, true);
    for (const [c, inC] of collections) {
      expect((await get(role, `${root}/${c}/`, true)).statusCode).toBe(200);
      const queries: [string, Row[]][] = [
        ['', mine.filter((r) => inC(r) && r.latest)],
        ['match[version]=all', mine.filter(inC)],
        // `first`: the oldest version held, shown only when the reader may see that version.
        ['match[version]=first', mine.filter((r) => inC(r) && !rows.some((x) => x.id === r.id && x.version < r.version))],
        [`match[id]=${redLocal}`, mine.filter((r) => inC(r) && r.latest && r.id === redLocal)],
        [`match[id]=${redLocal}&match[version]=all`, mine.filter((r) => inC(r) && r.id === redLocal)],
        ['match[type]=relationship,sighting', mine.filter((r) => inC(r) && r.latest && r.type !== 'indicator')],
        ['match[type]=indicator&match[version]=all', mine.filter((r) => inC(r) && r.type === 'indicator')],
        ['added_after=2000-01-01T00:00:00Z', mine.filter((r) => inC(r) && r.latest)],
      ];
      for (const [qs, want] of queries) {
        const objs = await get(role, `${root}/${c}/objects/?limit=1000&${qs}`, true);
        expect(objs.statusCode, qs).toBe(200);
        expect(((objs.json().objects ?? []) as { id: string; modified?: string }[]).filter((o) => known(o.id)).map((o) => `${o.id}@${o.modified}`).sort(), `${c} objects ${qs}`).toEqual(pairs(want));
        const man = await get(role, `${root}/${c}/manifest/?limit=1000&${qs}`, true);
        expect(man.statusCode, qs).toBe(200);
        expect(((man.json().objects ?? []) as { id: string; version: string }[]).filter((o) => known(o.id)).map((o) => `${o.id}@${norm(o.version)}`).sort(), `${c} manifest ${qs}`).toEqual(pairs(want));
      }
      for (const id of c === ALL_COLLECTION_ID ? ids(rows) : probes()) {
        const url = (x: string) => `${root}/${c}/objects/${x}/`;
        const last = mine.filter((r) => inC(r) && r.id === id && r.latest);
        const one = await get(role, url(id), true);
        if (last.length) expect(one.json().objects.map((o: { modified: string }) => `${id}@${o.modified}`), `${c} ${id}`).toEqual(pairs(last));
        else await sameAsUnknown(role, one, url, id, true);
        const vurl = (x: string) => `${root}/${c}/objects/${x}/versions/`;
        const all = mine.filter((r) => inC(r) && r.id === id);
        const versions = await get(role, vurl(id), true);
        if (all.length) expect(versions.json().versions.map((v: string) => `${id}@${norm(v)}`).sort(), `${c} versions ${id}`).toEqual(pairs(all));
        else await sameAsUnknown(role, versions, vurl, id, true);
      }
    }
    // Paging (limit 3, next) walks exactly what the reader may see, in every collection: no page, `more` or cursor tells of the rest.
    for (const [c, inC] of collections) {
      const paged: string[] = [];
      let next = '';
      for (let i = 0; i < 50; i++) {
        const pg = await get(role, `${root}/${c}/objects/?limit=3&match[version]=all${next ? `&next=${next}` : ''}`, true);
        const objs = (pg.json().objects ?? []) as { id: string; modified?: string }[];
        paged.push(...objs.filter((o) => known(o.id)).map((o) => `${o.id}@${o.modified}`));
        if (!pg.json().more) break;
        expect(objs.length).toBe(3);
        next = pg.json().next;
      }
      expect(paged.sort(), `${c} paged`).toEqual(pairs(mine.filter(inC)));
    }
    // HTTP Basic with the token as password (what TAXII clients send): the same reader, the same answer.
    const basic = Buffer.from(`client:${tokens[role]}`).toString('base64');
    const viaBasic = await fx.app.inject({ method: 'GET', url: `${root}/${ALL_COLLECTION_ID}/objects/?limit=1000&match[version]=all`, headers: { authorization: `Basic ${basic}`, accept: TAXII_MEDIA_TYPE } });
    noLeak(role, viaBasic.body, 'basic', true);
    expect(((viaBasic.json().objects ?? []) as { id: string; modified?: string }[]).filter((o) => known(o.id)).map((o) => `${o.id}@${o.modified}`).sort()).toEqual(pairs(mine));
    // An add's status: the officer who added the RED object, and holders of intel:red; to others, the same as no status.
    // It counts the RED object but does not name it: a status is read over TAXII, where RED never goes.
    const st = await fx.app.inject({ method: 'GET', url: `/taxii2/api/status/${statusId}/`, headers: { authorization: `Bearer ${tokens[role]}`, accept: TAXII_MEDIA_TYPE } });
    noLeak(role, st.body, 'status', true);
    if (role === 'officer' || SEES[role].red) expect([st.statusCode, st.json().success_count, st.json().successes]).toEqual([200, 1, []]);
    else {
      expect(st.statusCode).toBe(404);
      const unknown = await get(role, `/taxii2/api/status/${newId()}/`, true);
      expect(st.body.replaceAll(statusId, 'X')).toBe(unknown.body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'X'));
    }
    // A collection of a group this node is not in, or of a release never received: 404 as any unknown id.
    expect((await get(role, `${root}/${groupCollectionId(newId())}/objects/`, true)).statusCode).toBe(404);
    expect((await get(role, `${root}/${receivedCollectionId('tj-cert', newId())}/`, true)).statusCode).toBe(404);
    // Without signing in: only discovery.
    expect((await fx.app.inject({ method: 'GET', url: `${root}/`, headers: { accept: TAXII_MEDIA_TYPE } })).statusCode).toBe(401);
    expect((await fx.app.inject({ method: 'GET', url: `${root}/${ALL_COLLECTION_ID}/objects/`, headers: { accept: TAXII_MEDIA_TYPE } })).statusCode).toBe(401);
  });

  /** The intel entries of the whole audit log, page by page, as an auditor reads them. */
  const auditAsAuditor = async () => {
    const entries: { action: string; actor: string; details: Record<string, unknown> }[] = [];
    let before = '';
    for (let i = 0; i < 100; i++) {
      const res = await fx.app.inject({ method: 'GET', url: `/api/v1/audit?limit=500${before ? `&before=${before}` : ''}`, headers: { authorization: `Bearer ${tokens.auditor}` } });
      expect(res.statusCode).toBe(200);
      entries.push(...res.json().entries);
      if (res.json().next_before === null) break;
      before = String(res.json().next_before);
    }
    return entries.filter((e) => e.action.startsWith('intel.'));
  };

  it('the audit log, read by an auditor (no intel:red), names stored and refused objects at most by id, never by their text; a release\'s ids by count and digest only', async () => {
    const intel = (await auditAsAuditor()).filter((e) => e.action !== 'intel.export');
    expect(intel.map((e) => e.action)).toEqual(expect.arrayContaining(['intel.refuse_received', 'intel.import', 'intel.release']));
    const text = JSON.stringify(intel);
    for (const w of [...rows.filter((r) => !SEES.auditor[r.mark]), ...refused]) expect(text.includes(w.word), w.word).toBe(false);
    // No id of an object held here that the auditor may not see (what was refused on receipt is not held: its id tells nothing).
    for (const r of rows.filter((x) => !visible('auditor').some((y) => y.id === x.id))) expect(text.includes(r.id), `${r.mark} ${r.origin} ${r.id}`).toBe(false);
    // A RED object refused as invalid STIX is named by id, with the reason's code, never the validator's quote of it.
    const invalid = intel.flatMap((e) => (e.action === 'intel.refuse_received' ? (e.details.objects as { reason: string }[]) : [])).filter((o) => o.reason.startsWith('invalid-stix'));
    expect(invalid.map((o) => o.reason)).toEqual(['invalid-stix: pattern']);
    const byId = intel.find((e) => e.action === 'intel.release' && JSON.stringify(e.details).includes('"By id"'));
    expect((byId?.details.filter as { ids: unknown }).ids).toEqual({ count: idsNamed.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  // The search words of an export reach the audit log as a SHA-256 only (auditedFilters).
  it('an export\'s audit entry does not show an auditor the words a holder of intel:red searched for', async () => {
    const word = rows.find((r) => r.mark === 'red' && r.origin === 'local')!.word;
    const ex = await fx.app.inject({ method: 'GET', url: `/api/v1/intel/export?q=${word}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect([ex.statusCode, ex.headers['x-object-count']]).toEqual([200, '1']);
    const exports = (await auditAsAuditor()).filter((e) => e.action === 'intel.export');
    expect(exports.length).toBeGreaterThan(0);
    expect(JSON.stringify(exports).includes(word)).toBe(false);
  });

  it.each(ROLES)("an import's progress is shown to %s only when it made the import or may see RED; otherwise it answers as an unknown import", async (role) => {
    const url = (x: string) => `/api/v1/intel/imports/${x}`;
    for (const [k, by] of [['web', 'officer'], ['taxii', 'analyst']] as const) {
      const res = await fx.app.inject({ method: 'GET', url: url(imports[k]), headers: { authorization: `Bearer ${tokens[role]}` } });
      if (role === by || SEES[role].red) {
        expect([res.statusCode, res.json().refused, res.json().refusals.length], `${k} ${role}`).toEqual([200, 1, 1]);
        continue;
      }
      noLeak(role, res.body, `import ${k}`);
      expect(res.statusCode, `${k} ${role}`).toBe(404);
      const unknown = await fx.app.inject({ method: 'GET', url: url(newId()), headers: { authorization: `Bearer ${tokens[role]}` } });
      const strip = (b: string) => b.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'X').replace(/"(instance|request_id|trace_id)"\s*:\s*"[^"]*"/g, '');
      expect(strip(res.body)).toBe(strip(unknown.body));
    }
  });

  it.each(ROLES)('releases: the list and a release name to %s by id only the objects within its reach', async (role) => {
    const want = idsNamed.filter((id) => !known(id) || visible(role).some((r) => r.id === id));
    expect(want.length).toBeLessThan(SEES[role].red ? Infinity : idsNamed.length);
    const list = await get(role, '/api/v1/intel/releases');
    expect(list.statusCode).toBe(200);
    const listed = list.json().releases as { id: string; filter: { ids?: string[] } }[];
    expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining([releases.named, releases.group, idsRelease]));
    expect(listed.find((r) => r.id === idsRelease)?.filter.ids).toEqual(want);
    for (const id of [releases.named, releases.group, idsRelease]) expect((await get(role, `/api/v1/intel/releases/${id}`)).statusCode).toBe(200);
    expect((await get(role, `/api/v1/intel/releases/${idsRelease}`)).json().filter.ids).toEqual(want);
  });

  it.each(ROLES)("received releases: %s sees each peer's release with its counts, never an object in it", async (role) => {
    const res = await get(role, '/api/v1/intel/received-releases');
    expect(res.statusCode).toBe(200);
    const got = new Map((res.json().received as { from_node: string; release_id: string }[]).map((r) => [receivedCollectionId(r.from_node, r.release_id), r]));
    expect(got.get(recvCols.named)).toMatchObject({ from_node: 'uz-cert', audience_kind: 'peer', messages: 1, held: 1, ...receivedCounts.named });
    expect(got.get(recvCols.viaGroup)).toMatchObject({ from_node: 'uz-cert', audience_kind: 'group', messages: 1, held: 0, ...receivedCounts.group });
  });

  it('accord intel export: without --include-red what a user without intel:red sees, with it what a holder sees', () => {
    const exported = (...flags: string[]) => {
      const r = runCli(['intel', 'export', '--data', fx.node.dataDir, '--all-versions', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      return { text: r.stdout, pairs: (JSON.parse(r.stdout).objects as { id: string; modified?: string }[]).filter((o) => known(o.id)).map((o) => `${o.id}@${o.modified}`).sort() };
    };
    const plain = exported();
    noLeak('analyst', plain.text, 'cli export');
    expect(plain.pairs).toEqual(pairs(visible('analyst')));
    const red = exported('--tlp', 'red');
    noLeak('analyst', red.text, 'cli export --tlp red');
    expect(red.pairs).toEqual([]);
    expect(exported('--include-red').pairs).toEqual(pairs(visible('admin')));
  });

  it('the release gate: a peer named by the release gets RED, one reached through a group does not; received beyond GREEN goes to neither', async () => {
    await sendReleases(fx.node.ctx);
    for (const [k, peer] of [['named', 'tj-cert'], ['group', 'uz-cert']] as const) {
      const out = await db().selectFrom('outbox').select('envelope').where('peer_id', '=', peer).where('type', '=', IntelMessage.objects).execute();
      const bodies = out.map((e) => (JSON.parse(e.envelope) as Envelope<IntelObjectsBody>).body).filter((b) => b.release_id === releases[k]);
      expect(bodies.length, k).toBeGreaterThan(0);
      const sent = bodies.flatMap((b) => b.objects.map((o) => `${o.object.id as string}@${o.object.modified as string}`)).sort();
      const want = rows.filter((r) => PEER_GETS[k][r.origin][r.mark]);
      expect(sent, k).toEqual(pairs(want));
      // Raw text: no word of a version withheld from this peer.
      const raw = out.map((e) => e.envelope).join('\n');
      for (const r of rows.filter((x) => !PEER_GETS[k][x.origin][x.mark])) expect(raw.includes(r.word), `${k}: ${r.mark} ${r.origin} ${r.word}`).toBe(false);
      if (k === 'group') expect(raw.includes(`"id":"${redLocal}"`)).toBe(false);
      for (const r of refused) expect(raw.includes(r.word) || raw.includes(r.id), `${k}: ${r.word}`).toBe(false);
      const shown = (await fx.app.inject({ method: 'GET', url: `/api/v1/intel/releases/${releases[k]}`, headers: { authorization: `Bearer ${tokens.auditor}` } })).json();
      expect(shown.peers, k).toEqual([expect.objectContaining({ peer_id: peer, sent: want.length, withheld: rows.length - want.length })]);
    }
  });
});
