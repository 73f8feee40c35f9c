import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/federation/protocol/envelope.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { adminToken, apiOf, caseWhen, foldView, PRESERVATION, storedEvents, type Api } from './_cases.js';

/** Cases opened per scenario; each bulk call sends one message to each of them. */
const CASES = 20;
/** Bulk calls kept in flight at once. */
const WORKERS = 4;
/** Answered calls before the kill: the stream is well under way, the next calls already sent. */
const KILL_AFTER = 6;

/** One bulk action call: its unique text, and the events it was answered with (none: no answer). */
interface Call { text: string; status: number; events?: string[] }

/** Case events in a node's outbox not yet taken by the peer. */
async function undelivered(store: StoreHandle): Promise<number> {
  const r = await store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string | number>().as('n')).where('type', '=', 'cases.event/v1').where('state', '!=', 'delivered').executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The messages `author` signed on these cases that a node holds, `text case_id event_id` sorted. */
async function messages(store: StoreHandle, ids: string[], author: string): Promise<{ text: string; case_id: string; event_id: string }[]> {
  const rows = await store.db.selectFrom('case_events').select(['case_id', 'event_id', 'envelope']).where('case_id', 'in', ids).where('author', '=', author).where('type', '=', 'message').execute();
  return rows
    .map((r) => ({ text: (JSON.parse(r.envelope) as Envelope<{ text: string }>).body.text, case_id: r.case_id, event_id: r.event_id }))
    .sort((x, y) => `${x.text} ${x.case_id}`.localeCompare(`${y.text} ${y.case_id}`));
}

/**
 * A node killed (SIGKILL) while bulk action calls stream through it or to it: a call answered
 * 200 is kept and delivered, a call cut without an answer is kept whole or not at all, nothing
 * is signed or taken twice, and both nodes fold every case the same once the outboxes drain.
 */
