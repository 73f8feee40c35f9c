import { beforeAll, describe, expect, it } from 'vitest';
import { NoticeType } from '../../src/federation/builtin/builtin-types.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { Receipt } from '../../src/federation/protocol/receipt.js';
import { loadIdentity, type NodeIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson, type NodeProcess } from '../_util/node-process.js';
import { count, useTwoNodes, waitFor } from './_federation.js';

describe.each(DIALECTS)('key rotation on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, storeB: StoreHandle;
  const fx = useTwoNodes(dialect);
  beforeAll(() => void ({ a, b, storeB } = fx));

  const signedWith = (id: NodeIdentity, issuedAt = new Date().toISOString()) => {
    const e = signEnvelope(id, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: NoticeType.type, issued_at: issuedAt, body: { subject: 'old key', text: '' } } as Envelope);
    return signEnvelope(id, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: [e] } } as Envelope);
  };

  it('peers switch to the new key by themselves; messages queued before still arrive; the old key is refused afterwards', async () => {
    const oldId = loadIdentity(a.dataDir);
    // Messages queued (and signed with the old key) while the peer is down...
    await b.stop();
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'before rotation', '--count', '5']);
    const r = runCliJson<{ old_fingerprint: string; new_fingerprint: string; peers_notified: string[] }>(['key', 'rotate', '--data', a.dataDir]);
    expect(r.old_fingerprint).toBe(a.fingerprint);
    expect(r.new_fingerprint).not.toBe(a.fingerprint);
    expect(r.peers_notified).toEqual(['kz-cert']);
    expect(runCliJson<{ fingerprint: string }>(['node', 'show', '--data', a.dataDir]).fingerprint).toBe(r.new_fingerprint);
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'after rotation', '--count', '5']);
    const before = await count(storeB, 'notices');
    await b.restart();
    // ...all arrive: the rotation first, then the old-key messages, then the new-key ones.
    await waitFor('10 notices', async () => (await count(storeB, 'notices')) === before + 10);
    const peerOnB = runCliJson<{ node_id: string; fingerprint: string }[]>(['peer', 'list', '--data', b.dataDir]).find((p) => p.node_id === 'uz-cert')!;
    expect(peerOnB.fingerprint).toBe(r.new_fingerprint);
    // The running sender picked up the new key: its ping is accepted.
    expect(runCli(['peer', 'ping', 'kz-cert', '--data', a.dataDir]).status).toBe(0);

    // The retired key: refused for a batch now, and for a message issued after the rotation.
    const res = await fetch(`${b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signedWith(oldId)) });
    // Refused as a whole: a problem naming the reason, no receipt.
    expect([res.status, ((await res.json()) as { reason: string }).reason]).toEqual([401, 'retired_key']);
    const newId = loadIdentity(a.dataDir);
    const inner = signEnvelope(oldId, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: NoticeType.type, issued_at: new Date().toISOString(), body: { subject: 'x', text: '' } } as Envelope);
    const outer = signEnvelope(newId, { v: 1, id: newMessageId(), from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes: [inner] } } as Envelope);
    const res2 = await fetch(`${b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(outer) });
    expect(((await res2.json()) as Receipt).items[0]!.reason).toBe('retired_key');
  });
});
