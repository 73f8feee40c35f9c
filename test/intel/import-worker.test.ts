import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_BYTES, importBundle, type ImportOptions, type ImportSummary } from '../../src/intel/store/import.service.js';
import { DIALECTS } from '../_util/db.js';
import { createTestNode, type TestNode } from '../_util/node.js';
import { bundle, indicator } from './_intel.js';

/** The worker thread as built (`npm test` builds first): large imports read and validate there. */
const WORKER = new URL('../../dist/server/intel/store/import.worker.js', import.meta.url);
const ACTOR = { ref: 'test' };

/** A bundle's text in pieces of `size` bytes, as a stream delivers it. */
async function* pieces(text: string, size: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let i = 0, n = 0; i < bytes.length; i += size, n++) {
    if (failAfter !== undefined && n === failAfter) throw new Error('connection reset by peer');
    yield bytes.subarray(i, i + size);
  }
}

/** Runs an import and records what its callbacks saw. */
async function run(node: TestNode, source: AsyncIterable<Uint8Array>, worker: URL | null, extra: ImportOptions = {}) {
  const accepted: [string, number][] = [];
  const refused: [number, string | undefined, unknown][] = [];
  const progress: { bytes: number; objects: number }[] = [];
  let summary: ImportSummary | undefined;
  let error: unknown;
  try {
    summary = await importBundle(node.ctx, ACTOR, source, {
      worker,
      ...extra,
      onAccepted: (o, index) => accepted.push([o.id, index]),
      onRefused: (r, object) => refused.push([r.index, r.id, object]),
      onProgress: (p) => progress.push(p),
    });
  } catch (e) {
    error = e;
  }
  return { summary, error, accepted, refused, progress };
}

/** What the summary says, without the import's own id. */
const outcome = (s: ImportSummary | undefined) => (s ? { ...s, import_id: undefined } : undefined);

