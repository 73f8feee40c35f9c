import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../../node/identity.js';
import { DIALECTS, openEmptyStore } from '../../../test/_util/db.js';
import type { StoreHandle } from '../../store/db.js';
import { keyringOf, type Keyring } from '../keyring.js';
import { newMessageId, signEnvelope, type Envelope } from '../protocol/envelope.js';
import { appendsLast, checkRelayed, compareEvents, defineEventLog, envelopesOf, eventDigest, eventKey, foldEvents, foldOrder, insertEvent, listEquivocations, listEvents, plausibleTime, storeEvent, storeRelayed, type LogEvent } from './event-log.js';

// A log shaped like a cooperation case's: another log column than groups', and an event
// naming the events its author saw.
const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Fields = { event_id: Uuid, case_id: Uuid, created_at: Type.String() };
const NoteBody = Type.Object({ ...Fields, text: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
const ReplyBody = Type.Object({ ...Fields, seen: Type.Array(Uuid, { maxItems: 10 }) }, { additionalProperties: false });
type TestBody = { event_id: string; case_id: string; created_at: string } & ({ text: string } | { seen: string[] });

const testLog = defineEventLog({
  table: 'test_case_events',
  equivocationTable: 'test_case_equivocations',
  logColumn: 'case_id',
  kinds: [
    { message: 'test.note/v1', type: 'note', body: NoteBody },
    { message: 'test.reply/v1', type: 'reply', body: ReplyBody },
  ],
  logOf: (b: TestBody) => b.case_id,
  columns: (b: TestBody) => ({ seen: 'seen' in b ? JSON.stringify(b.seen) : null }),
});

interface Signer {
  identity: NodeIdentity;
  publicKeyRaw: string;
  fingerprint: string;
}

/** A signing key for `nodeId` (the rest of a node's identity plays no part in signing). */
function signer(nodeId: string): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const fingerprint = fingerprintOf(publicKey);
  const publicKeyRaw = rawPublicKey(publicKey).toString('base64url');
  return { identity: { node_id: nodeId, suite: 'ed25519', privateKey, publicKey, publicKeyRaw, fingerprint } as unknown as NodeIdentity, publicKeyRaw, fingerprint };
}

const retiredKeys = (retired: { key: Signer; at: string }[]) => JSON.stringify(retired.map((r) => ({ public_key: r.key.publicKeyRaw, fingerprint: r.key.fingerprint, retired_at: r.at })));

/** The keyring a node holds for a peer, built as federation builds it. */
function ringOf(current: Signer, retired: { key: Signer; at: string }[] = []): Keyring {
  return keyringOf({ fingerprint: current.fingerprint, public_key: current.publicKeyRaw, retired_keys: retiredKeys(retired) });
}

/** An event envelope signed by `by`, issued when the event was made unless told otherwise. */
function signedEvent(by: Signer, caseId: string, opts: { type?: string; issuedAt?: string; createdAt?: string; body?: Record<string, unknown> } = {}): Envelope<TestBody> {
  const issuedAt = opts.issuedAt ?? new Date().toISOString();
  const type = opts.type ?? 'test.note/v1';
  const body = { event_id: newMessageId(), case_id: caseId, created_at: opts.createdAt ?? issuedAt, ...(type === 'test.note/v1' ? { text: 'preserve' } : { seen: [] }), ...opts.body } as TestBody;
  return signEnvelope(by.identity, { v: 1, id: newMessageId(), from: by.identity.node_id, to: ['kz-cert'], type, issued_at: issuedAt, body });
}

const CASE = '0190aaaa-0000-7000-8000-000000000001';
const OTHER_CASE = '0190aaaa-0000-7000-8000-000000000002';
const ME = 'kz-cert';

describe('foldOrder and foldEvents', () => {
  it('keeps two authors\' events under one id apart, and names them by eventKey in `seen`', () => {
    const a = { id: 'e', author: 'uz-cert', created_at: time(2) };
    const b = { id: 'e', author: 'tj-cert', created_at: time(1) };
    const reply = { id: 'r', author: 'kz-cert', created_at: time(0), seen: [eventKey('uz-cert', 'e')] };
    const order = foldOrder([a, reply, b, a]);
    expect(order.map((e) => `${e.author}/${e.id}`)).toEqual(['tj-cert/e', 'uz-cert/e', 'kz-cert/r']);
  });

  const time = (n: number) => new Date(Date.UTC(2026, 11, 1) + n * 1000).toISOString();
  /** Events with unique ids, times drawn from a few instants (so times tie), naming events at random. */
  const eventsArb = (naming: 'earlier' | 'any') =>
    fc.uniqueArray(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 4, maxLength: 4 }), { maxLength: 25 }).chain((ids) =>
      fc.tuple(...ids.map((id, i) => fc.record({ id: fc.constant(id), created_at: fc.nat(4).map(time), seen: fc.subarray(naming === 'earlier' ? ids.slice(0, i) : ids, { maxLength: Math.min(3, naming === 'earlier' ? i : ids.length) }) }))),
    );
  /** The events once in a random order, plus random duplicates: how deliveries may arrive. */
  const arrivals = <E>(events: E[]) => fc.tuple(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.array(fc.nat(Math.max(0, events.length - 1)), { maxLength: 5 }));
  const withDuplicates = <E>(events: E[], [order, dups]: [E[], number[]]) => [...order, ...dups.filter(() => events.length > 0).map((i) => events[i]!)];
  const ids = (es: LogEvent[]) => es.map((e) => e.id);

  it('is the same whatever the arrival order and duplication, even when events name each other in a cycle (property)', () => {
    fc.assert(
      fc.property(
        eventsArb('any').chain((events) => fc.tuple(fc.constant(events), arrivals(events), arrivals(events))),
        ([events, a, b]) => {
          const expected = ids(foldOrder(events));
          expect(ids(foldOrder(withDuplicates(events, a)))).toEqual(expected);
          expect(ids(foldOrder(withDuplicates(events, b)))).toEqual(expected);
          expect(new Set(expected).size).toBe(events.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  /** The rule stated plainly: repeatedly take the smallest (created_at, id) among the events whose named events are out. */
  const byRule = (events: { id: string; created_at: string; seen: string[] }[]) => {
    const left = [...events].sort(compareEvents);
    const out: string[] = [];
    while (left.length > 0) {
      const i = left.findIndex((e) => e.seen.every((p) => out.includes(p)));
      out.push(left.splice(i, 1)[0]!.id);
    }
    return out;
  };

  it('puts every event after the events it names, else by (created_at, id) (property)', () => {
    fc.assert(
      fc.property(eventsArb('earlier'), (events) => {
        const order = ids(foldOrder(events));
        expect(order).toEqual(byRule(events));
        const at = new Map(order.map((id, i) => [id, i]));
        for (const e of events) for (const p of e.seen) expect(at.get(p)!).toBeLessThan(at.get(e.id)!);
        const plain = events.map(({ id, created_at }) => ({ id, created_at }));
        expect(ids(foldOrder(plain))).toEqual(ids([...plain].sort((x, y) => (x.created_at === y.created_at ? (x.id < y.id ? -1 : 1) : x.created_at < y.created_at ? -1 : 1))));
      }),
      { numRuns: 300 },
    );
  });

  it('says an added event comes last only when foldOrder puts it last, the others in their order (property)', () => {
    let last = 0;
    fc.assert(
      fc.property(
        eventsArb('any').chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.record({
              // A new id most of the time, sometimes one held already.
              id: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 5, maxLength: 5 }), fc.constantFrom('0000', ...events.map((e) => e.id))),
              created_at: fc.nat(6).map(time),
              seen: fc.subarray(events.map((e) => e.id), { maxLength: Math.min(3, events.length) }),
            }),
          ),
        ),
        ([events, e]) => {
          if (!appendsLast(events, e)) return;
          last++;
          expect(ids(foldOrder([...events, e]))).toEqual([...ids(foldOrder(events)), e.id]);
        },
      ),
      { numRuns: 1000 },
    );
    expect(last).toBeGreaterThan(50);
  });

  it('folds to the same state whatever the arrival order, with an order-sensitive step (property)', () => {
    fc.assert(
      fc.property(
        eventsArb('any').chain((events) => fc.tuple(fc.constant(events), arrivals(events))),
        ([events, a]) => {
          const fold = (es: LogEvent[]) => foldEvents(es, '', (s, e) => `${s}/${e.id}`);
          expect(fold(withDuplicates(events, a))).toBe(fold(events));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lets a reply stamped before what it answers (clock skew) come after it; ignores events the log does not hold', () => {
    const question = { id: 'b', created_at: time(10) };
    const reply = { id: 'a', created_at: time(9), seen: ['b', 'not-here'] };
    const later = { id: 'c', created_at: time(9.5) };
    expect(ids(foldOrder([reply, later, question]))).toEqual(['c', 'b', 'a']);
  });

  it('places events caught in a cycle of naming last, by (created_at, id)', () => {
    const x = { id: 'x', created_at: time(1), seen: ['y'] };
    const y = { id: 'y', created_at: time(2), seen: ['x'] };
    const z = { id: 'z', created_at: time(3) };
    expect(ids(foldOrder([y, z, x]))).toEqual(['z', 'x', 'y']);
  });
});

describe('checkRelayed: a relayed event is kept only as its author signed it', () => {
  const author = signer('uz-cert');
  const rotatedFrom = signer('uz-cert');
  const RETIRED_AT = '2026-12-01T10:00:00.000Z';
  const ring = ringOf(author, [{ key: rotatedFrom, at: RETIRED_AT }]);
  const check = (raw: unknown, at: Partial<Parameters<typeof checkRelayed>[2]> = {}) => checkRelayed(testLog, raw, { me: ME, logId: CASE, ring, receivedAt: '2026-12-02T00:00:00.000Z', ...at });
  const reason = (r: ReturnType<typeof check>) => (r.ok ? 'ok' : r.reason);

  it('accepts an event signed with the current key and gives its row: standard columns, log id, capability columns', () => {
    const e = signedEvent(author, CASE, { type: 'test.reply/v1', body: { seen: [OTHER_CASE] } });
    const r = check(e);
    expect(r).toEqual({
      ok: true,
      row: { event_id: e.body.event_id, case_id: CASE, type: 'reply', author: 'uz-cert', created_at: e.body.created_at, envelope: JSON.stringify(e), sig_key: author.fingerprint, received_at: '2026-12-02T00:00:00.000Z', seen: JSON.stringify([OTHER_CASE]) },
    });
  });

  it('accepts a retired key for what it signed before and at its retirement instant, not after', () => {
    const at = (ms: number) => new Date(Date.parse(RETIRED_AT) + ms).toISOString();
    expect(reason(check(signedEvent(rotatedFrom, CASE, { issuedAt: at(-60_000) })))).toBe('ok');
    // At the instant itself the old key signs its last message (as federation's keyFor says).
    expect(reason(check(signedEvent(rotatedFrom, CASE, { issuedAt: at(0) })))).toBe('ok');
    expect(reason(check(signedEvent(rotatedFrom, CASE, { issuedAt: at(1) })))).toBe('retired_key');
    // The current key signs at any time.
    expect(reason(check(signedEvent(author, CASE, { issuedAt: at(-60_000) })))).toBe('ok');
  });

  it('refuses a forged or altered event', () => {
    const impostor = signer('uz-cert');
    // Signed by another key that claims the author's fingerprint.
    const forged = signedEvent(impostor, CASE);
    expect(reason(check({ ...forged, sig: { ...forged.sig, key: author.fingerprint } }))).toBe('bad_signature');
    // Signed with a key the author never had.
    expect(reason(check(forged))).toBe('wrong_key');
    // The author's event with its text, its time or its author changed on the way.
    const real = signedEvent(author, CASE);
    expect(reason(check({ ...real, body: { ...real.body, text: 'release everything' } }))).toBe('bad_signature');
    expect(reason(check({ ...real, issued_at: '2026-11-30T00:00:00.000Z', body: { ...real.body, created_at: '2026-11-30T00:00:00.000Z' } }))).toBe('bad_signature');
    expect(reason(check({ ...real, from: 'tj-cert' }))).toBe('bad_signature');
    expect(reason(check(real))).toBe('ok');
  });

  it('refuses an event of another log', () => {
    expect(reason(check(signedEvent(author, OTHER_CASE)))).toBe('other_log');
  });

  it('refuses what is not a signed event of this log from a known peer, with the reason', () => {
    expect(reason(check(null))).toBe('malformed');
    expect(reason(check('an envelope'))).toBe('malformed');
    const e = signedEvent(author, CASE);
    expect(reason(check({ ...e, sig: undefined }))).toBe('malformed');
    expect(reason(check(e, { me: 'uz-cert' }))).toBe('own_event');
    expect(reason(check(e, { ring: null }))).toBe('unknown_author');
    expect(reason(check(signedEvent(author, CASE, { type: 'test.other/v1' })))).toBe('unknown_type');
    expect(reason(check(signedEvent(author, CASE, { body: { text: 'x'.repeat(101) } })))).toBe('invalid_body');
    // Back-dated by more than the allowed gap between the event's time and its envelope's.
    expect(reason(check(signedEvent(author, CASE, { createdAt: '2026-12-01T00:00:00.000Z', issuedAt: '2026-12-01T00:10:00.001Z' })))).toBe('implausible_time');
    expect(reason(check(signedEvent(author, CASE, { createdAt: '2026-12-01T00:00:00.000Z', issuedAt: '2026-12-01T00:10:00.000Z' })))).toBe('ok');
  });

  it('judges an event time plausible within ten minutes of its envelope, either way', () => {
    expect(plausibleTime('2026-12-01T00:10:00.000Z', '2026-12-01T00:00:00.000Z')).toBe(true);
    expect(plausibleTime('2026-12-01T00:00:00.000Z', '2026-12-01T00:10:00.001Z')).toBe(false);
    expect(plausibleTime('not a time', '2026-12-01T00:00:00.000Z')).toBe(false);
  });
});


describe.each(DIALECTS)('event log storage (%s)', (dialect) => {
  let store: StoreHandle & { drop(): Promise<void> };
  const author = signer('uz-cert');
  const removed = signer('tj-cert');
  const suspended = signer('tm-cert');

  beforeAll(async () => {
    store = await openEmptyStore(dialect);
    const { db } = store;
    // The capability's own table: the standard columns, its log column and one of its own.
    await db.schema
      .createTable('test_case_events')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('seen', 'text')
      .addColumn('envelope', 'text', (c) => c.notNull())
      .addColumn('sig_key', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('test_case_events_pk', ['author', 'event_id'])
      .execute();
    await db.schema
      .createTable('test_case_equivocations')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('envelope', 'text', (c) => c.notNull())
      .addColumn('sig_key', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('test_case_equivocations_pk', ['author', 'event_id', 'digest'])
      .execute();
    // Only the peer columns a relay reads: who, whether removed, and the keys.
    await db.schema.createTable('peers').addColumn('node_id', 'text', (c) => c.primaryKey()).addColumn('status', 'text').addColumn('fingerprint', 'text').addColumn('public_key', 'text').addColumn('retired_keys', 'text').execute();
    for (const [s, status] of [[author, 'active'], [removed, 'removed'], [suspended, 'suspended']] as const) {
      await sql`INSERT INTO peers (node_id, status, fingerprint, public_key, retired_keys) VALUES (${s.identity.node_id}, ${status}, ${s.fingerprint}, ${s.publicKeyRaw}, '[]')`.execute(db);
    }
  });

  afterAll(async () => {
    await store?.drop();
  });

  it('stores an event once and lists one log in (created_at, event_id) order, whatever the insertion order', async () => {
    const { db } = store;
    const t = (n: number) => new Date(Date.UTC(2026, 11, 1) + n * 1000).toISOString();
    const events = [signedEvent(author, CASE, { issuedAt: t(3) }), signedEvent(author, CASE, { issuedAt: t(1) }), signedEvent(author, OTHER_CASE, { issuedAt: t(2) }), signedEvent(author, CASE, { issuedAt: t(2) })];
    for (const e of events) expect(await storeEvent(db, testLog, e)).toBe(true);
    expect(await storeEvent(db, testLog, events[0]!)).toBe(false);
    expect(await insertEvent(db, testLog, null)).toBe(false);
    const rows = await listEvents(db, testLog, CASE);
    expect(rows.map((r) => r.created_at)).toEqual([t(1), t(2), t(3)]);
    expect(envelopesOf(rows)).toEqual([events[1], events[3], events[0]]);
  });

  it('keeps only the relayed events that check, once, and says why the others were refused', async () => {
    const { db } = store;
    const good = signedEvent(author, CASE, { type: 'test.reply/v1' });
    const altered = signedEvent(author, CASE);
    const fromRemoved = signedEvent(removed, CASE);
    const fromSuspended = signedEvent(suspended, CASE);
    const fromStranger = signedEvent(signer('kg-cert'), CASE);
    const mine = signedEvent(signer(ME), CASE);
    const other = signedEvent(author, OTHER_CASE);
    const relayed = [good, { ...altered, body: { ...altered.body, text: 'changed' } }, fromRemoved, fromSuspended, fromStranger, mine, other, good];
    const r = await storeRelayed(db, testLog, { me: ME, logId: CASE }, relayed);
    expect(r).toEqual({ accepted: 2, refused: ['bad_signature', 'unknown_author', 'unknown_author', 'unknown_author', 'own_event', 'other_log'] });
    const relayedIds = new Set(relayed.map((e) => e.body.event_id));
    const kept = (await listEvents(db, testLog, CASE)).filter((row) => relayedIds.has(row.event_id));
    expect(kept).toMatchObject([{ event_id: good.body.event_id, type: 'reply', author: 'uz-cert', sig_key: author.fingerprint, seen: '[]' }]);
  });

  it('keys events by (author, event_id): another author reusing an id does not squat the event', async () => {
    const { db } = store;
    const impostor = signer('tj-cert');
    const squat = signedEvent(impostor, CASE);
    const real = signedEvent(author, CASE, { body: { event_id: squat.body.event_id } });
    expect(await storeEvent(db, testLog, squat)).toBe(true);
    expect(await storeEvent(db, testLog, real)).toBe(true);
    const held = (await listEvents(db, testLog, CASE)).filter((r) => r.event_id === squat.body.event_id);
    expect(held.map((r) => r.author).sort()).toEqual(['tj-cert', 'uz-cert']);
    expect(await listEquivocations(db, testLog, CASE)).toEqual([]);
  });

  it('keeps a second body under one (author, event_id) as evidence of equivocation, once, and not in the log', async () => {
    const { db } = store;
    const first = signedEvent(author, CASE, { body: { text: 'preserve' } });
    const second = signedEvent(author, CASE, { body: { event_id: first.body.event_id, created_at: first.body.created_at, text: 'delete' } });
    expect(await storeEvent(db, testLog, first)).toBe(true);
    // The same body in another envelope (another recipient) is a plain duplicate.
    const { sig: _sig, ...unsigned } = first;
    const again = signEnvelope(author.identity, { ...unsigned, id: newMessageId(), to: ['tj-cert'] });
    expect(await storeEvent(db, testLog, again)).toBe(false);
    expect(await listEquivocations(db, testLog, CASE)).toEqual([]);
    expect(await storeEvent(db, testLog, second)).toBe(false);
    expect(await storeEvent(db, testLog, second)).toBe(false);
    const q = await listEquivocations(db, testLog, CASE);
    expect(q).toMatchObject([{ event_id: first.body.event_id, author: 'uz-cert', case_id: CASE, digest: eventDigest(second.body), envelope: JSON.stringify(second) }]);
    const held = (await listEvents(db, testLog, CASE)).filter((r) => r.event_id === first.body.event_id);
    expect(envelopesOf(held)).toEqual([first]);
  });
});
