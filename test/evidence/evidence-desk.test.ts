import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import type { DeskViewBody } from '../../src/desk/desk.schemas.js';
import { newId } from '../../src/util/ids.js';
import { DIALECTS } from '../_util/db.js';
import { buildTestApp, buildUser, createTestNode, type TestNode } from '../_util/node.js';

const ROLES: Role[] = ['admin', 'coordinator', 'officer', 'analyst', 'auditor'];
const HOUR = 3_600_000;

/**
 * The duty desk shows evidence that arrived from the other party of a case (a day long) to
 * those who work cases, and transfers that failed (a week long) to those who attach evidence.
 */
describe.each(DIALECTS)('evidence on the duty desk (%s)', (dialect) => {
  let node: TestNode;
  let app: FastifyInstance;
  const tokens = {} as Record<Role, string>;
  const caseId = newId();
  const ids = { arrived: newId(), arrivedLongAgo: newId(), failedIn: newId(), failedOut: newId(), failedLongAgo: newId(), moving: newId(), sentFine: newId() };

  const desk = async (role: Role) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/desk', headers: { authorization: `Bearer ${tokens[role]}` } });
    expect(res.statusCode).toBe(200);
    return (res.json() as DeskViewBody).items.filter((i) => i.kind.startsWith('evidence.'));
  };

  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    app = await buildTestApp(node.ctx);
    for (const role of ROLES) tokens[role] = (await buildUser(node.ctx, role)).token;
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const transfer = (id: string, direction: 'in' | 'out', state: 'offered' | 'transferring' | 'received' | 'failed', finished: string | null, error: string | null = null) => ({
      attachment_id: id, direction, case_id: caseId, peer: 'kz-cert', event_id: null, sha256: 'a'.repeat(64), size: 5_000_000, name: `${id.slice(-4)}.img`, media_type: 'application/octet-stream',
      description: '', added_by: 'user:x', chunk_bytes: 1 << 20, chunks: 5, chunk_list_sha256: 'b'.repeat(64), chunk_hashes: '', state, next_chunk: 0, attempts: 0, wrapped_key: null,
      error, offer_id: null, created_at: ago(10 * 24 * HOUR), updated_at: finished ?? ago(HOUR), finished_at: finished,
    });
    await node.ctx.store.db
      .insertInto('evidence_transfers')
      .values([
        transfer(ids.arrived, 'in', 'received', ago(2 * HOUR)),
        transfer(ids.arrivedLongAgo, 'in', 'received', ago(30 * HOUR)),
        transfer(ids.failedIn, 'in', 'failed', ago(3 * HOUR), 'chunk 2: chunk 2 hashes to 00, the offer names 11 (3 attempts)'),
        transfer(ids.failedOut, 'out', 'failed', ago(4 * HOUR), 'the peer stopped the transfer: disk full'),
        transfer(ids.failedLongAgo, 'out', 'failed', ago(8 * 24 * HOUR), 'old'),
        transfer(ids.moving, 'in', 'transferring', null),
        transfer(ids.sentFine, 'out', 'received', ago(HOUR)),
      ])
      .execute();
  });

  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  it('shows an officer the evidence that arrived in the last day and the transfers that failed in the last week, each linking to its case', async () => {
    const items = await desk('officer');
    expect(items.map((i) => [i.kind, i.id]).sort()).toEqual(
      [
        ['evidence.arrived', ids.arrived],
        ['evidence.transfer_failed', ids.failedIn],
        ['evidence.transfer_failed', ids.failedOut],
      ].sort(),
    );
    const arrived = items.find((i) => i.id === ids.arrived)!;
    expect(arrived).toMatchObject({ severity: 'info', link: `/cases/${caseId}`, params: { peer: 'kz-cert', name: `${ids.arrived.slice(-4)}.img`, size: 5_000_000 } });
    const failed = items.find((i) => i.id === ids.failedIn)!;
    expect(failed).toMatchObject({ severity: 'attention', link: `/cases/${caseId}`, params: { peer: 'kz-cert', direction: 'in', error: 'chunk 2: chunk 2 hashes to 00, the offer names 11 (3 attempts)' } });
  });

  it('shows the same to admins and coordinators, nothing to analysts and auditors, who neither work cases nor attach evidence', async () => {
    const officer = (await desk('officer')).map((i) => i.id).sort();
    expect((await desk('admin')).map((i) => i.id).sort()).toEqual(officer);
    expect((await desk('coordinator')).map((i) => i.id).sort()).toEqual(officer);
    expect(await desk('analyst')).toEqual([]);
    expect(await desk('auditor')).toEqual([]);
  });

  it('needs a signed-in user', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/desk' })).statusCode).toBe(401);
  });
});
