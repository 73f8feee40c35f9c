import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointIfMoved, signCheckpoint, takeCheckpoint } from '../../src/audit/audit.checkpoints.js';
import { appendAudit } from '../../src/audit/audit.repository.js';
import { verifyAudit, verifyStoredAudit } from '../../src/audit/audit.verify.js';
import type { Dialect } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';
import { runCli } from '../_util/node-process.js';
import { deleteAndRenumber, headSeq, rewriteFrom } from './_tamper.js';

async function addEntries(node: TestNode, dialect: Dialect, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await node.ctx.store.db.transaction().execute((trx) => appendAudit(trx, dialect, { actor: 'test', action: 'test.step', target: `item:${i}`, details: { i } }));
  }
}

describe.each(DIALECTS)('audit checkpoints on %s', (dialect) => {
  let node: TestNode;
  const cli = { ref: 'test' };
  beforeEach(async () => {
    node = await createTestNode(dialect);
  });
  afterEach(() => node.close());

  /** Checkpoints after init (entry 3), after entry 7 (entry 8) and at the end (entry 14). */
  async function threeCheckpoints(): Promise<number[]> {
    const seqs = [(await takeCheckpoint(node.ctx, cli)).checkpoint.seq];
    await addEntries(node, dialect, 4);
    seqs.push((await takeCheckpoint(node.ctx, cli)).checkpoint.seq);
    await addEntries(node, dialect, 5);
    seqs.push((await takeCheckpoint(node.ctx, cli)).checkpoint.seq);
    return seqs;
  }

  it('an intact chain agrees with every checkpoint', async () => {
    expect(await threeCheckpoints()).toEqual([3, 8, 14]);
    expect(await verifyAudit(node.ctx)).toEqual({ ok: true, checked: 14, lastSeq: 14, checkpoints: { compared: 3, lastAgreeingSeq: 14 } });
  });

  it('an entry edited and every later hash recomputed: the chain looks intact, the checkpoints name where it was rewritten', async () => {
    await threeCheckpoints();
    await rewriteFrom(node.ctx.store.db, 9, { actor: 'someone-else' });
    // What `accord audit verify` saw before checkpoints: a consistent chain.
    expect(await verifyStoredAudit(node.ctx.store.db)).toMatchObject({ ok: true, checked: 14 });
    const v = await verifyAudit(node.ctx);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 9, reason: 'rewritten', checkpoint: { seq: 14, source: 'local' } });
    expect(v.checkpoints).toEqual({ compared: 3, lastAgreeingSeq: 8 });
  });

  it('an edit further inside the interval is placed between the last agreeing checkpoint and the first disagreeing one', async () => {
    await threeCheckpoints();
    await rewriteFrom(node.ctx.store.db, 5, { details: { i: 99 } });
    const v = await verifyAudit(node.ctx);
    expect(v.firstBroken).toMatchObject({ seq: 4, reason: 'rewritten', checkpoint: { seq: 8 } });
    expect(v.firstBroken!.detail).toContain('entries 4..8 were rewritten');
  });

  it('a deleted entry with the later ones renumbered and rehashed is caught', async () => {
    await threeCheckpoints();
    await deleteAndRenumber(node.ctx.store.db, 5);
    expect(await verifyStoredAudit(node.ctx.store.db)).toMatchObject({ ok: true, checked: 13 });
    const v = await verifyAudit(node.ctx);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 4, reason: 'rewritten', checkpoint: { seq: 8 } });
  });

  it('a deletion after the last agreeing checkpoint shows as a log shorter than what was signed', async () => {
    await threeCheckpoints();
    await deleteAndRenumber(node.ctx.store.db, 10);
    const v = await verifyAudit(node.ctx);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 14, reason: 'truncated', checkpoint: { seq: 14 } });
    expect(v.firstBroken!.detail).toContain('entries after 8');
  });

  it('deleting the newest entries is caught as truncation, naming the first missing one', async () => {
    await threeCheckpoints();
    await node.ctx.store.db.deleteFrom('audit_log').where('seq', '>=', 12).execute();
    expect(await verifyStoredAudit(node.ctx.store.db)).toMatchObject({ ok: true, checked: 11 });
    const v = await verifyAudit(node.ctx);
    expect(v.ok).toBe(false);
    expect(v.firstBroken).toMatchObject({ seq: 12, reason: 'truncated', checkpoint: { seq: 14 } });
  });

  it('a checkpoint planted in the table without the node key is reported', async () => {
    await threeCheckpoints();
    await rewriteFrom(node.ctx.store.db, 9, { actor: 'someone-else' });
    // The intruder replaces the checkpoints that betray the rewrite with ones it cannot sign.
    const head = await node.ctx.store.db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', 14).executeTakeFirstOrThrow();
    await node.ctx.store.db.updateTable('audit_checkpoints').set({ hash: head.hash }).where('seq', '=', 14).execute();
    const v = await verifyAudit(node.ctx);
    expect(v.ok).toBe(false);
    expect(v.badCheckpoints).toEqual([{ seq: 14, source: 'local', reason: 'its signature does not verify' }]);
  });

  it('the job checkpoints only a chain that moved since the last checkpoint', async () => {
    const first = await checkpointIfMoved(node.ctx);
    expect(first?.checkpoint.seq).toBe(2);
    expect(await checkpointIfMoved(node.ctx)).toBeNull();
    await addEntries(node, dialect, 1);
    expect((await checkpointIfMoved(node.ctx))?.checkpoint.seq).toBe(3);
    expect(await node.ctx.store.db.selectFrom('audit_checkpoints').select('seq').orderBy('seq').execute()).toEqual([{ seq: 2 }, { seq: 3 }]);
  });

  it('signs what it claims: node, seq, head hash and time, with the node key', async () => {
    const { checkpoint } = await takeCheckpoint(node.ctx, cli);
    const head = await node.ctx.store.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(checkpoint).toMatchObject({ kind: 'accord.audit_checkpoint', v: 1, node: 'test-node', seq: Number(head.seq), hash: head.hash, sig: { suite: 'ed25519', key: node.ctx.identity.fingerprint } });
    expect(signCheckpoint(node.ctx.identity, { seq: checkpoint.seq, hash: checkpoint.hash }, checkpoint.at)).toEqual(checkpoint);
  });

  it('the admin route takes a checkpoint (audited); auditors read them but may not take one', async () => {
    const app = await buildTestApp(node.ctx);
    const admin = await buildUser(node.ctx, 'admin');
    const auditor = await buildUser(node.ctx, 'auditor');
    const analyst = await buildUser(node.ctx, 'analyst');
    const as = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });
    expect((await app.inject({ method: 'POST', url: '/api/v1/audit/checkpoints', headers: as(auditor) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/audit/checkpoints' })).statusCode).toBe(401);
    const r = await app.inject({ method: 'POST', url: '/api/v1/audit/checkpoints', headers: as(admin) });
    expect(r.statusCode).toBe(201);
    const seq = r.json<{ checkpoint: { seq: number } }>().checkpoint.seq;
    expect(seq).toBe(await headSeq(node.ctx.store.db));
    const last = await node.ctx.store.db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
    expect(last).toMatchObject({ actor: `user:${admin.user.id}`, action: 'audit.checkpoint' });
    const list = await app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints', headers: as(auditor) });
    expect(list.json()).toMatchObject([{ seq }]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints', headers: as(analyst) })).statusCode).toBe(403);
    await rewriteFrom(node.ctx.store.db, 3, { actor: 'x' });
    const v = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: as(auditor) });
    expect(v.json()).toMatchObject({ ok: false, firstBroken: { seq: 1, reason: 'rewritten' } });
    await app.close();
  });

  it('`accord audit checkpoint` signs the head; `accord audit verify` then exits 1 on a rewritten chain', async () => {
    const cp = runCli(['audit', 'checkpoint', '--data', node.dataDir, '--json']);
    expect(cp.status).toBe(0);
    expect(JSON.parse(cp.stdout)).toMatchObject({ checkpoint: { seq: 3 }, sent_to: [] });
    await rewriteFrom(node.ctx.store.db, 2, { actor: 'nobody' });
    const bad = runCli(['audit', 'verify', '--data', node.dataDir]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('BROKEN at entry 1: rewritten');
  });

  it('`accord audit verify --witnesses` exits 2 when no witness could be asked', async () => {
    const r = runCli(['audit', 'verify', '--witnesses', '--data', node.dataDir]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('no witness answered');
  });
});