describe.each(DIALECTS)('bulk case calls cut by a SIGKILL (%s)', (dialect) => {
  const fx = useTwoNodes(dialect);
  let a: Api, b: Api;

  /** Opens CASES cases on A to B in one bulk call and waits until B holds them all. */
  async function openOnBoth(label: string): Promise<string[]> {
    a ??= apiOf(fx.a, adminToken(fx.a));
    b ??= apiOf(fx.b, adminToken(fx.b));
    const r = await a('POST', '/api/v1/cases', { requests: Array.from({ length: CASES }, (_, i) => ({ requested: fx.b.nodeId, content: { ...PRESERVATION, subject: `${label} ${i}` } })) });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const ids = (r.json.cases as { id: string }[]).map((c) => c.id);
    await waitFor(`the ${CASES} ${label} cases on B`, async () => Number((await fx.storeB.db.selectFrom('case_events').select((eb) => eb.fn.countAll<string | number>().as('n')).where('case_id', 'in', ids).executeTakeFirstOrThrow()).n) === CASES);
    return ids;
  }

  /** One bulk call on A: a message with `text` to every case. */
  async function post(ids: string[], text: string): Promise<Call> {
    const r = await a('POST', '/api/v1/cases/actions', { actions: ids.map((case_id) => ({ case_id, action: 'message', text })) }).catch(() => undefined);
    return { text, status: r?.status ?? 0, events: r?.status === 200 ? (r.json.events as { event_id: string }[]).map((e) => e.event_id) : undefined };
  }

  /** WORKERS loops posting bulk calls on A, each sent as soon as the last answers; `victim` is killed right after KILL_AFTER answers. */
  async function stream(ids: string[], label: string, victim: NodeProcess): Promise<Call[]> {
    const calls: Call[] = [];
    let answered = 0;
    let killing: Promise<void> | undefined;
    const worker = async () => {
      while (!killing) {
        const i = calls.push({ text: `${label} round ${calls.length}`, status: -1 }) - 1;
        calls[i] = await post(ids, calls[i]!.text);
        if (calls[i]!.status === 200 && ++answered >= KILL_AFTER) killing ??= victim.kill9();
        if (calls[i]!.status === 0) break;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    await killing;
    return calls;
  }

  /** Waits until both outboxes are empty; then each case folds the same on A and B, its history once per event on both. */
  async function converged(ids: string[]): Promise<void> {
    await waitFor('every case event delivered both ways', async () => (await undelivered(fx.storeA)) === 0 && (await undelivered(fx.storeB)) === 0);
    for (const id of ids) {
      const onA = foldView((await a('GET', `/api/v1/cases/${id}`)).json);
      const onB = foldView((await b('GET', `/api/v1/cases/${id}`)).json);
      expect(onB, `case ${id}`).toEqual(onA);
      const history = onA.history as { author: string; event_id: string }[];
      expect(new Set(history.map((h) => `${h.author}/${h.event_id}`)).size, `case ${id}`).toBe(history.length);
      expect([await storedEvents(fx.storeA.db, id), await storedEvents(fx.storeB.db, id)], `case ${id}`).toEqual([history.length, history.length]);
    }
  }

  /** What each call left on A: an answered call exactly its events, an unanswered one all its messages or none; B holds the same. */
  async function checkCalls(ids: string[], calls: Call[]): Promise<{ kept: number; lost: number }> {
    const onA = await messages(fx.storeA, ids, fx.a.nodeId);
    expect(await messages(fx.storeB, ids, fx.a.nodeId)).toEqual(onA);
    const byText = new Map<string, typeof onA>();
    for (const m of onA) byText.set(m.text, [...(byText.get(m.text) ?? []), m]);
    // Every message on A comes from one of the calls, each call's text on each case at most once.
    expect([...byText.keys()].filter((t) => !calls.some((c) => c.text === t))).toEqual([]);
    let kept = 0;
    for (const c of calls) {
      const held = byText.get(c.text) ?? [];
      expect(new Set(held.map((m) => m.case_id)).size, c.text).toBe(held.length);
      if (c.events) expect(held.map((m) => m.event_id).sort(), c.text).toEqual([...c.events].sort());
      else expect([0, ids.length], `${c.text}: ${held.length} of its ${ids.length} messages kept`).toContain(held.length);
      if (!c.events && held.length) kept++;
    }
    return { kept, lost: calls.filter((c) => !c.events).length - kept };
  }

  it('A killed mid-stream: answered calls are kept and delivered, a cut call is kept whole or not at all, nothing twice, and both fold the same', async () => {
    const ids = await openOnBoth('Crash of A');
    const calls = await stream(ids, 'A', fx.a);
    // Every call was either answered 200 or cut by the kill; at least one was cut in flight.
    expect(calls.filter((c) => c.status !== 200 && c.status !== 0).map((c) => `${c.text}: ${c.status}`)).toEqual([]);
    expect(calls.filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(calls.filter((c) => c.status === 0).length, 'calls cut by the kill').toBeGreaterThan(0);

    await fx.a.restart();
    // Back up, A takes bulk calls again and they reach B.
    const after = await post(ids, 'A after restart');
    expect(after.status).toBe(200);
    await caseWhen(b, ids.at(-1)!, 'the message after the restart on B', (c) => c.history.some((h: { event_id: string }) => after.events!.includes(h.event_id)));

    await converged(ids);
    await checkCalls(ids, [...calls, after]);
  });

  it('B killed while deliveries stream in: what A signed meanwhile queues, and arrives once B is back, each event once', async () => {
    const ids = await openOnBoth('Crash of B');
    const calls = await stream(ids, 'B', fx.b);
    // B down: A keeps taking calls, and their events wait in its outbox.
    for (let i = 0; i < 3; i++) calls.push(await post(ids, `B while down ${i}`));
    expect(calls.filter((c) => c.status !== 200).map((c) => `${c.text}: ${c.status}`)).toEqual([]);
    expect(await undelivered(fx.storeA)).toBeGreaterThanOrEqual(3 * CASES);

    await fx.b.restart();
    await converged(ids);
    await checkCalls(ids, calls);
  });
});
