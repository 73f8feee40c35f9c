import { beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { sweepPingTests } from '../../src/directory/ping-tests.service.js';
import { openNode } from '../../src/app/open-node.js';
import { DIALECTS } from '../_util/db.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { buildEntryInput } from './_entries.js';

type Api = (n: NodeProcess, path: string, init?: RequestInit) => Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Listed {
  id: string;
  status: string;
  schedule_id: string | null;
  response_ms: number | null;
  peer_reachable: boolean | null;
  peer_freshness: string | null;
}

/** Federation faults seen from the asking node A (uz-cert): B (kz-cert) down, B stale. Real processes over HTTP. */
describe.each(DIALECTS)('ping tests when the peer fails, on %s', (dialect) => {
  const fx = useTwoNodes(dialect);
  const tokens = new Map<string, string>();
  let a: NodeProcess, b: NodeProcess;
  const api: Api = async (n, path, init = {}) => {
    const res = await fetch(`${n.url}${path}`, { ...init, headers: { authorization: `Bearer ${tokens.get(n.nodeId)}`, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, json: await res.json() };
  };
  const onA = async (id: string): Promise<Listed | undefined> => (await api(a, '/api/v1/ping-tests?direction=outgoing')).json.find((t: Listed) => t.id === id);
  const start = async (body: object): Promise<string> => {
    const r = await api(a, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(201);
    return r.json[0].id;
  };

  beforeAll(async () => {
    ({ a, b } = fx);
    for (const n of [a, b]) tokens.set(n.nodeId, runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', n.adminEmail, '--name', 't']).token);
    expect((await api(b, '/api/v1/directory/own', { method: 'PUT', body: JSON.stringify(buildEntryInput()) })).status).toBe(200);
    await waitFor("B's entry on A", async () => (await api(a, '/api/v1/directory/nodes/kz-cert')).status === 200);
  });

  it('a peer down during a ping test: the test waits as pending and A shows the peer unreachable; once B is back it arrives and is answered', async () => {
    await b.stop();
    const id = await start({ node_id: 'kz-cert', window_minutes: 30 });
    const waiting = await waitFor('A to find B unreachable', async () => ((await onA(id))?.peer_reachable === false ? onA(id) : undefined));
    expect(waiting).toMatchObject({ status: 'pending', peer_freshness: 'valid' });
    expect(await fx.storeB.db.selectFrom('ping_tests').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();

    await b.restart();
    await waitFor('the test on B', async () => (await api(b, '/api/v1/ping-tests?direction=incoming')).json.some((t: { id: string }) => t.id === id));
    expect((await api(b, `/api/v1/ping-tests/${id}/confirm`, { method: 'POST', body: '{}' })).json.status).toBe('answered');
    const answered = await waitFor('answered on A', async () => ((await onA(id))?.status === 'answered' ? onA(id) : undefined));
    expect(answered.peer_reachable).toBe(true);
    expect(answered.response_ms).toBeGreaterThan(0);
  });

  it('a peer down past the window: A counts the test unanswered, and a late answer still counts', async () => {
    await b.stop();
    const id = await start({ node_id: 'kz-cert', window_minutes: 1 });
    await waitFor('A to find B unreachable', async () => (await onA(id))?.peer_reachable === false);
    // The shortest window is a minute: sweep A's database as of after the deadline instead of waiting.
    const ctxA = await openNode(resolveSettings({ dataDir: a.dataDir }));
    try {
      await sweepPingTests(ctxA, new Date(Date.now() + 2 * 60_000));
    } finally {
      await ctxA.store.close();
    }
    expect(await onA(id)).toMatchObject({ status: 'unanswered', response_ms: null, peer_reachable: false });
    expect((await api(a, '/api/v1/ping-tests/stats')).json.nodes['kz-cert']).toMatchObject({ sent: 2, answered: 1, unanswered: 1, response_rate: 0.5 });
    const month = new Date().toISOString().slice(0, 7);
    const series = (await api(a, '/api/v1/ping-tests/history')).json.series.find((s: { key: string }) => s.key === 'node:kz-cert');
    expect(series.points).toEqual([expect.objectContaining({ period: month, started: 2, answered: 1, unanswered: 1, response_rate: 0.5 })]);

    // Back, B still gets the test (its window runs from arrival); a late confirmation still counts.
    await b.restart();
    await waitFor('the late test on B', async () => (await api(b, '/api/v1/ping-tests?direction=incoming')).json.some((t: { id: string }) => t.id === id));
    await api(b, `/api/v1/ping-tests/${id}/confirm`, { method: 'POST', body: '{}' });
    await waitFor('the late answer on A', async () => (await onA(id))?.status === 'answered');
  });

  it("a stale peer: each test shows the freshness of the peer's cached directory entry", async () => {
    const id = await start({ node_id: 'kz-cert', window_minutes: 30 });
    expect((await onA(id))?.peer_freshness).toBe('valid');
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    await fx.storeA.db.updateTable('directory_entries').set({ published_at: days(-120) }).where('node_id', '=', 'kz-cert').execute();
    const all = (await api(a, '/api/v1/ping-tests?direction=outgoing')).json as Listed[];
    expect(all.map((t) => t.peer_freshness)).toEqual(all.map(() => 'stale'));
    await fx.storeA.db.updateTable('directory_entries').set({ valid_until: days(-1) }).where('node_id', '=', 'kz-cert').execute();
    expect((await onA(id))?.peer_freshness).toBe('expired');
    // B re-publishes: a fresh entry replaces the stale one.
    expect((await api(b, '/api/v1/directory/own/confirm', { method: 'POST', body: '{}' })).status).toBe(200);
    await waitFor('the fresh entry on A', async () => (await onA(id))?.peer_freshness === 'valid');
  });

  it("a schedule of a group starts its tests from the node's own sweep, once, and shows in the history", async () => {
    const group = runCliJson<{ id: string; proposals: { id: string }[] }>(['group', 'create', '--data', a.dataDir, '--name', 'UZ-KZ', '--level', 'bilateral', '--member', 'kz-cert', '--instrument', 'Memorandum of 2026', '--language', 'ru', '--request-type', 'incident.assistance']);
    await waitFor('the invitation on B', async () => (await api(b, `/api/v1/groups/${group.id}`)).status === 200);
    runCliJson(['group', 'consent', group.id, group.proposals[0]!.id, '--data', b.dataDir]);
    await waitFor('the group active on A', async () => (await api(a, `/api/v1/groups/${group.id}`)).json.status === 'active');

    const created = await api(a, '/api/v1/ping-schedules', { method: 'POST', body: JSON.stringify({ group_id: group.id, interval_days: 91, window_minutes: 30 }) });
    expect(created.status).toBe(201);
    const s = created.json;
    const run = await waitFor('the scheduled test on A', async () => ((await api(a, '/api/v1/ping-tests?direction=outgoing')).json as Listed[]).find((t) => t.schedule_id === s.id), 30_000);
    expect(run).toMatchObject({ status: 'pending', peer_reachable: true });
    const after = (await api(a, '/api/v1/ping-schedules')).json.find((x: { id: string }) => x.id === s.id);
    expect(after.last_run_at).not.toBeNull();
    expect(Date.parse(after.next_run_at) - Date.parse(s.next_run_at)).toBe(91 * 86_400_000);
    // The sweep runs every 5 s: later sweeps start nothing more until the next slot.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(((await api(a, '/api/v1/ping-tests?direction=outgoing')).json as Listed[]).filter((t) => t.schedule_id === s.id)).toHaveLength(1);

    await waitFor('the scheduled test on B', async () => (await api(b, '/api/v1/ping-tests?direction=incoming')).json.some((t: { id: string }) => t.id === run.id));
    await api(b, `/api/v1/ping-tests/${run.id}/confirm`, { method: 'POST', body: '{}' });
    await waitFor('answered on A', async () => (await onA(run.id))?.status === 'answered');
    const history = (await api(a, '/api/v1/ping-tests/history?bucket=quarter')).json;
    const q = `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`;
    expect(history.series.find((x: { key: string }) => x.key === `group:${group.id}`)).toMatchObject({ kind: 'group', id: group.id, points: [{ period: q, started: 4 }] });
  });
});
