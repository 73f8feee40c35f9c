import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson, type NodeProcess } from '../_util/node-process.js';
import { count, peerState, useTwoNodes, waitFor } from './_federation.js';

describe.each(DIALECTS)('delivery between node processes on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, storeA: StoreHandle, storeB: StoreHandle;
  const fx = useTwoNodes(dialect);
  beforeAll(() => void ({ a, b, storeA, storeB } = fx));

  it('peer ping prints the round-trip time and the signed receipt', () => {
    const r = runCliJson<{ rtt_ms: number; receipt: { by: string; items: { status: string }[]; sig: { suite: string } } }>(['peer', 'ping', 'kz-cert', '--data', a.dataDir]);
    expect(r.rtt_ms).toBeGreaterThan(0);
    expect(r.receipt).toMatchObject({ by: 'kz-cert', items: [{ status: 'accepted' }], sig: { suite: 'ed25519' } });
    expect(runCli(['peer', 'ping', 'kz-cert', '--data', a.dataDir]).stdout).toMatch(/^kz-cert: [\d.]+ ms round trip; receipt signed by kz-cert/);
  });

  it('refuses to add a peer whose key does not have the fingerprint read out', () => {
    const r = runCli(['peer', 'add', b.url, '--data', a.dataDir, '--fingerprint', 'ab'.repeat(32)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the peer's key has fingerprint [0-9a-f]{64}, not the abab/);
  });

  it('delivers queued notices and keeps the signed receipt as proof', async () => {
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'Test', '--text', 'Привет', '--count', '50']);
    await waitFor('50 notices on B', async () => (await count(storeB, 'notices')) >= 50);
    await waitFor('outbox drained', async () => (await count(storeA, 'outbox', { state: 'delivered' })) >= 50);
    const receipts = await storeA.db.selectFrom('receipts').selectAll().execute();
    expect(receipts.length).toBeGreaterThan(0);
    const outbox = await storeA.db.selectFrom('outbox').select(['receipt_id', 'state']).execute();
    expect(outbox.every((o) => o.state === 'delivered' && receipts.some((r) => r.batch_id === o.receipt_id))).toBe(true);
  });

  it('notices posted at the same moment share transactions: every one gets its own number, audit entry and delivery', async () => {
    const token = runCliJson<{ token: string }>(['token', 'create', '--data', a.dataDir, '--user', a.adminEmail, '--name', 'burst']).token;
    const before = { notices: await count(storeB, 'notices'), outbox: await count(storeA, 'outbox') };
    const post = (i: number, peer = 'kz-cert') =>
      fetch(`${a.url}/api/v1/peers/${peer}/notices`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: `burst ${i}`, text: 'x' }) });
    // One request in the burst names an unknown peer: it alone fails.
    const res = await Promise.all([...Array.from({ length: 60 }, (_, i) => post(i)), post(60, 'nobody')]);
    expect(res.slice(0, 60).map((r) => r.status)).toEqual(Array(60).fill(202));
    expect(res[60]!.status).toBe(404);
    const ids = (await Promise.all(res.slice(0, 60).map(async (r) => ((await r.json()) as { message_ids: string[] }).message_ids))).flat();
    expect(new Set(ids).size).toBe(60);
    const seqs = (await storeA.db.selectFrom('outbox').select('seq').where('id', 'in', ids).execute()).map((r) => Number(r.seq)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => seqs[0]! + i));
    expect(await count(storeA, 'outbox')).toBe(before.outbox + 60);
    const audited = await storeA.db.selectFrom('audit_log').select('details').where('action', '=', 'federation.notice_send').execute();
    expect(ids.every((id) => audited.some((e) => (JSON.parse(e.details) as { first_id: string }).first_id === id))).toBe(true);
    expect(runCli(['audit', 'verify', '--data', a.dataDir]).status).toBe(0);
    await waitFor('the burst on B', async () => (await count(storeB, 'notices')) >= before.notices + 60);
  });

  it('refuses to queue text holding U+0000 with a 400 problem, and queues nothing', async () => {
    const token = runCliJson<{ token: string }>(['token', 'create', '--data', a.dataDir, '--user', a.adminEmail, '--name', 'nul']).token;
    const before = await count(storeA, 'outbox');
    const res = await fetch(`${a.url}/api/v1/peers/kz-cert/notices`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'nul \u0000', text: 'x' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/U\+0000|NUL/);
    expect(await count(storeA, 'outbox')).toBe(before);
  });

  it('holds messages while the peer is down, shows why, and delivers them when it is back', async () => {
    const before = await count(storeB, 'notices');
    await b.stop();
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'While down', '--count', '20']);
    const down = await waitFor('error recorded', () => {
      const s = peerState(a, 'kz-cert');
      return s.last_error ? s : undefined;
    });
    expect(down).toMatchObject({ queue_length: 20, reachable: false });
    expect(down.last_error).toMatch(/unreachable/);
    expect(down.oldest_undelivered_at).not.toBeNull();
    await b.restart();
    await waitFor('delivered after restart', async () => (await count(storeB, 'notices')) === before + 20);
    await waitFor('queue empty', () => peerState(a, 'kz-cert').queue_length === 0);
    expect(peerState(a, 'kz-cert').reachable).toBe(true);
  });

  it('does not deliver to a suspended peer, and refuses messages from a removed one', async () => {
    runCli(['peer', 'suspend', 'kz-cert', '--data', a.dataDir]);
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'held', '--count', '3']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(peerState(a, 'kz-cert').queue_length).toBe(3);
    runCli(['peer', 'resume', 'kz-cert', '--data', a.dataDir]);
    await waitFor('released', () => peerState(a, 'kz-cert').queue_length === 0);

    runCli(['peer', 'remove', 'uz-cert', '--data', b.dataDir]);
    const ping = runCli(['peer', 'ping', 'kz-cert', '--data', a.dataDir]);
    expect(ping.stderr).toMatch(/unknown_sender/);
    // Re-adding restores the link.
    expect(runCli(['peer', 'add', a.url, '--data', b.dataDir, '--fingerprint', a.fingerprint]).status).toBe(0);
    expect(runCli(['peer', 'ping', 'kz-cert', '--data', a.dataDir]).status).toBe(0);
  });

  it('catch-up: a peer that lost messages asks for everything after its last contiguous number and gets it', async () => {
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'catch', '--count', '10']);
    await waitFor('queue empty', () => peerState(a, 'kz-cert').queue_length === 0);
    // B loses the last 10 messages (as if restored from an older backup).
    const lost = await storeB.db.selectFrom('inbox').select('id').where('from_node', '=', 'uz-cert').where('type', '=', 'federation.notice/v1').orderBy('seq', 'desc').limit(10).execute();
    await storeB.db.deleteFrom('notices').where('id', 'in', lost.map((r) => r.id)).execute();
    await storeB.db.deleteFrom('inbox').where('id', 'in', lost.map((r) => r.id)).execute();
    const before = await count(storeB, 'notices');
    const r = runCli(['peer', 'catch-up', 'uz-cert', '--data', b.dataDir]);
    expect(r.stdout).toMatch(/after release \d+/);
    await waitFor('caught up', async () => (await count(storeB, 'notices')) === before + 10);
    // Nothing was applied twice.
    const dup = await storeB.db.selectFrom('notices').select(['id']).execute();
    expect(new Set(dup.map((d) => d.id)).size).toBe(dup.length);
  });
});
