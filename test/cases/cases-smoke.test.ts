import { describe, expect, it } from 'vitest';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { adminToken, apiOf, PRESERVATION } from './_cases.js';

describe('a case between two node processes (sqlite)', () => {
  const fx = useTwoNodes('sqlite');

  it('opens on both, is acknowledged and preserved by the requested node', async () => {
    const a = apiOf(fx.a, adminToken(fx.a));
    const b = apiOf(fx.b, adminToken(fx.b));
    const draft = await a('POST', '/api/v1/cases/drafts', { requested: fx.b.nodeId, content: PRESERVATION });
    expect(draft.status, JSON.stringify(draft.json)).toBe(201);
    expect(draft.json.problems).toEqual([]);
    const sent = await a('POST', `/api/v1/cases/drafts/${draft.json.id}/send`);
    expect(sent.status, JSON.stringify(sent.json)).toBe(201);
    const id = sent.json.id as string;
    const onB = await waitFor('the case on B', async () => ((await b('GET', `/api/v1/cases/${id}`)).status === 200 ? true : undefined));
    expect(onB).toBe(true);
    const acked = await b('POST', `/api/v1/cases/${id}/actions`, { action: 'acknowledge' });
    expect(acked.status, JSON.stringify(acked.json)).toBe(200);
    const kept = await b('POST', `/api/v1/cases/${id}/actions`, { action: 'preserve', until: '2027-06-01' });
    expect(kept.status, JSON.stringify(kept.json)).toBe(200);
    const onA = await waitFor('preserved on A', async () => {
      const r = await a('GET', `/api/v1/cases/${id}`);
      return r.json.status === 'preserved' ? r.json : undefined;
    });
    expect(onA.preservation_until).toBe('2027-06-01');
    const receipted = await waitFor('the receipt of the opening on A', async () => {
      const open = (await a('GET', `/api/v1/cases/${id}`)).json.history.find((h: { action: string }) => h.action === 'open');
      return open.delivery?.receipt ? open.delivery : undefined;
    });
    expect(receipted).toMatchObject({ state: 'delivered', receipt: { type: 'federation.receipt', by: fx.b.nodeId, items: expect.arrayContaining([expect.objectContaining({ status: 'accepted' })]) } });
    const metrics = async (url: string) => (await fetch(`${url}/metrics`)).text();
    expect(await metrics(fx.a.url)).toMatch(/^accord_cases\{direction="outgoing",status="preserved"\} 1$/m);
    expect(await metrics(fx.b.url)).toMatch(/^accord_cases\{direction="incoming",status="preserved"\} 1$/m);
    expect(await metrics(fx.b.url)).toMatch(/^accord_cases_overdue\{direction="incoming"\} 0$/m);
    const list = await a('GET', '/api/v1/cases?q=hospital');
    expect(list.json.cases.map((c: { case_id: string }) => c.case_id)).toEqual([id]);
  });
});
