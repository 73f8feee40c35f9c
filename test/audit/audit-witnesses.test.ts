import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../src/audit/audit.checkpoints.js';
import { verifyAudit } from '../../src/audit/audit.verify.js';
import { witnessRequestHeaders } from '../../src/audit/audit.witnesses.js';
import { initNode } from '../../src/app/init-node.js';
import { startServer, type RunningNode } from '../../src/app/server.js';
import { resolveSettings } from '../../src/config/settings.js';
import { enqueueMessages } from '../../src/federation/outbox.service.js';
import { addPeer } from '../../src/federation/peers.service.js';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../../src/node/identity.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { buildUser } from '../_util/node.js';
import { ACCORD_BIN } from '../_util/node-process.js';
import { rewriteFrom } from './_tamper.js';

/** The CLI, run without blocking this process: the witness it asks is served from here. */
function runCliAsync(args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ACCORD_BIN, ...args], { env: { ...process.env, ACCORD_LOG_LEVEL: 'silent' }, timeout: 60_000 }, (err, stdout) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout });
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(DIALECTS)('checkpoints witnessed by a peer, over HTTP, on %s', (dialect) => {
  let a: RunningNode;
  let b: RunningNode;
  let aDir: string;
  let adminA: { token: string };
  let auditorB: { token: string };
  let witnessedSeq: number;
  const targets: TestDbTarget[] = [];

  beforeAll(async () => {
    const inits = await Promise.all(
      ['w-a', 'w-b'].map(async (nodeId) => {
        const target = newTestDbTarget(dialect);
        targets.push(target);
        const r = await initNode({ dataDir: target.dataDir, nodeId, country: 'UZ', names: { en: nodeId }, db: target.db, dbSchema: target.dbSchema, settings: { logLevel: 'silent', port: 0 } });
        await r.ctx.store.close();
        return target;
      }),
    );
    aDir = inits[0]!.dataDir;
    [a, b] = await Promise.all(inits.map((t) => startServer(resolveSettings({ dataDir: t.dataDir }))));
    // The checkpoint job runs once at start-up, before the peers exist; let it finish.
    for (const n of [a!, b!]) await until('the first checkpoint job', async () => ((await n.ctx.store.db.selectFrom('audit_checkpoints').select('seq').executeTakeFirst()) ? true : undefined));
    await addPeer(a!.ctx, { ref: 'test' }, { url: b!.url, fingerprint: b!.ctx.identity.fingerprint });
    await addPeer(b!.ctx, { ref: 'test' }, { url: a!.url, fingerprint: a!.ctx.identity.fingerprint });
    adminA = await buildUser(a!.ctx, 'admin');
    auditorB = await buildUser(b!.ctx, 'auditor');
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all(targets.map((t) => t.cleanup()));
  });

  it('a checkpoint the admin takes is sent to the peer, which keeps it as witness', async () => {
    const r = await a.app.inject({ method: 'POST', url: '/api/v1/audit/checkpoints', headers: { authorization: `Bearer ${adminA.token}` } });
    expect(r.statusCode).toBe(201);
    const { checkpoint, sent_to } = r.json<{ checkpoint: { seq: number; hash: string }; sent_to: string[] }>();
    expect(sent_to).toEqual(['w-b']);
    witnessedSeq = checkpoint.seq;
    const row = await until('the witnessed checkpoint', () => b.ctx.store.db.selectFrom('audit_witnessed').selectAll().where('node_id', '=', 'w-a').where('seq', '=', checkpoint.seq).executeTakeFirst());
    expect(row).toMatchObject({ hash: checkpoint.hash, conflict: null });
    const listed = await b.app.inject({ method: 'GET', url: '/api/v1/audit/witnessed?node=w-a', headers: { authorization: `Bearer ${auditorB.token}` } });
    expect(listed.json()).toMatchObject([{ checkpoint: { node: 'w-a', seq: checkpoint.seq, hash: checkpoint.hash }, conflict: null }]);
    expect(await verifyAudit(a.ctx, { witnesses: true })).toMatchObject({ ok: true, witnesses: [{ peer: 'w-b', answered: true, checkpoints: 1, newest_seq: checkpoint.seq, equivocations: [] }] });
  });

  it('a checkpoint whose time is not when it was sent is not kept', async () => {
    const head = await a.ctx.store.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const late = signCheckpoint(a.ctx.identity, { seq: Number(head.seq), hash: head.hash }, '9999-12-31T00:00:00.000Z');
    const marker = { seq: Number(head.seq) + 1000, hash: head.hash };
    // A good one queued after it shows when delivery got that far.
    await a.ctx.store.db.transaction().execute((trx) => enqueueMessages(a.ctx, trx, 'w-b', 'audit.checkpoint/v1', [late, signCheckpoint(a.ctx.identity, marker)]));
    await until('the marker', () => b.ctx.store.db.selectFrom('audit_witnessed').select('seq').where('node_id', '=', 'w-a').where('seq', '=', marker.seq).executeTakeFirst());
    expect(await b.ctx.store.db.selectFrom('audit_witnessed').select('seq').where('node_id', '=', 'w-a').where('seq', '=', Number(head.seq)).executeTakeFirst()).toBeUndefined();
    await b.ctx.store.db.deleteFrom('audit_witnessed').where('seq', '=', marker.seq).execute();
  });

  it('the witness answers only a peer that signed its request, and only about itself', async () => {
    const ask = (node: string, headers: Record<string, string>) => b.app.inject({ method: 'GET', url: `/federation/v1/audit-checkpoints/${node}`, headers });
    expect((await ask('w-a', {})).statusCode).toBe(401);
    expect((await ask('w-a', witnessRequestHeaders(a.ctx.identity, 'w-b', 'w-a'))).statusCode).toBe(200);
    // Another node's checkpoints are not a peer's business.
    expect((await ask('w-x', witnessRequestHeaders(a.ctx.identity, 'w-b', 'w-x'))).statusCode).toBe(403);
    // Signed for another witness, or long ago: a replay.
    expect((await ask('w-a', witnessRequestHeaders(a.ctx.identity, 'w-c', 'w-a'))).statusCode).toBe(401);
    expect((await ask('w-a', witnessRequestHeaders(a.ctx.identity, 'w-b', 'w-a', new Date(Date.now() - 3_600_000).toISOString()))).statusCode).toBe(401);
    // Someone else's key under w-a's name.
    const { privateKey } = generateKeyPairSync('ed25519');
    const pub = createPublicKey(privateKey);
    const impostor = { ...a.ctx.identity, privateKey, publicKey: pub, publicKeyRaw: rawPublicKey(pub).toString('base64url'), fingerprint: fingerprintOf(pub) } as NodeIdentity;
    const forged = await ask('w-a', witnessRequestHeaders(impostor, 'w-b', 'w-a'));
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['content-type']).toContain('application/problem+json');
    expect((await ask('w-z', witnessRequestHeaders({ ...impostor, node_id: 'w-z' }, 'w-b', 'w-z'))).statusCode).toBe(403);
  });

  it('--witnesses catches a rewrite whose local checkpoints were deleted too', async () => {
    // The intruder edits an entry the peer's checkpoint covers, recomputes the chain and removes the local checkpoints.
    await rewriteFrom(a.ctx.store.db, 3, { actor: 'someone-else' });
    await a.ctx.store.db.deleteFrom('audit_checkpoints').execute();
    expect(await verifyAudit(a.ctx)).toMatchObject({ ok: true });
    const v = await verifyAudit(a.ctx, { witnesses: true });
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 1, reason: 'rewritten', checkpoint: { seq: witnessedSeq, source: 'w-b' } });
    const out = await runCliAsync(['audit', 'verify', '--witnesses', '--data', aDir]);
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('rewritten');
    expect(out.stdout).toContain('held by w-b');
  });

  it('a second, different checkpoint for the same entry is kept as evidence of equivocation', async () => {
    // With the node key the intruder can re-sign the rewritten head, but the peer already holds the first.
    const head = await a.ctx.store.db.selectFrom('audit_log').select('hash').where('seq', '=', witnessedSeq).executeTakeFirstOrThrow();
    const second = signCheckpoint(a.ctx.identity, { seq: witnessedSeq, hash: head.hash });
    await a.ctx.store.db.transaction().execute((trx) => enqueueMessages(a.ctx, trx, 'w-b', 'audit.checkpoint/v1', [second]));
    const row = await until('the conflict', async () => {
      const r = await b.ctx.store.db.selectFrom('audit_witnessed').selectAll().where('node_id', '=', 'w-a').where('seq', '=', witnessedSeq).executeTakeFirst();
      return r?.conflict ? r : undefined;
    });
    expect(row.hash).not.toBe(head.hash);
    expect(JSON.parse(row.conflict!)).toMatchObject({ hash: head.hash });
    const entry = await b.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'audit.equivocation').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ target: 'peer:w-a' });
    const v = await verifyAudit(a.ctx, { witnesses: true });
    expect(v).toMatchObject({ ok: false, firstBroken: { reason: 'rewritten' }, witnesses: [{ peer: 'w-b', equivocations: [witnessedSeq] }] });
  });
});
