import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNode } from '../../src/app/open-node.js';
import { resolveSettings } from '../../src/config/settings.js';
import { enqueueMessages } from '../../src/federation/outbox.service.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson, type NodeProcess } from '../_util/node-process.js';
import { openNodeStore, peerState, startFederation, waitFor } from '../federation/_federation.js';

interface Group {
  id: string;
  status: string;
  founder: string | null;
  members: string[];
  proposals: { id: string; author: string; created_at: string; status: string; consents: string[]; awaiting_me: boolean }[];
  history: { event_id: string; type: string; author: string; counted: boolean }[];
  equivocations: { author: string; event_id: string; digest: string }[];
}

const show = (n: NodeProcess, id: string) => runCliJson<Group>(['group', 'show', id, '--data', n.dataDir]);
const tryShow = (n: NodeProcess, id: string): Group | undefined => {
  const r = runCli(['group', 'show', id, '--data', n.dataDir, '--json']);
  return r.status === 0 ? (JSON.parse(r.stdout) as Group) : undefined;
};
const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['*'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

/** Signs and sends, as node `from`, a founding proposal under ids of its choosing: what an impostor peer can do. */
async function sendFounding(from: NodeProcess, to: string, body: { event_id: string; group_id: string; created_at: string; name: string; invitees: string[] }): Promise<void> {
  const ctx = await openNode(resolveSettings({ dataDir: from.dataDir }));
  try {
    const change = { kind: 'create', name: body.name, level: 'regional', charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT, invitees: body.invitees };
    await ctx.store.db.transaction().execute((trx) => enqueueMessages(ctx, trx, to, 'groups.proposal/v1', [{ event_id: body.event_id, group_id: body.group_id, created_at: body.created_at, change }]));
  } finally {
    await ctx.store.close();
  }
}

// Issue 10, finding 1: a peer that learns a founder's event id sends a third node its own
// founding proposal under that id first. The founder's real event must not be dropped there,
// the third node's consent to the impostor's terms must not count for the founder's group,
// and the two must agree on membership.
describe.each(DIALECTS)('group event squatting across three node processes on %s', (dialect) => {
  let a: NodeProcess; // the founder
  let b: NodeProcess; // invited by the founder, and the impostor
  let c: NodeProcess; // the third node
  let cleanup: () => Promise<void>;
  let storeC: StoreHandle;
  let groupId = '';
  let createId = '';

  beforeAll(async () => {
    const f = await startFederation(dialect, ['uz-cert', 'kz-cert', 'tj-cert']);
    [a, b, c] = f.nodes as [NodeProcess, NodeProcess, NodeProcess];
    cleanup = f.cleanup;
    storeC = await openNodeStore(c);
  }, 180_000);
  afterAll(async () => {
    await storeC?.close();
    await cleanup?.();
  });

  it("keeps the founder's event beside the impostor's, does not count a consent given to the impostor's terms, and the nodes agree on membership", async () => {
    // C holds back everything A sends, so that the impostor's event reaches it first.
    expect(runCli(['peer', 'suspend', 'uz-cert', '--data', c.dataDir]).status).toBe(0);
    const created = runCliJson<Group>([
      'group', 'create', '--data', a.dataDir, '--name', 'SCO CERTs', '--level', 'regional', '--member', 'kz-cert', '--member', 'tj-cert', '--instrument', 'SCO Agreement of 16 June 2009', '--language', 'ru',
    ]);
    groupId = created.id;
    createId = created.proposals[0]!.id;
    const invited = await waitFor('invitation on B', () => tryShow(b, groupId));

    // B, now knowing the ids, founds "the same" group at C with itself as founder and a time just before A's.
    const before = new Date(Date.parse(invited.proposals[0]!.created_at) - 1000).toISOString();
    await sendFounding(b, 'tj-cert', { event_id: createId, group_id: groupId, created_at: before, name: 'SCO CERTs (impostor terms)', invitees: ['uz-cert', 'tj-cert'] });
    const squatted = await waitFor("impostor's founding on C", () => tryShow(c, groupId));
    expect(squatted).toMatchObject({ founder: 'kz-cert', status: 'proposed' });

    // C consents to what it sees (the impostor's terms); B consents to the founder's real proposal.
    runCliJson(['group', 'consent', groupId, createId, '--data', c.dataDir]);
    runCliJson(['group', 'consent', groupId, createId, '--data', b.dataDir]);
    await waitFor("B's consent on A", () => show(a, groupId).proposals[0]!.consents.includes('kz-cert'));

    expect(runCli(['peer', 'resume', 'uz-cert', '--data', c.dataDir]).status).toBe(0);
    await waitFor('A and C delivered to each other', () => peerState(a, 'tj-cert').queue_length === 0 && peerState(c, 'uz-cert').queue_length === 0);
    await waitFor("C's consent on A", () => show(a, groupId).history.some((h) => h.author === 'tj-cert'));

    const onA = show(a, groupId);
    const onC = show(c, groupId);
    // C's consent was signed for the impostor's proposal: it does not make C a member of A's group.
    expect(onA.proposals[0]).toMatchObject({ id: createId, author: 'uz-cert', status: 'open' });
    expect(onA.proposals[0]!.consents).toEqual(['kz-cert', 'uz-cert']);
    expect(onA.members).toEqual(onC.members);
    expect(onA.members).toEqual([]);
    // The founder's real event is held on C, next to the impostor's, not silently dropped.
    const onCStore = await storeC.db.selectFrom('group_events').select(['author']).where('event_id', '=', createId).orderBy('author').execute();
    expect(onCStore.map((r) => r.author)).toEqual(['kz-cert', 'uz-cert']);
    expect(onC.history.find((h) => h.event_id === createId && h.author === 'uz-cert')).toMatchObject({ counted: false });
    // The impostor gains nothing: a member of no group, the founder of none on A.
    expect(onA.founder).toBe('uz-cert');
    for (const g of [onA, onC]) expect(g.members).not.toContain('kz-cert');
    // Two founding proposals under one group id are still one group in the list.
    expect(runCliJson<{ id: string }[]>(['group', 'list', '--data', c.dataDir]).filter((g) => g.id === groupId)).toHaveLength(1);
  });

  it("records an author's two bodies under one event id as equivocation, shows it, and counts neither", async () => {
    // The impostor signs a second, different founding under the same (author, event id).
    const first = show(c, groupId).history.find((h) => h.author === 'kz-cert' && h.event_id === createId);
    expect(first).toBeDefined();
    await sendFounding(b, 'tj-cert', { event_id: createId, group_id: groupId, created_at: new Date().toISOString(), name: 'Other terms', invitees: ['tj-cert'] });
    const onC = await waitFor('equivocation on C', () => {
      const g = show(c, groupId);
      return g.equivocations.length > 0 ? g : undefined;
    });
    expect(onC.equivocations).toMatchObject([{ author: 'kz-cert', event_id: createId }]);
    expect(onC.equivocations[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(onC.history.find((h) => h.author === 'kz-cert' && h.event_id === createId)).toMatchObject({ counted: false });
    // Without the impostor's events, the founder's proposal is the founding one on C: C can consent to it.
    expect(onC).toMatchObject({ founder: 'uz-cert', proposals: [{ id: createId, author: 'uz-cert', awaiting_me: true }] });
    runCliJson(['group', 'consent', groupId, createId, '--data', c.dataDir]);
    await waitFor('active on A and C', () => [a, c].every((n) => show(n, groupId).status === 'active'));
    for (const n of [a, b, c]) await waitFor(`members on ${n.nodeId}`, () => show(n, groupId).members.join() === 'kz-cert,tj-cert,uz-cert');
  });
});
