import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlFor, findWebRoot } from '../../src/http/web-root.js';
import { buildTestApp, createTestNode, type TestNode } from '../_util/node.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain HTTP GET that shows the bytes as sent (no automatic decompression). */
function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('cache rule for the built web app', () => {
  it('caches hashed assets for a year and revalidates everything else', () => {
    expect(cacheControlFor('/w', '/w/assets/index-abc.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('/w', '/w/assets/index-abc.js.br')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('/w', '/w/index.html')).toBe('no-cache');
    expect(cacheControlFor('/w', '/w/favicon.ico')).toBe('no-cache');
    expect(cacheControlFor('/w', '/w/assets-old/x.js')).toBe('no-cache');
  });
});

// Needs `npm run build:web` (the app and its .br/.gz copies).
describe.runIf(findWebRoot() !== null)('the built web app over HTTP', () => {
  let node: TestNode;
  let app: FastifyInstance;
  let base: string;
  const root = findWebRoot()!;
  const script = readdirSync(join(root ?? '', 'assets')).find((f) => /^index-.*\.js$/.test(f))!;

  beforeAll(async () => {
    node = await createTestNode('sqlite');
    app = await buildTestApp(node.ctx);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('sends the script brotli- or gzip-compressed as accepted, cached as immutable', async () => {
    const raw = readFileSync(join(root, 'assets', script));
    const br = await get(`${base}/assets/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).equals(raw)).toBe(true);
    expect(br.body.length).toBeLessThan(raw.length / 3);

    const gz = await get(`${base}/assets/${script}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(raw)).toBe(true);

    const plain = await get(`${base}/assets/${script}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(raw)).toBe(true);
    console.log(`web app script: ${raw.length} bytes raw, ${gz.body.length} gzip, ${br.body.length} brotli`);
  });

  it('keeps index.html no-cache, at / and for client-side routes', async () => {
    for (const path of ['/', '/index.html', '/directory']) {
      const r = await get(`${base}${path}`, { accept: 'text/html', 'accept-encoding': 'br' });
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(/text\/html/);
      expect(r.headers['cache-control'], path).toBe('no-cache');
      const html = r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.body;
      expect(html.toString('utf8'), path).toContain('<link rel="icon" href="/favicon.svg"');
    }
  });

  it('answers /favicon.ico and /favicon.svg', async () => {
    const ico = await get(`${base}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toMatch(/icon/);
    expect(ico.body.subarray(0, 4).equals(Buffer.from([0, 0, 1, 0]))).toBe(true);
    const svg = await get(`${base}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/image\/svg\+xml/);
  });

  it('still answers API paths that do not exist with a 404 problem', async () => {
    const r = await get(`${base}/api/v1/nothing`, { accept: 'text/html' });
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
