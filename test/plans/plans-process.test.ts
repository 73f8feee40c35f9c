import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import type { NodeProcess } from '../_util/node-process.js';
import { startPeeredNodes } from '../_util/peered-nodes.js';
import type { Api } from '../cases/_cases.js';
import { waitFor } from '../federation/_federation.js';

interface Item { id: string; title: string; owner: string; acceptance: string; status: string; updates: { status: string; note: string }[]; overdue: boolean }
interface Plan { id: string; title: string; my_role: string; items: Item[] }
interface Group { id: string; status: string; members: string[]; proposals: { id: string; status: string; change: { kind: string } }[] }

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
/** What every member must agree on: the items as folded from the same events. */
const comparable = (p: Plan) => p.items.map(({ id, title, owner, acceptance, status, updates, overdue }) => ({ id, title, owner, acceptance, status, updates, overdue }));

/**
 * Three real node processes: a plan kept by a group of two, a third node that joins and is
 * sent the plan's history, an item added on one node seen on the other two, and the owner's
 * status update reaching every member.
 */
describe.each(DIALECTS)('a plan across three node processes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, c: NodeProcess;
  let api: Record<string, Api>;
  let cleanup: () => Promise<void>;
  let groupId = '';
  let planId = '';

  const plan = async (n: NodeProcess) => {
    const r = await api[n.nodeId]!('GET', `/api/v1/plans/${planId}`);
    return r.status === 200 ? (r.json as Plan) : undefined;
  };
  // Through the API: a CLI process per poll costs seconds on a loaded machine.
  const group = async (n: NodeProcess) => {
    const r = await api[n.nodeId]!('GET', `/api/v1/groups/${groupId}`);
    return r.status === 200 ? (r.json as Group) : undefined;
  };
  const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

  beforeAll(async () => {
    const started = await startPeeredNodes(dialect, ['uz-cert', 'kz-cert', 'tj-cert']);
    cleanup = started.cleanup;
    api = started.api;
    [a, b, c] = started.nodes as [NodeProcess, NodeProcess, NodeProcess];
  }, 240_000);
  afterAll(async () => {
    await cleanup?.();
  });

  it('keeps a plan in a group of two, with an overdue item of uz-cert and an item proposed to kz-cert', async () => {
    const created = (await api['uz-cert']!('POST', '/api/v1/groups', { name: 'SCO CERTs', level: 'regional', agreement: AGREEMENT, members: ['kz-cert'] })).json as Group;
    groupId = created.id;
    await waitFor('invitation on B', () => group(b));
    expect((await api['kz-cert']!('POST', `/api/v1/groups/${groupId}/proposals/${created.proposals[0]!.id}/consent`)).status).toBe(200);
    await waitFor('group active on A', async () => (await group(a))?.status === 'active');
    const p = await api['uz-cert']!('POST', '/api/v1/plans', { group_id: groupId, title: 'План взаимодействия ШОС 2026–2027', instrument: 'sco-2009' });
    expect(p.status).toBe(201);
    planId = p.json.id;
    expect((await api['uz-cert']!('POST', `/api/v1/plans/${planId}/items`, { title: 'Обмен контактами 24/7', owner: 'uz-cert', deadline: days(-2) })).status).toBe(201);
    expect((await api['uz-cert']!('POST', `/api/v1/plans/${planId}/items`, { title: 'Совместные учения', owner: 'kz-cert', deadline: days(40) })).status).toBe(201);
    const onB = await waitFor('the plan on B', async () => ((await plan(b))?.items.length === 2 ? plan(b) : undefined));
    expect(onB.items.map((i) => [i.owner, i.acceptance, i.overdue])).toEqual([['uz-cert', 'accepted', true], ['kz-cert', 'proposed', false]]);
    expect(await plan(c)).toBeUndefined();
  });

  it('sends the plan to tj-cert when it joins the group', async () => {
    const proposed = (await api['uz-cert']!('POST', `/api/v1/groups/${groupId}/proposals`, { kind: 'add_member', node: 'tj-cert' })).json as Group & { proposal_id: string };
    const has = async (n: NodeProcess) => (await group(n))?.proposals.some((x) => x.id === proposed.proposal_id);
    await waitFor('proposal on B', () => has(b));
    expect((await api['kz-cert']!('POST', `/api/v1/groups/${groupId}/proposals/${proposed.proposal_id}/consent`)).status).toBe(200);
    await waitFor('invitation on C', () => has(c));
    expect((await api['tj-cert']!('POST', `/api/v1/groups/${groupId}/proposals/${proposed.proposal_id}/consent`)).status).toBe(200);
    await waitFor('three members everywhere', async () => (await Promise.all([a, b, c].map(group))).every((g) => g?.members.length === 3));
    const onC = await waitFor('the plan relayed to C', async () => ((await plan(c))?.items.length === 2 ? plan(c) : undefined));
    expect(onC).toMatchObject({ title: 'План взаимодействия ШОС 2026–2027', my_role: 'member' });
    expect(comparable(onC)).toEqual(comparable((await plan(a))!));
  });

  it('shows an item added on kz-cert on the other two, and kz-cert’s answer and status update reach every member', async () => {
    const added = await api['kz-cert']!('POST', `/api/v1/plans/${planId}/items`, { title: 'Семинар по реагированию на инциденты', owner: 'kz-cert', deadline: days(90) });
    expect(added.status).toBe(201);
    const itemId = added.json.item_id as string;
    for (const n of [a, c]) await waitFor(`the new item on ${n.nodeId}`, async () => (await plan(n))?.items.some((i) => i.id === itemId));
    const proposedToKz = (await plan(b))!.items.find((i) => i.acceptance === 'proposed')!;
    expect((await api['kz-cert']!('POST', `/api/v1/plans/${planId}/proposals/${proposedToKz.id}/answer`, { answer: 'accept' })).status).toBe(200);
    expect((await api['kz-cert']!('POST', `/api/v1/plans/${planId}/items/${itemId}/status`, { status: 'in_progress', note: 'Программа семинара согласована' })).status).toBe(200);
    // Only the owner publishes: uz-cert cannot update kz-cert's item.
    expect((await api['uz-cert']!('POST', `/api/v1/plans/${planId}/items/${itemId}/status`, { status: 'done', note: 'x' })).status).toBe(409);
    for (const n of [a, c]) {
      await waitFor(`kz-cert's update on ${n.nodeId}`, async () => {
        const p = await plan(n);
        return p?.items.find((i) => i.id === itemId)?.status === 'in_progress' && p.items.find((i) => i.id === proposedToKz.id)?.acceptance === 'accepted';
      });
    }
    const views = await Promise.all([a, b, c].map((n) => plan(n)));
    expect(comparable(views[1]!)).toEqual(comparable(views[0]!));
    expect(comparable(views[2]!)).toEqual(comparable(views[0]!));
    expect(views[2]!.items.find((i) => i.id === itemId)!.updates).toEqual([{ event_id: expect.any(String), at: expect.any(String), status: 'in_progress', note: 'Программа семинара согласована' }]);
  });
});
