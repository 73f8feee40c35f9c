import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { openSse } from './_sse.js';

const AGREEMENT = { title: 'Bilateral', instrument: 'Agreement of 2024', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

describe.each(DIALECTS)('the duty desk live, between two node processes on %s', (dialect) => {
  const fx = useTwoNodes(dialect);
  let a: NodeProcess, b: NodeProcess;
  const tokens = new Map<string, string>();
  const api = async (n: NodeProcess, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${n.url}${path}`, { ...init, headers: { authorization: `Bearer ${tokens.get(n.nodeId)}`, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const deskKinds = async (n: NodeProcess) => ((await api(n, '/api/v1/desk')).json.items as { kind: string; id: string }[]).map((i) => `${i.kind}:${i.id}`);

  beforeAll(() => {
    ({ a, b } = fx);
    for (const n of [a, b]) tokens.set(n.nodeId, runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', n.adminEmail, '--name', 't']).token);
  });

  it('a ping test from the other node reaches the open stream as a desk event, and the desk lists it', async () => {
    const stream = await openSse(`${a.url}/api/v1/events`, { authorization: `Bearer ${tokens.get(a.nodeId)}` });
    await stream.waitFor(': connected');
    const started = await api(b, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: a.nodeId, window_minutes: 30 }) });
    expect(started.status).toBe(201);
    const testId = started.json[0].id as string;
    // No polling: the event arrives on the stream when A's inbox has applied the test.
    const at = await stream.waitFor('event: desk\ndata: changed\n\n');
    expect(await deskKinds(a)).toContain(`directory.ping_test_to_confirm:${testId}`);

    // Confirming on A is a change through A's API: the stream hears of it, the item goes.
    expect((await api(a, `/api/v1/ping-tests/${testId}/confirm`, { method: 'POST', body: '{}' })).status).toBe(200);
    await stream.waitFor('event: desk\n', at);
    expect(await deskKinds(a)).not.toContain(`directory.ping_test_to_confirm:${testId}`);
    stream.close();
  });

  it('an invitation to a group waits on the desk of the invited node until it answers', async () => {
    const stream = await openSse(`${a.url}/api/v1/events`, { authorization: `Bearer ${tokens.get(a.nodeId)}` });
    await stream.waitFor(': connected');
    const created = await api(b, '/api/v1/groups', { method: 'POST', body: JSON.stringify({ name: 'UZ–KZ', level: 'bilateral', agreement: AGREEMENT, members: [a.nodeId] }) });
    expect(created.status).toBe(201);
    const groupId = created.json.id as string;
    const proposalId = created.json.proposals[0].id as string;
    await stream.waitFor('event: desk\n');
    const item = ((await api(a, '/api/v1/desk')).json.items as { kind: string; id: string; params: Record<string, unknown>; link: string }[]).find((i) => i.kind === 'groups.proposal_to_answer');
    expect(item).toMatchObject({ id: proposalId, params: { group: 'UZ–KZ', change: 'create', author: b.nodeId }, link: `/groups/${groupId}` });
    // The founder has nothing to answer: its proposal counts as its consent.
    expect(await deskKinds(b)).not.toContain(`groups.proposal_to_answer:${proposalId}`);

    expect((await api(a, `/api/v1/groups/${groupId}/proposals/${proposalId}/consent`, { method: 'POST', body: '{}' })).status).toBeLessThan(300);
    await waitFor('the invitation gone from the desk', async () => !(await deskKinds(a)).includes(`groups.proposal_to_answer:${proposalId}`), 10_000);
    stream.close();
  });
});
