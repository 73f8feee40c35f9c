import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/util/ids.js';
import type { StoreHandle } from '../../src/store/db.js';
import { adminToken, caseEnvelope, deliver, pinPeer, PRESERVATION } from '../cases/_cases.js';
import { openNodeStore } from '../federation/_federation.js';
import { makeIdentity } from '../federation/_inbox.js';
import { DIALECTS, newTestDbTarget, type TestDbTarget } from '../_util/db.js';
import { ACCORD_BIN, startNodeProcess, type NodeProcess } from '../_util/node-process.js';

const MiB = 1024 * 1024;

/** Peak and current resident memory of a process, in MiB (Linux). */
function memoryOf(pid: number): { peak: number; now: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)![1]) / 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

/**
 * `accord case attach` against a real node process: a 128 MiB file streamed while the node is
 * killed with -9 and started again; the CLI resumes from the node's offset, the node rebuilds
 * the hash from what it stored, and the file arrives once, whole. The node's memory stays
 * bounded (it never holds the file).
 */
describe.each(DIALECTS)('accord case attach (%s)', (dialect) => {
  let node: NodeProcess, store: StoreHandle, target: TestDbTarget, dir: string, token: string;
  const caseId = newId();
  beforeAll(async () => {
    target = newTestDbTarget(dialect);
    node = await startNodeProcess({ nodeId: 'uz-cert', initArgs: ['--no-require-admin-totp', ...(target.db ? ['--db', target.db, '--db-schema', target.dbSchema!] : [])] });
    store = await openNodeStore(node);
    const peer = makeIdentity('kz-cert');
    await pinPeer(store.db, peer);
    const r = await deliver(node, peer, [caseEnvelope(peer, 'uz-cert', { case_id: caseId, action: 'open', requested: 'uz-cert', request: PRESERVATION })]);
    expect(r.status).toBe(200);
    token = adminToken(node);
    dir = mkdtempSync(join(tmpdir(), 'accord-attach-'));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await node?.destroy();
    await target?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const FILE_MIB = 128;
  it('resumes across a kill -9 of the node and the file arrives once, whole; memory stays bounded', async () => {
    const file = join(dir, 'disk-image.bin');
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    for (let i = 0; i < FILE_MIB; i++) {
      const p = randomBytes(MiB);
      hash.update(p);
      parts.push(p);
    }
    writeFileSync(file, Buffer.concat(parts));
    parts.length = 0;
    const sha256 = hash.digest('hex');
    const uploads = join(node.dataDir, 'evidence', 'uploads');
    const stored = () => (existsSync(uploads) ? readdirSync(uploads).filter((f) => f.endsWith('.part')).reduce((n, f) => n + statSync(join(uploads, f)).size, 0) : 0);
    const baseline = memoryOf(node.child.pid!).now;

    const cli = spawn(process.execPath, [ACCORD_BIN, 'case', 'attach', caseId, file, '--url', node.url, '--token', token, '--description', 'Image of the seized server', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => cli.once('exit', r));

    // Kill the node once part of the file is stored, then start it again on the same port.
    const until = Date.now() + 60_000;
    while (stored() < 8 * MiB && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const firstPeak = memoryOf(node.child.pid!).peak;
    await node.kill9();
    const keptAcrossKill = stored();
    expect(keptAcrossKill).toBeGreaterThan(0);
    await node.restart();
    // The new process's peak so far (start-up: migrations, every capability's modules and first jobs), not its
    // resident size now: what the upload adds is measured above the start-up's own high-water mark.
    const afterRestart = memoryOf(node.child.pid!).peak;

    expect(await exited, err).toBe(0);
    const r = JSON.parse(out) as { attachment_id: string; sha256: string; size: number };
    expect(r).toMatchObject({ sha256, size: FILE_MIB * MiB });
    expect(err).toMatch(/MiB \(100%\)/);
    expect(err).toMatch(/resuming/);
    const secondPeak = memoryOf(node.child.pid!).peak;
    // Neither process held the file: each peak grows by less than half the file (a process holding the
    // rest of it would grow by 120 MiB; streaming with its buffers, jobs and heap growth stays near 50).
    expect(firstPeak - baseline).toBeLessThan(FILE_MIB / 2);
    expect(secondPeak - afterRestart).toBeLessThan(FILE_MIB / 2);

    const rows = await store.db.selectFrom('evidence_attachments').selectAll().where('case_id', '=', caseId).execute();
    expect(rows.map((a) => [a.sha256, Number(a.size), a.description])).toEqual([[sha256, FILE_MIB * MiB, 'Image of the seized server']]);
    const res = await fetch(`${node.url}/api/v1/cases/${caseId}/attachments/${r.attachment_id}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(sha256);
    expect(await store.db.selectFrom('evidence_uploads').selectAll().execute()).toEqual([]);
  }, 180_000);

  it('refuses a file for a case the node does not hold, with the node\'s reason', async () => {
    const file = join(dir, 'small.txt');
    writeFileSync(file, 'hello');
    const cli = spawn(process.execPath, [ACCORD_BIN, 'case', 'attach', newId(), file, '--url', node.url, '--token', token, '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await new Promise((r) => cli.once('exit', r))).not.toBe(0);
    expect(err).toMatch(/404.*does not exist/);
  }, 60_000);
});
