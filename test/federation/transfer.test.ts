import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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
    expect(r.stdout).toMatch(/accepted 0, duplicate 0, rejected 25/); // the batch signature no longer verifies
    expect(r.status).toBe(1);
    expect(await count(storeB, 'notices')).toBe(25);

    const forged = JSON.parse(readFileSync(receipt, 'utf8'));
    forged.receipt.items[0].status = 'rejected';
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    expect(runCli(['transfer', 'receipt', join(dir, 'forged.json'), '--data', a.dataDir]).stderr).toMatch(/not signed by the peer/);
    expect(runCli(['transfer', 'import', join(dir, 'forged.json'), '--data', b.dataDir, '--receipt-out', join(dir, 'x.json')]).stderr).toMatch(/not an accord-transfer\/v1 file/);
  });
});
