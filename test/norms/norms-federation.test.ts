import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { runCliJson, startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { addPeer, waitFor } from '../federation/_federation.js';
import { buildReportContent } from './_norms.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: Json }>;

const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

/** An API token for a user of the node (the CLI, as an operator makes one). */
function tokenOf(n: NodeProcess, email: string): string {
  return runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', email, '--name', 't']).token;
}

function apiOf(n: NodeProcess, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${n.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

/**
 * A node that does not start within the helper's 30 s is tried once more: on a machine shared
 * with other suites a start alone has taken 14 s (the second try uses a new folder and schema).
 */
async function startWithRetry(start: () => Promise<NodeProcess>): Promise<NodeProcess> {
  try {
    return await start();
  } catch (e) {
    if (!(e instanceof Error) || !e.message.startsWith('node did not start')) throw e;
    return start();
  }
}

/** The group as a node sees it, or undefined before it knows of it. */
async function groupOn(api: Api, id: string): Promise<{ status: string; members: string[]; proposals: { id: string; status: string }[] } | undefined> {
  const r = await api('GET', `/api/v1/groups/${id}`);
  return r.status === 200 ? r.json : undefined;
}

describe.each(DIALECTS)('norms reports between three node processes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, c: NodeProcess;
  let cleanup: () => Promise<void>;
  let groupId = '';
  let apiA: Api, reviewerA: Api, apiB: Api, apiC: Api;

  const versionsOn = async (api: Api, node: string): Promise<number[]> => {
    const r = await api('GET', `/api/v1/norms/reports/${node}/versions`);
    return r.status === 200 ? (r.json as { version: number }[]).map((v) => v.version) : [];
  };
  /** Draft, review by a second user, publish to the group: the next version of A's report. */
  const publish = async (summary: string) => {
    const d = await apiA('POST', '/api/v1/norms/drafts', buildReportContent({ summary }));
    expect(d.status).toBe(201);
    await apiA('POST', `/api/v1/norms/drafts/${d.json.id}/submit`);
    expect((await reviewerA('POST', `/api/v1/norms/drafts/${d.json.id}/review`, { decision: 'approve' })).json.state).toBe('approved');
    const p = await apiA('POST', `/api/v1/norms/drafts/${d.json.id}/publish`, { groups: [groupId] });
    expect(p.status).toBe(200);
    return p.json as { version: { version: number }; sent_to: string[] };
  };

  beforeAll(async () => {
    // One after the other: three nodes starting at once on a loaded machine outlast the start timeout.
    const targets: TestDbTarget[] = [];
    const nodes: NodeProcess[] = [];
    cleanup = async () => {
      await Promise.all(nodes.map((n) => n.destroy()));
      await Promise.all(targets.map((t) => t.cleanup()));
    };
    for (const nodeId of ['uz-cert', 'kz-cert', 'tj-cert']) {
      nodes.push(
        await startWithRetry(() => {
          const t = newTestDbTarget(dialect);
          targets.push(t);
          return startNodeProcess({ nodeId, settings: { ACCORD_RETRY_BASE_MS: '100', ACCORD_RETRY_CAP_MS: '1000' }, initArgs: t.db ? ['--db', t.db, '--db-schema', t.dbSchema!] : [] });
        }),
      );
    }
    for (const x of nodes) for (const y of nodes) if (x !== y) addPeer(x, y);
    [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    apiA = apiOf(a, tokenOf(a, a.adminEmail));
    apiB = apiOf(b, tokenOf(b, b.adminEmail));
    apiC = apiOf(c, tokenOf(c, c.adminEmail));
    // A second user of A reviews the drafts the administrator writes.
    const reviewer = await apiA('POST', '/api/v1/users', { email: 'reviewer@uz.example', display_name: 'Reviewer', role: 'coordinator' });
    expect(reviewer.status).toBe(201);
    reviewerA = apiOf(a, tokenOf(a, 'reviewer@uz.example'));
    // A regional group of A and B; C joins later.
    const created = await apiA('POST', '/api/v1/groups', { name: 'SCO CERTs', level: 'regional', agreement: AGREEMENT, members: ['kz-cert'] });
    expect(created.status).toBe(201);
    groupId = created.json.id;
    await waitFor('invitation on B', () => groupOn(apiB, groupId));
    expect((await apiB('POST', `/api/v1/groups/${groupId}/proposals/${created.json.proposals[0].id}/consent`)).status).toBe(200);
    await waitFor('group active on A', async () => (await groupOn(apiA, groupId))?.status === 'active');
  }, 150_000);
  afterAll(() => cleanup?.());

  it('a published version reaches the member, signed by the author node', async () => {
    const p = await publish('Version one');
    expect(p).toMatchObject({ version: { version: 1 }, sent_to: ['kz-cert'] });
    await waitFor('version 1 on B', async () => (await versionsOn(apiB, 'uz-cert')).includes(1));
    const v = await apiB('GET', '/api/v1/norms/reports/uz-cert/versions/1');
    expect(v.json).toMatchObject({ own: false, signed_by: a.fingerprint, report: { node_id: 'uz-cert', summary: 'Version one' } });
    expect(await versionsOn(apiC, 'uz-cert')).toEqual([]);
  });

  it('a member that joins later receives the versions published before', async () => {
    const p = await apiA('POST', `/api/v1/groups/${groupId}/proposals`, { kind: 'add_member', node: 'tj-cert' });
    const pid = p.json.proposal_id as string;
    await waitFor('proposal on B and C', async () => (await groupOn(apiB, groupId))?.proposals.some((x) => x.id === pid) && (await groupOn(apiC, groupId))?.proposals.some((x) => x.id === pid));
    expect((await apiB('POST', `/api/v1/groups/${groupId}/proposals/${pid}/consent`)).status).toBe(200);
    expect((await apiC('POST', `/api/v1/groups/${groupId}/proposals/${pid}/consent`)).status).toBe(200);
    await waitFor('C a member on A', async () => (await groupOn(apiA, groupId))?.members.includes('tj-cert'));
    await waitFor('version 1 on C', async () => (await versionsOn(apiC, 'uz-cert')).includes(1));
  });

  it('a new version reaches all three; B comments and the comment reaches A', async () => {
    const p = await publish('Version two');
    expect(p.sent_to).toEqual(['kz-cert', 'tj-cert']);
    await waitFor('version 2 on B and C', async () => (await versionsOn(apiB, 'uz-cert')).includes(2) && (await versionsOn(apiC, 'uz-cert')).includes(2));
    const m = await apiC('GET', '/api/v1/norms/matrix');
    expect(m.json.rows).toEqual([expect.objectContaining({ node_id: 'uz-cert', version: 2 })]);
    expect((await apiC('GET', '/api/v1/norms/reports/uz-cert/diff?from=1&to=2')).json).toMatchObject({ summary_changed: true, norms: [] });
    // Nothing is sent twice: B holds each version once.
    expect(await versionsOn(apiB, 'uz-cert')).toEqual([1, 2]);

    expect((await apiB('POST', '/api/v1/norms/reports/uz-cert/versions/2/comments', { norm: 'g', text: 'Which list?' })).status).toBe(201);
    const got = await waitFor('comment on A', async () => {
      const r = await apiA('GET', '/api/v1/norms/reports/uz-cert/versions/2/comments');
      return (r.json as unknown[]).length === 1 ? r.json[0] : undefined;
    });
    expect(got).toMatchObject({ direction: 'in', author_node: 'kz-cert', norm: 'g', text: 'Which list?' });
  });

  it('a member that left keeps what it had and receives nothing new', async () => {
    const p = await apiA('POST', `/api/v1/groups/${groupId}/proposals`, { kind: 'remove_member', node: 'tj-cert' });
    const pid = p.json.proposal_id as string;
    await waitFor('proposal on B', async () => (await groupOn(apiB, groupId))?.proposals.some((x) => x.id === pid));
    expect((await apiB('POST', `/api/v1/groups/${groupId}/proposals/${pid}/consent`)).status).toBe(200);
    await waitFor('C removed on A', async () => !(await groupOn(apiA, groupId))?.members.includes('tj-cert'));
    const v3 = await publish('Version three');
    expect(v3.sent_to).toEqual(['kz-cert']);
    await waitFor('version 3 on B', async () => (await versionsOn(apiB, 'uz-cert')).includes(3));
    expect(await versionsOn(apiC, 'uz-cert')).toEqual([1, 2]);
  });
});