describe.each(DIALECTS)('intel import in a worker thread (%s)', (dialect) => {
  let node: TestNode;
  beforeAll(async () => {
    if (!existsSync(fileURLToPath(WORKER))) throw new Error('dist/server is missing: run `npm run build:server` first');
    node = await createTestNode(dialect);
  });
  afterAll(async () => {
    await node?.close();
  });

  const held = async (ids: string[]) =>
    (await node.ctx.store.db.selectFrom('intel_objects').select(['id', 'version', 'object']).where('id', 'in', ids).orderBy('id').execute()).map((r) => ({ ...r, object: JSON.parse(r.object) as unknown }));
  const importRow = (id: string) => node.ctx.store.db.selectFrom('intel_imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('stores, refuses and reports exactly as the import in one thread does, whatever the pieces', async () => {
    const make = () => {
      const good = Array.from({ length: 2500 }, (_, i) => indicator({ name: `worker ${i}`, description: 'x'.repeat(i % 300) }));
      const deep = JSON.parse('['.repeat(80) + ']'.repeat(80)) as unknown;
      const objects: unknown[] = [...good.slice(0, 1200), { type: 'indicator' }, indicator({ modified: '2020-01-01T00:00:00.000Z' }), deep, 'text', ...good.slice(1200), good[5]];
      return { good, text: bundle(objects) };
    };
    const a = make();
    const b = make();
    const one = await run(node, pieces(a.text, 7_001), null);
    const two = await run(node, pieces(b.text, 4_093), WORKER);
    expect(two.error).toBeUndefined();
    expect(outcome(two.summary)).toMatchObject({ state: 'done', objects_read: 2505, stored: 2500, duplicates: 1, refused: 4, error: null });
    // The same bundle shape gives the same answer, refusal by refusal.
    const shape = (s: ImportSummary | undefined) => ({ ...outcome(s), refusals: s?.refusals.map((r) => ({ index: r.index, codes: r.errors.map((e) => e.code), hasId: r.id !== undefined })) });
    expect(shape(two.summary)).toEqual(shape(one.summary));
    expect(two.accepted.map(([, i]) => i)).toEqual(one.accepted.map(([, i]) => i));
    expect(two.accepted.map(([id]) => id)).toEqual([...b.good, b.good[5]!].map((o) => o.id));
    expect(two.refused.map(([i, , o]) => [i, typeof o])).toEqual(one.refused.map(([i, , o]) => [i, typeof o]));
    // Progress only grows, and ends at the whole bundle.
    expect(two.progress.at(-1)).toEqual({ bytes: Buffer.byteLength(b.text), objects: 2505 });
    for (let i = 1; i < two.progress.length; i++) expect(two.progress[i]!.bytes).toBeGreaterThanOrEqual(two.progress[i - 1]!.bytes);
    // Stored byte for byte as sent.
    const rows = await held(b.good.map((o) => o.id));
    expect(rows).toHaveLength(2500);
    const byId = new Map(b.good.map((o) => [o.id, o]));
    for (const r of rows) expect(r.object).toEqual(byId.get(r.id));
    const row = await importRow(two.summary!.import_id);
    expect({ ...row, bytes_read: Number(row.bytes_read) }).toMatchObject({ state: 'done', stored: 2500, refused: 4, objects_read: 2505, bytes_read: Buffer.byteLength(b.text) });
  });

  it('keeps what came before a bundle that ends early, and names where', async () => {
    const good = Array.from({ length: 300 }, () => indicator());
    const text = bundle(good);
    const cut = text.slice(0, text.indexOf(good[250]!.id) - 40);
    const one = await run(node, pieces(cut, 999), null);
    const two = await run(node, pieces(cut.replaceAll('indicator--0000', 'indicator--1111'), 999), WORKER);
    expect(outcome(two.summary)).toEqual({ ...outcome(one.summary), error: expect.stringContaining('ends early') });
    expect(two.summary).toMatchObject({ state: 'failed', stored: 250, objects_read: 250 });
    expect(two.summary!.error).toBe(one.summary!.error);
  });

  it('stores what was read before the stream broke, says the import failed, and passes the error on', async () => {
    const good = Array.from({ length: 3000 }, (_, i) => indicator({ name: `cut ${i}` }));
    const text = bundle(good);
    // 64 KiB pieces, the third never comes: the worker is told of bytes beyond what it read.
    const two = await run(node, pieces(text, 65_536, 2), WORKER);
    expect(String(two.error)).toContain('connection reset by peer');
    const firstTwo = Buffer.from(text).subarray(0, 131_072).toString();
    const complete = good.filter((o) => firstTwo.includes(`${JSON.stringify(o)}`));
    const [row] = await node.ctx.store.db.selectFrom('intel_imports').selectAll().orderBy('started_at', 'desc').limit(1).execute();
    expect({ ...row, bytes_read: Number(row!.bytes_read) }).toMatchObject({ state: 'failed', bytes_read: 131_072, objects_read: complete.length });
    expect(row!.error).toContain('connection reset by peer');
    expect(row!.finished_at).not.toBeNull();
    expect(row!.stored).toBe(complete.length);
    const audited = await node.ctx.store.db.selectFrom('audit_log').select(['action', 'details']).where('target', '=', `intel_import:${row!.id}`).execute();
    expect(audited.map((a) => a.action)).toEqual(['intel.import']);
    expect(JSON.parse(String(audited[0]!.details))).toMatchObject({ state: 'failed', stored: complete.length });
    expect((await held(complete.map((o) => o.id))).length).toBe(complete.length);
  });

  // SQLite only: the import changes settings of the node's one connection there.
  it.runIf(dialect === 'sqlite')('leaves the connection as it found it when imports overlap', async () => {
    const raw = node.ctx.store.sqlite!;
    const setting = () => ({ cache: raw.pragma('cache_size', { simple: true }), ckpt: raw.pragma('wal_autocheckpoint', { simple: true }) });
    const before = setting();
    // The second import begins while the first runs, and the first ends before the second.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<Uint8Array> {
      const text = bundle([indicator(), indicator()]);
      yield Buffer.from(text.slice(0, 40));
      await held;
      yield Buffer.from(text.slice(40));
    }
    const first = run(node, slow(), null);
    await new Promise((r) => setTimeout(r, 20));
    const second = run(node, slow(), null);
    await new Promise((r) => setTimeout(r, 20));
    expect(setting()).not.toEqual(before);
    release();
    expect((await first).summary).toMatchObject({ state: 'done', stored: 2 });
    expect((await second).summary).toMatchObject({ state: 'done', stored: 2 });
    expect(setting()).toEqual(before);
  });

  it('stores a batch of large objects once it reaches its size in bytes, not only in objects', async () => {
    // Twelve objects of 6 MiB: one batch by count, but held whole it would be 72 MiB in memory.
    const big = Array.from({ length: 12 }, (_, i) => indicator({ name: `large ${i}`, description: `${i} `.padEnd(6 * 1024 * 1024, 'x') }));
    const r = await run(node, pieces(bundle(big), 1024 * 1024), WORKER);
    expect(outcome(r.summary)).toMatchObject({ state: 'done', stored: 12, refused: 0 });
    // One stored batch per progress report: the first reached the budget before the twelfth object.
    expect(r.progress.length).toBe(2);
    expect(r.progress[0]!.objects).toBeLessThan(12);
    expect(r.progress[0]!.objects * 6 * 1024 * 1024).toBeGreaterThanOrEqual(BATCH_BYTES);
    expect((await held(big.map((o) => o.id))).length).toBe(12);
  });

  it('fails cleanly when the worker thread cannot run: the error is passed on and the import says failed', async () => {
    const missing = new URL('./no-such-worker.js', WORKER);
    const r = await run(node, pieces(bundle([indicator()]), 100), missing);
    expect(r.error).toBeInstanceOf(Error);
    const [row] = await node.ctx.store.db.selectFrom('intel_imports').selectAll().orderBy('started_at', 'desc').limit(1).execute();
    expect(row).toMatchObject({ state: 'failed', stored: 0 });
    expect(row!.error).toMatch(/the import stopped/);
  });
});
