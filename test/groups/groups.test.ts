import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';
import { enqueueMessages } from '../../src/federation/outbox.service.js';
import { newMessageId } from '../../src/federation/protocol/envelope.js';
import { openNode } from '../../src/app/open-node.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson, type NodeProcess } from '../_util/node-process.js';
import { openNodeStore, startFederation, waitFor } from '../federation/_federation.js';

interface Proposal {
  id: string;
  status: string;
  change: { kind: string; node?: string };
  consents: string[];
  voters: string[];
  needed: number;
  awaiting_me: boolean;
}
interface Group {
  id: string;
  status: string;
  name: string;
  level: string;
  members: string[];
  my_role: string;
  agreement: { instrument: string; languages: string[] };
  proposals: Proposal[];
  membership: { node: string; change: string }[];
  history: { event_id: string; type: string; kind: string | null; author: string; created_at: string; proposal_id: string | null; signature: { suite: string; key: string } }[];
}

const show = (n: NodeProcess, id: string) => runCliJson<Group>(['group', 'show', id, '--data', n.dataDir]);
const tryShow = (n: NodeProcess, id: string): Group | undefined => {
  const r = runCli(['group', 'show', id, '--data', n.dataDir, '--json']);
  return r.status === 0 ? (JSON.parse(r.stdout) as Group) : undefined;
};
/** What every node must agree on: the events (not the per-recipient envelopes) and the state. */
const comparable = (g: Group) => ({
  status: g.status,
  members: g.members,
  agreement: g.agreement,
  proposals: g.proposals.map(({ awaiting_me: _a, ...p }) => p),
  membership: g.membership,
  history: g.history.map(({ event_id, type, kind, author, created_at, proposal_id, signature }) => ({ event_id, type, kind, author, created_at, proposal_id, key: signature.key })),
});

