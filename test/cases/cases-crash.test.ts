import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import type { StoreHandle } from '../../src/store/db.js';
import { act, adminToken, apiOf, caseWhen, daysFromNow, foldView, mlaProduction, PRESERVATION, sendRequest, storedEvents, type Api } from './_cases.js';

/** Case events in a node's outbox not yet taken by the peer. */
async function undelivered(store: StoreHandle): Promise<number> {
  const r = await store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string | number>().as('n')).where('type', '=', 'cases.event/v1').where('state', '!=', 'delivered').executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Either node killed (SIGKILL) in the middle of a case: what the other did meanwhile reaches it
 * after its restart, nothing is lost or taken twice, and both fold the same state, even when a
 * withdrawal and an execution cross while they cannot reach each other.
 */
describe.each(DIALECTS)('a case survives either node being killed (%s)', (dialect) => {
  const fx = useTwoNodes(dialect);
  let a: Api, b: Api;

  async function converged(id: string): Promise<Record<string, unknown>> {
    await waitFor('every case event delivered both ways', async () => (await undelivered(fx.storeA)) === 0 && (await undelivered(fx.storeB)) === 0);
    const onA = foldView((await a('GET', `/api/v1/cases/${id}`)).json);
    const onB = foldView((await b('GET', `/api/v1/cases/${id}`)).json);
    expect(onA).toEqual(onB);
    const history = onA.history as { author: string; event_id: string }[];
    // Each event once, on both nodes.
    expect(new Set(history.map((h) => `${h.author}/${h.event_id}`)).size).toBe(history.length);
    expect(await storedEvents(fx.storeA.db, id)).toBe(history.length);
    expect(await storedEvents(fx.storeB.db, id)).toBe(history.length);
    return onA;
  }

  it("actions taken while the other node is down reach it after its restart, once", async () => {
    a = apiOf(fx.a, adminToken(fx.a));
    b = apiOf(fx.b, adminToken(fx.b));
    const id = await sendRequest(a, fx.b.nodeId, PRESERVATION);
    await caseWhen(b, id, 'the request on B');
    await act(b, id, { action: 'acknowledge' });
    await act(b, id, { action: 'preserve', until: daysFromNow(70) });
    await caseWhen(a, id, 'preserved on A', (c) => c.status === 'preserved');

    // B is killed; A asks for an extension and writes, and its events wait in its outbox.
    await fx.b.kill9();
    await act(a, id, { action: 'extend', days: 60, reasons: 'The MLA request is on its way.' });
    await act(a, id, { action: 'message', text: 'Please confirm the provider keeps the logs.' });
    expect(await undelivered(fx.storeA)).toBeGreaterThanOrEqual(2);
    await fx.b.restart();
    const onB = await caseWhen(b, id, 'the extension on B after its restart', (c) => c.extension_requested === 60 && c.history.some((h: { action: string }) => h.action === 'message'));
    expect(onB.status).toBe('preserved');

    // A is killed; B grants the extension meanwhile.
    await fx.a.kill9();
    await act(b, id, { action: 'preserve', until: daysFromNow(130), note: 'Extended.' });
    await act(b, id, { action: 'message', text: 'Confirmed.' });
    await fx.a.restart();
    await caseWhen(a, id, 'the longer preservation on A after its restart', (c) => c.preservation_until === daysFromNow(130));

    const state = await converged(id);
    expect(state).toMatchObject({ status: 'preserved', preservation_until: daysFromNow(130), extension_requested: null });
    expect((state.history as { action: string; counted: boolean }[]).map((h) => [h.action, h.counted])).toEqual([
      ['open', true], ['acknowledge', true], ['preserve', true], ['extend', true], ['message', true], ['preserve', true], ['message', true],
    ]);
  });

  it('a withdrawal and an execution that crossed while the nodes could not reach each other resolve the same on both', async () => {
    const id = await sendRequest(a, fx.b.nodeId, mlaProduction('an earlier preservation'));
    await caseWhen(b, id, 'the MLA request on B');
    await act(b, id, { action: 'acknowledge' });
    await caseWhen(a, id, 'acknowledged on A', (c) => c.status === 'acknowledged');

    // A is down while B executes; then B is down while A, back, withdraws, not knowing.
    await fx.a.kill9();
    await act(b, id, { action: 'execute', extent: 'full', text: 'The logs were sent.' });
    await fx.b.kill9();
    await fx.a.restart();
    const withdrawn = await act(a, id, { action: 'withdraw', reasons: 'The suspect was identified otherwise.' });
    expect(withdrawn.status).toBe('withdrawn');
    await fx.b.restart();

    await caseWhen(a, id, 'the execution on A', (c) => c.history.some((h: { action: string }) => h.action === 'execute'));
    await caseWhen(b, id, 'the withdrawal on B', (c) => c.history.some((h: { action: string }) => h.action === 'withdraw'));
    const state = await converged(id);
    const history = state.history as { action: string; counted: boolean; body: { seen: { event_id: string }[] } }[];
    const ack = history.find((h) => h.action === 'acknowledge')!;
    const exec = history.find((h) => h.action === 'execute')!;
    const withdraw = history.find((h) => h.action === 'withdraw')!;
    // Neither saw the other: both name only what came before.
    expect(exec.body.seen.map((s) => s.event_id)).toContain((ack as unknown as { event_id: string }).event_id);
    expect(withdraw.body.seen.map((s) => s.event_id)).not.toContain((exec as unknown as { event_id: string }).event_id);
    // The fold takes the earlier first (the execution) and the withdrawal after it: both count, the case ends withdrawn with the execution on record.
    expect(history.map((h) => h.action)).toEqual(['open', 'acknowledge', 'execute', 'withdraw']);
    expect(state).toMatchObject({ status: 'withdrawn', executions: [expect.objectContaining({ extent: 'full' })] });
    expect(history.every((h) => h.counted)).toBe(true);
  });
});
