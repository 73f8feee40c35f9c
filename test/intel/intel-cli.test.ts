import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/store/db.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { ACCORD_BIN, runCli } from '../_util/node-process.js';
import { indicator } from './_intel.js';

const objects = (n: number, tag: string) => Array.from({ length: n }, (_, i) => indicator({ name: `${tag} ${i}`, description: 'x'.repeat(400) }));

/** `accord intel import` as a real process on the node's database: progress, summary, kill -9 in the middle. */
describe.each(DIALECTS)('accord intel import (%s)', (dialect: Dialect) => {
  let node: TestNode;
  let count: () => Promise<number>;
  beforeAll(async () => {
    node = await createTestNode(dialect, { requireAdminTotp: false });
    count = async () => Number((await node.ctx.store.db.selectFrom('intel_objects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  });
  afterAll(() => node?.close());

  it('imports a file with a progress line and names the refused objects', () => {
    const file = join(node.dataDir, 'small.json');
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--6a2f0e8c-0d57-4a43-9c53-2f0cbd1f8e11', objects: [...objects(3, 'cli'), { type: 'indicator', id: 'indicator--nope' }] }));
    const r = runCli(['intel', 'import', file, '--data', node.dataDir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 objects read, 3 stored, 0 already held, 1 refused');
    expect(r.stdout).toContain('#3 indicator--nope');
    expect(r.stderr).toMatch(/MiB \(100%\)\s+4 objects/);
    const again = runCli(['intel', 'import', file, '--data', node.dataDir, '--json', '--no-progress']);
    expect(JSON.parse(again.stdout)).toMatchObject({ stored: 0, duplicates: 3, refused: 1 });
    expect(again.stderr).toBe('');
    const bad = join(node.dataDir, 'bad.json');
    writeFileSync(bad, '[1, 2]');
    const b = runCli(['intel', 'import', bad, '--data', node.dataDir]);
    expect(b.status).not.toBe(0);
    expect(b.stderr).toContain('not a readable STIX bundle');
  });

  it('leaves whole batches after kill -9 in the middle, and a second run stores exactly the rest', async () => {
    const total = 30_000;
    const file = join(node.dataDir, 'big.json');
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--0b6f7a54-93f4-4b8e-a0e5-3a7cf0f2b1d2', objects: objects(total, 'kill') }));
    const before = await count();
    const child = spawn(process.execPath, [ACCORD_BIN, 'intel', 'import', file, '--data', node.dataDir], { env: { ...process.env, ACCORD_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Killed once the progress line shows stored objects, well before the end.
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        const m = /(\d+) objects/.exec(d.toString());
        if (m && Number(m[1]) > 0) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    await new Promise((r) => child.once('exit', r).once('close', r));
    const partial = (await count()) - before;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(total);
    expect(partial % 10_000).toBe(0); // whole transactions of 10,000 objects
    const r = runCli(['intel', 'import', file, '--data', node.dataDir, '--json', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stored: total - partial, duplicates: partial, refused: 0 });
    expect((await count()) - before).toBe(total);
  });

  it('exports a bundle by filter to a file or standard output, TLP:RED only when asked, audited', async () => {
    const red = indicator({ name: 'cli export red', object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'] });
    const plain = [indicator({ name: 'cli export one' }), indicator({ name: 'cli export two' })];
    const file = join(node.dataDir, 'to-export.json');
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--6a2f0e8c-0d57-4a43-9c53-2f0cbd1f8e12', objects: [...plain, red] }));
    expect(runCli(['intel', 'import', file, '--data', node.dataDir, '--no-progress']).status).toBe(0);
    const out = join(node.dataDir, 'exported.json');
    const r = runCli(['intel', 'export', '--data', node.dataDir, '-q', 'cli export', '--type', 'indicator', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${out}: 2 objects`);
    const b = JSON.parse(readFileSync(out, 'utf8')) as { type: string; objects: { id: string }[] };
    expect(b.type).toBe('bundle');
    expect(b.objects.map((o) => o.id).sort()).toEqual(plain.map((o) => o.id).sort());
    const withRed = runCli(['intel', 'export', '--data', node.dataDir, '-q', 'cli export', '--include-red']);
    expect(withRed.status, withRed.stderr).toBe(0);
    expect((JSON.parse(withRed.stdout) as { objects: { id: string }[] }).objects.map((o) => o.id)).toContain(red.id);
    const audited = await node.ctx.store.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'intel.export').orderBy('seq').execute();
    expect(audited.map((a) => [a.actor, (JSON.parse(a.details) as { count: number }).count])).toEqual([['cli', 2], ['cli', 3]]);
    const bad = runCli(['intel', 'export', '--data', node.dataDir, '--tlp', 'purple']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--tlp');
  });
});