describe.each(DIALECTS)('groups across three node processes on %s', (dialect) => {
  let a: NodeProcess;
  let b: NodeProcess;
  let c: NodeProcess;
  let nodes: NodeProcess[];
  let cleanup: () => Promise<void>;
  let storeA: StoreHandle;
  let groupId = '';
  let outsiderConsentId = '';

  beforeAll(async () => {
    const f = await startFederation(dialect, ['uz-cert', 'kz-cert', 'tj-cert']);
    nodes = f.nodes;
    [a, b, c] = f.nodes as [NodeProcess, NodeProcess, NodeProcess];
    cleanup = f.cleanup;
    storeA = await openNodeStore(a);
  }, 180_000);
  afterAll(async () => {
    await storeA?.close();
    await cleanup?.();
  });

  it('founds a regional group that takes effect only when every invitee has consented', async () => {
    const created = runCliJson<Group>([
      'group', 'create', '--data', a.dataDir, '--name', 'SCO CERTs', '--level', 'regional', '--member', 'kz-cert', '--member', 'tj-cert',
      '--instrument', 'SCO Agreement of 16 June 2009', '--language', 'ru', '--language', 'en', '--request-type', 'incident.assistance',
    ]);
    groupId = created.id;
    expect(created).toMatchObject({ status: 'proposed', members: [], my_role: 'founder', level: 'regional' });
    const createId = created.proposals[0]!.id;

    const onB = await waitFor('invitation on B', () => tryShow(b, groupId));
    expect(onB).toMatchObject({ status: 'proposed', my_role: 'invited', proposals: [{ id: createId, awaiting_me: true }] });
    await waitFor('invitation on C', () => tryShow(c, groupId));

    runCliJson(['group', 'consent', groupId, createId, '--data', b.dataDir]);
    await waitFor("B's consent on A", () => show(a, groupId).proposals[0]!.consents.includes('kz-cert'));
    for (const n of nodes) expect(show(n, groupId).status).toBe('proposed');

    runCliJson(['group', 'consent', groupId, createId, '--data', c.dataDir]);
    await waitFor('active on all three', () => nodes.every((n) => show(n, groupId).status === 'active'));
    const views = nodes.map((n) => show(n, groupId));
    for (const v of views) expect(v.members).toEqual(['kz-cert', 'tj-cert', 'uz-cert']);
    expect(comparable(views[1]!)).toEqual(comparable(views[0]!));
    expect(comparable(views[2]!)).toEqual(comparable(views[0]!));
    // The history names each signer and the key that signed: the founder's proposal and two consents.
    expect(views[0]!.history.map((h) => [h.type, h.author])).toEqual([['proposal', 'uz-cert'], ['consent', 'kz-cert'], ['consent', 'tj-cert']]);
    expect(views[0]!.history[1]!.signature).toMatchObject({ suite: 'ed25519', key: b.fingerprint });
  });

  it('treats a second consent as a no-op', async () => {
    const g = show(b, groupId);
    const again = runCli(['group', 'consent', groupId, g.proposals[0]!.id, '--data', b.dataDir, '--json']);
    expect(again.status).toBe(0);
    expect(show(b, groupId).history).toHaveLength(3);
  });

  it('removes a member once the others consent, without the consent of the member removed', async () => {
    const p = runCliJson<Group & { proposal_id: string }>(['group', 'propose', groupId, '--remove', 'tj-cert', '--data', a.dataDir]);
    const pid = p.proposal_id;
    expect(p.proposals.find((x) => x.id === pid)).toMatchObject({ status: 'open', voters: ['kz-cert', 'uz-cert'], needed: 2 });
    await waitFor('proposal on B and C', () => [b, c].every((n) => show(n, groupId).proposals.some((x) => x.id === pid)));

    const own = runCli(['group', 'consent', groupId, pid, '--data', c.dataDir]);
    expect(own.status).toBe(1);
    expect(own.stderr).toMatch(/its own removal/);
    expect(show(a, groupId).members).toContain('tj-cert');

    runCliJson(['group', 'consent', groupId, pid, '--data', b.dataDir]);
    await waitFor('removal everywhere', () => nodes.every((n) => show(n, groupId).members.length === 2));
    const views = nodes.map((n) => show(n, groupId));
    for (const v of views) expect(v.members).toEqual(['kz-cert', 'uz-cert']);
    expect(views[2]!.my_role).toBe('former');
    expect(comparable(views[1]!)).toEqual(comparable(views[0]!));
    expect(comparable(views[2]!)).toEqual(comparable(views[0]!));
    expect(views[0]!.membership.at(-1)).toMatchObject({ node: 'tj-cert', change: 'left' });
  });

  it('does not count a signed consent from a node that is not a member', async () => {
    const p = runCliJson<Group & { proposal_id: string }>(['group', 'propose', groupId, '--quorum', '2', '--data', a.dataDir]);
    // A former member is no longer told of proposals, so its CLI has nothing to consent to.
    const refused = runCli(['group', 'consent', groupId, p.proposal_id, '--data', c.dataDir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/proposal .* does not exist/);
    // A consent that C signs and sends anyway is stored as history on A but not counted.
    const ctxC = await openNode(resolveSettings({ dataDir: c.dataDir }));
    const forgedId = (outsiderConsentId = newMessageId());
    try {
      await ctxC.store.db.transaction().execute((trx) =>
        enqueueMessages(ctxC, trx, 'uz-cert', 'groups.consent/v1', [{ event_id: forgedId, group_id: groupId, created_at: new Date().toISOString(), proposal_id: p.proposal_id }]),
      );
    } finally {
      await ctxC.store.close();
    }
    await waitFor("C's consent stored on A", async () => (await storeA.db.selectFrom('group_events').select('event_id').where('event_id', '=', forgedId).executeTakeFirst()) !== undefined);
    const g = show(a, groupId);
    expect(g.proposals.find((x) => x.id === p.proposal_id)).toMatchObject({ status: 'open', voters: ['kz-cert', 'uz-cert'], needed: 2 });
    // B's consent adopts it.
    runCliJson(['group', 'consent', groupId, p.proposal_id, '--data', b.dataDir]);
    await waitFor('charter changed on A', () => show(a, groupId).proposals.find((x) => x.id === p.proposal_id)!.status === 'adopted');
  });

  it('re-admits a former member with the consent of the members and its own; it receives the history it missed', async () => {
    const p = runCliJson<Group & { proposal_id: string }>(['group', 'propose', groupId, '--add', 'tj-cert', '--data', b.dataDir]);
    // The charter now needs 2 consents: B (the proposer) and A; and the invitee's own.
    expect(p.proposals.find((x) => x.id === p.proposal_id)).toMatchObject({ status: 'open', needed: 2, invitee: 'tj-cert' });
    const invited = await waitFor('invitation on C', () => {
      const g = show(c, groupId);
      return g.proposals.some((x) => x.id === p.proposal_id) && g.proposals.length === p.proposals.length ? g : undefined;
    });
    expect(invited.my_role).toBe('invited');
    runCliJson(['group', 'consent', groupId, p.proposal_id, '--data', c.dataDir]);
    await waitFor("C's acceptance on A", () => show(a, groupId).proposals.find((x) => x.id === p.proposal_id)!.consents.includes('tj-cert'));
    expect(show(a, groupId).members).toEqual(['kz-cert', 'uz-cert']);
    runCliJson(['group', 'consent', groupId, p.proposal_id, '--data', a.dataDir]);
    await waitFor('C a member again everywhere', () => nodes.every((n) => show(n, groupId).members.length === 3));
    const [va, vb, vc] = nodes.map((n) => comparable(show(n, groupId))) as [ReturnType<typeof comparable>, ReturnType<typeof comparable>, ReturnType<typeof comparable>];
    expect(vc).toEqual(vb);
    // A alone holds the consent C sent while it was an outsider; it changes nothing else.
    expect({ ...va, history: va.history.filter((h) => h.event_id !== outsiderConsentId) }).toEqual(vb);
    expect(va.history.length).toBe(vb.history.length + 1);
  });

  it('refuses bad input with a clear message', () => {
    const base = ['group', 'create', '--data', a.dataDir, '--name', 'X', '--instrument', 'Bilateral agreement'];
    const unknown = runCli([...base, '--level', 'regional', '--member', 'no-such-node']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no-such-node is not a peer of this node/);
    const bilateral = runCli([...base, '--level', 'bilateral', '--member', 'kz-cert', '--member', 'tj-cert']);
    expect(bilateral.status).toBe(1);
    expect(bilateral.stderr).toMatch(/a bilateral group has exactly two members/);
    const quorum = runCli([...base, '--level', 'regional', '--member', 'kz-cert', '--quorum', '5']);
    expect(quorum.stderr).toMatch(/quorum \(5\) is larger than the group \(2\)/);
    const self = runCli([...base, '--level', 'regional', '--member', 'uz-cert']);
    expect(self.stderr).toMatch(/this node is the founder/);
    expect(runCli(['group', 'show', newMessageId(), '--data', a.dataDir]).stderr).toMatch(/does not exist/);
    expect(runCli(['group', 'propose', groupId, '--add', 'kz-cert', '--data', a.dataDir]).stderr).toMatch(/kz-cert is a member already/);
  });

  it('serves groups over the HTTP API with problem errors', async () => {
    const tok = runCliJson<{ token: string }>(['token', 'create', '--user', a.adminEmail, '--name', 'groups test', '--data', a.dataDir]).token;
    const h = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
    const list = (await (await fetch(`${a.url}/api/v1/groups`, { headers: h })).json()) as Group[];
    expect(list.map((g) => g.id)).toContain(groupId);
    const one = (await (await fetch(`${a.url}/api/v1/groups/${groupId}`, { headers: h })).json()) as Group;
    expect(one.history.length).toBeGreaterThanOrEqual(6);
    const agreement = { title: 'Treaty', instrument: 'Bilateral agreement of 2024', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };
    const bad = await fetch(`${a.url}/api/v1/groups`, { method: 'POST', headers: h, body: JSON.stringify({ name: 'B', level: 'bilateral', agreement, members: ['kz-cert', 'tj-cert'] }) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const ok = await fetch(`${a.url}/api/v1/groups`, { method: 'POST', headers: h, body: JSON.stringify({ name: 'UZ–KZ', level: 'bilateral', agreement, members: ['kz-cert'] }) });
    expect(ok.status).toBe(201);
    const bilateral = (await ok.json()) as Group;
    await waitFor('bilateral invitation on B', () => tryShow(b, bilateral.id));
    const refusal = runCliJson<Group>(['group', 'refuse', bilateral.id, bilateral.proposals[0]!.id, '--reason', 'no mandate', '--data', b.dataDir]);
    expect(refusal.status).toBe('refused');
    await waitFor('refusal on A', () => show(a, bilateral.id).status === 'refused');
  });
});
