import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, type NodeProcess } from '../_util/node-process.js';
import { count, useTwoNodes, waitFor } from './_federation.js';

const N = 10_000;

/** Every message arrived exactly once: as many notices as sent, all distinct, and the outbox drained. */
async function expectExactlyOnce(storeA: StoreHandle, storeB: StoreHandle, total: number): Promise<void> {
  await waitFor(`${total} notices on the receiver`, async () => (await count(storeB, 'notices')) >= total, 120_000);
  await waitFor('the outbox drained', async () => (await count(storeA, 'outbox', { state: 'pending' })) === 0, 60_000);
  const ids = await storeB.db.selectFrom('notices').select('id').execute();
  expect(ids.length).toBe(total);
  expect(new Set(ids.map((r) => r.id)).size).toBe(total);
  const sent = await storeA.db.selectFrom('outbox').select('id').where('type', '=', 'federation.notice/v1').execute();
  expect(new Set(sent.map((r) => r.id))).toEqual(new Set(ids.map((r) => r.id)));
  expect(await count(storeA, 'outbox', { state: 'rejected' })).toBe(0);
}

describe.each(DIALECTS)('kill -9 in the middle of a stream of %i messages on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, storeA: StoreHandle, storeB: StoreHandle;
  // Small batches make the stream long enough to be cut in the middle.
  const fx = useTwoNodes(dialect, { ACCORD_DELIVERY_BATCH_SIZE: '50' });
  beforeAll(() => void ({ a, b, storeA, storeB } = fx));

  it('loses nothing and applies nothing twice when the sender is killed', async () => {
    expect(runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'stream-1', '--count', String(N)]).status).toBe(0);
    const seen = await waitFor('the stream to be under way', async () => {
      const n = await count(storeB, 'notices');
      return n >= 500 ? n : false;
    });
    await a.kill9();
    expect(seen).toBeLessThan(N);
    await a.restart();
    await expectExactlyOnce(storeA, storeB, N);
  }, 180_000);

  it('loses nothing and applies nothing twice when the receiver is killed', async () => {
    expect(runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'stream-2', '--count', String(N)]).status).toBe(0);
    const seen = await waitFor('the stream to be under way', async () => {
      const n = await count(storeB, 'notices');
      return n >= N + 500 ? n : false;
    });
    await b.kill9();
    expect(seen).toBeLessThan(2 * N);
    // The sender keeps trying while the receiver is down, then catches up.
    await new Promise((r) => setTimeout(r, 1000));
    await b.restart();
    await expectExactlyOnce(storeA, storeB, 2 * N);
  }, 180_000);
});
