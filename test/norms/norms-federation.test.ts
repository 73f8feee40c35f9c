import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { runCliJson, startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { addPeer, waitFor } from '../federation/_federation.js';
import { buildReportContent } from './_norms.js';

interface Group {
  id: string;
  status: string;
  members: string[];
  proposals: { id: string; status: string }[];
}
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const show = (n: NodeProcess, id: string) => runCliJson<Group>(['group', 'show', id, '--data', n.dataDir]);

/** A user of the node with an API token, made with the CLI. */
function userToken(n: NodeProcess, email: string, role: string): string {
  runCliJson(['user', 'add', '--data', n.dataDir, '--email', email, '--name', email.split('@')[0]!, '--role', role, '--json']);
  return runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', email, '--name', 't']).token;
}

function apiOf(n: NodeProcess, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${n.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

describe.each(DIALECTS)('norms reports between three node processes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, c: NodeProcess;
  let cleanup: () => Promise<void>;
  let groupId = '';
  let apiA: ReturnType<typeof apiOf>, reviewerA: ReturnType<typeof apiOf>, apiB: ReturnType<typeof apiOf>, apiC: ReturnType<typeof apiOf>;

  const versionsOn = async (api: ReturnType<typeof apiOf>, node: string): Promise<number[]> => {
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
      const t = newTestDbTarget(dialect);
      targets.push(t);
      nodes.push(await startNodeProcess({ nodeId, settings: { ACCORD_RETRY_BASE_MS: '100', ACCORD_RETRY_CAP_MS: '1000' }, initArgs: t.db ? ['--db', t.db, '--db-schema', t.dbSchema!] : [] }));
    }
    for (const x of nodes) for (const y of nodes) if (x !== y) addPeer(x, y);
    [a, b, c] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    apiA = apiOf(a, userToken(a, 'author@uz.example', 'coordinator'));
    reviewerA = apiOf(a, userToken(a, 'reviewer@uz.example', 'coordinator'));
    apiB = apiOf(b, userToken(b, 'coord@kz.example', 'coordinator'));
    apiC = apiOf(c, userToken(c, 'coord@tj.example', 'coordinator'));
    // A regional group of A and B; C joins later.
    const created = runCliJson<Group>(['group', 'create', '--data', a.dataDir, '--name', 'SCO CERTs', '--level', 'regional', '--member', 'kz-cert', '--instrument', 'SCO Agreement of 16 June 2009', '--language', 'ru']);
    groupId = created.id;
    await waitFor('invitation on B', () => {
      try {
        return show(b, groupId);
      } catch {
        return undefined;
      }
    });
    runCliJson(['group', 'consent', groupId, created.proposals[0]!.id, '--data', b.dataDir]);
    await waitFor('group active on A', () => show(a, groupId).status === 'active');
  }, 180_000);
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
    const p = runCliJson<{ proposal_id: string }>(['group', 'propose', groupId, '--add', 'tj-cert', '--data', a.dataDir]);
    await waitFor('proposal on B and C', () => [b, c].every((n) => {
      try {
        return show(n, groupId).proposals.some((x) => x.id === p.proposal_id);
      } catch {
        return false;
      }
    }));
    runCliJson(['group', 'consent', groupId, p.proposal_id, '--data', b.dataDir]);
    runCliJson(['group', 'consent', groupId, p.proposal_id, '--data', c.dataDir]);
    await waitFor('C a member on A', () => show(a, groupId).members.includes('tj-cert'));
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
    const p = runCliJson<{ proposal_id: string }>(['group', 'propose', groupId, '--remove', 'tj-cert', '--data', a.dataDir]);
    await waitFor('proposal on B', () => show(b, groupId).proposals.some((x) => x.id === p.proposal_id));
    runCliJson(['group', 'consent', groupId, p.proposal_id, '--data', b.dataDir]);
    await waitFor('C removed on A', () => !show(a, groupId).members.includes('tj-cert'));
    const v3 = await publish('Version three');
    expect(v3.sent_to).toEqual(['kz-cert']);
    await waitFor('version 3 on B', async () => (await versionsOn(apiB, 'uz-cert')).includes(3));
    expect(await versionsOn(apiC, 'uz-cert')).toEqual([1, 2]);
  });
});
