import { describe, expect, it } from 'vitest';
import { envelopeDigest, publicKeyFromRaw, verifyEnvelopeSignature, type Envelope } from '../../src/federation/protocol/envelope.js';
import { verifyReceipt, type Receipt } from '../../src/federation/protocol/receipt.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson } from '../_util/node-process.js';
import { useTwoNodes } from '../federation/_federation.js';
import { act, adminToken, apiOf, caseWhen, daysFromNow, foldView, mlaProduction, PRESERVATION, sendRequest, type Api } from './_cases.js';

/**
 * The whole life of a preservation followed by a request for production, between two node
 * processes: every step taken by one party shows on the other, and both end with the same
 * fold. The CLI reads the same cases for scripts and exports one with its signed history.
 */
describe.each(DIALECTS)('preservation, then mutual legal assistance, between two nodes (%s)', (dialect) => {
  const fx = useTwoNodes(dialect);
  let a: Api, b: Api, preservation: string, production: string;

  it('preservation: acknowledged, preserved for at least 60 days, extended', async () => {
    a = apiOf(fx.a, adminToken(fx.a));
    b = apiOf(fx.b, adminToken(fx.b));
    preservation = await sendRequest(a, fx.b.nodeId, PRESERVATION);
    const onB = await caseWhen(b, preservation, 'the request on B');
    expect(onB).toMatchObject({ status: 'sent', my_party: 'requested', peer: fx.a.nodeId, available_actions: expect.arrayContaining(['acknowledge', 'preserve', 'refuse']) });
    await act(b, preservation, { action: 'acknowledge', note: 'Received by the duty officer.' });
    // Less than the 60 days of art. 42(6) is refused here, before anything is signed.
    const short = await b('POST', `/api/v1/cases/${preservation}/actions`, { action: 'preserve', until: daysFromNow(30) });
    expect(short.status).toBe(409);
    expect(short.json.detail).toMatch(/at least 60 days/);
    await act(b, preservation, { action: 'preserve', until: daysFromNow(70), note: 'Provider ordered to keep the logs.' });
    await caseWhen(a, preservation, 'preserved on A', (c) => c.status === 'preserved' && c.preservation_until === daysFromNow(70));
    await act(a, preservation, { action: 'extend', days: 90, reasons: 'The request for production is being translated.' });
    await caseWhen(b, preservation, 'the extension asked on B', (c) => c.extension_requested === 90);
    await act(b, preservation, { action: 'preserve', until: daysFromNow(160) });
    const onA = await caseWhen(a, preservation, 'the longer preservation on A', (c) => c.preservation_until === daysFromNow(160));
    expect(onA).toMatchObject({ status: 'preserved', extension_requested: null });
  });

  it('production: more information asked and given, executed partly then fully, closed', async () => {
    production = await sendRequest(a, fx.b.nodeId, mlaProduction(preservation));
    const onB = await caseWhen(b, production, 'the MLA request on B');
    expect(onB.request.fields.facts_summary).toContain(preservation);
    await act(b, production, { action: 'acknowledge' });
    await act(b, production, { action: 'ask_information', text: 'Which time zone are the times in?' });
    await caseWhen(a, production, 'the question on A', (c) => c.status === 'information_requested' && c.information_requested === 'Which time zone are the times in?');
    await act(a, production, { action: 'add_information', text: 'UTC+5 (Tashkent).' });
    await caseWhen(b, production, 'the answer on B', (c) => c.information_requested === null && c.status === 'acknowledged');
    await act(b, production, { action: 'execute', extent: 'partial', text: 'Logs for 15–20 November attached to the diplomatic channel.' });
    await act(b, production, { action: 'execute', extent: 'full', text: 'Logs for 21–25 November sent; the request is executed.' });
    await caseWhen(a, production, 'executed on A', (c) => c.status === 'executed');
    await act(a, production, { action: 'close', note: 'Received in full, thank you.' });
    const closedOnB = await caseWhen(b, production, 'closed on B', (c) => c.status === 'closed');
    expect(closedOnB.executions.map((x: { extent: string }) => x.extent)).toEqual(['partial', 'full']);
    expect(closedOnB.available_actions).toEqual(['message']);
  });

  it('both nodes fold the same state and the same counted history', async () => {
    for (const id of [preservation, production]) {
      const onA = (await a('GET', `/api/v1/cases/${id}`)).json;
      const onB = (await b('GET', `/api/v1/cases/${id}`)).json;
      expect(foldView(onA)).toEqual(foldView(onB));
      expect(onA.history.every((h: { counted: boolean }) => h.counted)).toBe(true);
      expect([onA.my_party, onB.my_party]).toEqual(['requesting', 'requested']);
    }
    const p = (await a('GET', `/api/v1/cases/${production}`)).json;
    expect(p.history.map((h: { action: string }) => h.action)).toEqual(['open', 'acknowledge', 'ask_information', 'add_information', 'execute', 'execute', 'close']);
  });

  it('the statistics count both cases on both sides', async () => {
    const row = (rows: { type: string; direction: string }[], type: string, direction: string) => rows.find((r) => r.type === type && r.direction === direction);
    const sa = (await a('GET', '/api/v1/cases/statistics')).json.rows;
    const sb = (await b('GET', '/api/v1/cases/statistics')).json.rows;
    expect(row(sa, 'preservation-stored-data', 'outgoing')).toMatchObject({ peer: fx.b.nodeId, cases: 1, acknowledged: 1, executed: 0, refused: 0, open: 1, overdue: 0 });
    expect(row(sa, 'mla-production', 'outgoing')).toMatchObject({ peer: fx.b.nodeId, cases: 1, acknowledged: 1, executed: 1, refused: 0, open: 0 });
    expect(row(sb, 'mla-production', 'incoming')).toMatchObject({ peer: fx.a.nodeId, cases: 1, acknowledged: 1, executed: 1, open: 0 });
    expect(row(sb, 'preservation-stored-data', 'incoming')).toMatchObject({ peer: fx.a.nodeId, cases: 1, acknowledged: 1, open: 1 });
    expect(row(sa, 'mla-production', 'outgoing')!).toHaveProperty('median_days_to_execute');
  });

  it('accord case list, show and export serve scripts', () => {
    const data = ['--data', fx.a.dataDir];
    const ids = (args: string[]) => runCliJson<{ case_id: string }[]>(['case', 'list', '--json', ...args, ...data]).map((c) => c.case_id).sort();
    expect(ids([])).toEqual([preservation, production].sort());
    expect(ids(['--status', 'closed', '--peer', fx.b.nodeId])).toEqual([production]);
    expect(ids(['--type', 'preservation-stored-data'])).toEqual([preservation]);
    expect(ids(['--overdue'])).toEqual([]);
    const human = runCli(['case', 'list', '--peer', fx.b.nodeId, '--status', 'preserved', ...data]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^CASE_ID\s+DIRECTION\s+PEER/);
    expect(human.stdout).toContain(preservation);
    expect(human.stdout).not.toContain(production);

    const shown = runCliJson<{ id: string; status: string; history: unknown[] }>(['case', 'show', production, '--json', ...data]);
    expect(shown).toMatchObject({ id: production, status: 'closed' });
    expect(shown.history).toHaveLength(7);

    for (const [args, message] of [
      [['case', 'export', '0190c2d4'], /not a case id/],
      [['case', 'list', '--status', 'bogus'], /bogus is not a status/],
    ] as const) {
      const r = runCli([...args, ...data]);
      expect(r.status, r.stdout).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    // Each call starts a process that opens the node: slow on a busy machine.
  }, 240_000);

  it('accord case export: every signed envelope and the receipts of this node\'s events, verifiable later', async () => {
    await caseWhen(a, production, "B's receipts of A's events", (c) => c.history.filter((h: { author: string }) => h.author === fx.a.nodeId).every((h: { delivery: { receipt: unknown } | null }) => h.delivery?.receipt));
    const x = runCliJson<{
      format: string;
      parties: { node_id: string; public_key: string }[];
      case: { id: string; status: string };
      events: { envelope: Envelope<{ action: string }>; counted: boolean }[];
      receipts: Receipt[];
    }>(['case', 'export', production, '--data', fx.a.dataDir]);
    expect(x.format).toBe('accord.case-export/v1');
    expect(x.case).toMatchObject({ id: production, status: 'closed' });
    expect(x.events.map((e) => e.envelope.body.action)).toEqual(['open', 'acknowledge', 'ask_information', 'add_information', 'execute', 'execute', 'close']);
    const keys = new Map(x.parties.map((p) => [p.node_id, publicKeyFromRaw(p.public_key)]));
    expect([...keys.keys()].sort()).toEqual([fx.a.nodeId, fx.b.nodeId].sort());
    for (const e of x.events) expect(verifyEnvelopeSignature(e.envelope, keys.get(e.envelope.from)!), e.envelope.body.action).toBe(true);
    // A changed body no longer verifies.
    const forged = structuredClone(x.events[4]!.envelope) as Envelope<{ action: string; text?: string }>;
    forged.body.text = 'nothing was sent';
    expect(verifyEnvelopeSignature(forged, keys.get(forged.from)!)).toBe(false);
    // Each of A's own events is in a receipt B signed, with the same digest.
    expect(x.receipts.length).toBeGreaterThan(0);
    for (const r of x.receipts) expect(verifyReceipt(r, keys.get(fx.b.nodeId)!)).toBe(true);
    const items = x.receipts.flatMap((r) => r.items);
    const own = x.events.filter((e) => e.envelope.from === fx.a.nodeId);
    expect(own.map((e) => e.envelope.body.action)).toEqual(['open', 'add_information', 'close']);
    for (const e of own) expect(items).toContainEqual(expect.objectContaining({ message_id: e.envelope.id, digest: envelopeDigest(e.envelope), status: 'accepted' }));
  });
});
