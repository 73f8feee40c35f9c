import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/canonical.js';
import { signReceipt, type ReceiptItem } from '../../src/federation/protocol/receipt.js';
import { loadIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { runCli, type NodeProcess } from '../_util/node-process.js';
import { count, peerState, useTwoNodes } from './_federation.js';

describe.each(DIALECTS)('air-gapped transfer on files on %s', (dialect) => {
  let a: NodeProcess, b: NodeProcess, storeA: StoreHandle, storeB: StoreHandle;
  const fx = useTwoNodes(dialect);
  const dir = mkdtempSync(join(tmpdir(), 'accord-transfer-'));
  const file = join(dir, 'to-kz.json');
  const receipt = join(dir, 'receipt.json');

  beforeAll(async () => {
    ({ a, b, storeA, storeB } = fx);
    // From now on the link is cut: both nodes stopped, only files cross.
    await a.stop();
    await b.stop();
  });

  it('carries messages out, and the signed receipt back', async () => {
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'by courier', '--count', '25']);
    expect(runCli(['transfer', 'export', 'kz-cert', '--data', a.dataDir, '--out', file]).stdout).toMatch(/wrote 25 message\(s\)/);
    const imported = runCli(['transfer', 'import', file, '--data', b.dataDir, '--receipt-out', receipt]);
    expect(imported.stdout).toMatch(/accepted 25, duplicate 0, rejected 0/);
    expect(await count(storeB, 'notices')).toBe(25);
    expect(runCli(['transfer', 'receipt', receipt, '--data', a.dataDir]).stdout).toMatch(/25 message\(s\) delivered, 0 rejected/);
    expect(peerState(a, 'kz-cert').queue_length).toBe(0);
    expect(await count(storeA, 'outbox', { state: 'delivered' })).toBe(25);
  });

  it('importing the same file again applies nothing twice', async () => {
    const again = runCli(['transfer', 'import', file, '--data', b.dataDir, '--receipt-out', receipt]);
    expect(again.stdout).toMatch(/accepted 0, duplicate 25, rejected 0/);
    expect(await count(storeB, 'notices')).toBe(25);
  });

  it('refuses a tampered file and a forged receipt, leaving no trace', async () => {
    const t = JSON.parse(readFileSync(file, 'utf8'));
    t.batch.body.envelopes[0].body.subject = 'changed on the way';
    t.batch.body.envelopes[0].id = '01900000-0000-7000-8000-000000000001';
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(t));
    const r = runCli(['transfer', 'import', join(dir, 'tampered.json'), '--data', b.dataDir, '--receipt-out', join(dir, 'r2.json')]);
    // The batch signature no longer verifies: refused as a whole, with no receipt to carry back.
    expect(r.stderr).toMatch(/batch signature does not verify/);
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, 'r2.json'))).toBe(false);
    expect(await count(storeB, 'notices')).toBe(25);

    const forged = JSON.parse(readFileSync(receipt, 'utf8'));
    forged.receipt.items[0].status = 'rejected';
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    expect(runCli(['transfer', 'receipt', join(dir, 'forged.json'), '--data', a.dataDir]).stderr).toMatch(/not signed by the peer/);
    expect(runCli(['transfer', 'import', join(dir, 'forged.json'), '--data', b.dataDir, '--receipt-out', join(dir, 'x.json')]).stderr).toMatch(/not an accord-transfer\/v1 file/);
  });

  describe('a courier cannot poison the outbox (finding 4 of issue 10)', () => {
    const pending = async () => (await storeA.db.selectFrom('outbox').select(['id', 'envelope', 'state']).where('state', '=', 'pending').orderBy('seq').execute());
    const carry = (name: string, receipt: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify({ format: 'accord-receipt/v1', receipt }));
      return runCli(['transfer', 'receipt', join(dir, name), '--data', a.dataDir]);
    };
    let batchId = '';
    let queued: { id: string; envelope: string }[] = [];

    beforeAll(() => {
      runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'second trip', '--count', '3']);
      expect(runCli(['transfer', 'export', 'kz-cert', '--data', a.dataDir, '--out', join(dir, 'trip2.json')]).stdout).toMatch(/wrote 3 message\(s\)/);
      batchId = JSON.parse(readFileSync(join(dir, 'trip2.json'), 'utf8')).batch.id;
    });

    it('a file altered by one byte earns no receipt, and the originals stay pending', async () => {
      queued = await pending();
      expect(queued).toHaveLength(3);
      const text = readFileSync(join(dir, 'trip2.json'), 'utf8');
      writeFileSync(join(dir, 'trip2-altered.json'), text.replace('second trip #2', 'second trip #9'));
      const r = runCli(['transfer', 'import', join(dir, 'trip2-altered.json'), '--data', b.dataDir, '--receipt-out', join(dir, 'trip2-r.json')]);
      expect(r.status).toBe(1);
      expect(existsSync(join(dir, 'trip2-r.json'))).toBe(false);
      expect((await pending()).map((m) => m.id)).toEqual(queued.map((m) => m.id));
    });

    it('receipts signed by the peer settle nothing they were not given', async () => {
      const idB = loadIdentity(b.dataDir);
      const item = (m: { id: string; envelope: string }, over: Partial<ReceiptItem> = {}): ReceiptItem => ({ message_id: m.id, digest: sha256Hex(m.envelope), status: 'rejected', reason: 'bad_signature', detail: 'x', ...over });
      const receipt = (id: string, items: ReceiptItem[]) => signReceipt(idB, { batch_id: id, received_at: new Date().toISOString(), items });
      // A batch this node never wrote.
      expect(carry('other-batch.json', receipt('0190aaaa-0000-7000-8000-00000000ffff', queued.map((m) => item(m)))).stderr).toMatch(/did not write/);
      // This node's batch, but naming envelopes other than the ones it holds.
      expect(carry('wrong-digest.json', receipt(batchId, queued.map((m) => item(m, { digest: sha256Hex('something else') })))).stdout).toMatch(/0 message\(s\) delivered, 0 rejected/);
      // A refusal of the whole batch written out per message (as nodes of an earlier version did): retryable.
      expect(carry('batch-level.json', receipt(batchId, queued.map((m) => item(m, { reason: 'unknown_sender' })))).stdout).toMatch(/0 message\(s\) delivered, 0 rejected/);
      expect((await pending()).map((m) => m.id)).toEqual(queued.map((m) => m.id));
    });

    it('the untouched file then delivers them all', async () => {
      expect(runCli(['transfer', 'import', join(dir, 'trip2.json'), '--data', b.dataDir, '--receipt-out', join(dir, 'trip2-ok.json')]).stdout).toMatch(/accepted 3, duplicate 0, rejected 0/);
      expect(runCli(['transfer', 'receipt', join(dir, 'trip2-ok.json'), '--data', a.dataDir]).stdout).toMatch(/3 message\(s\) delivered, 0 rejected/);
      expect(await pending()).toEqual([]);
    });
  });
});
