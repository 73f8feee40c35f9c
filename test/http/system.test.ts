import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, buildTestApp, buildUser, type TestNode } from '../_util/node.js';

describe('system routes', () => {
  let node: TestNode;
  let app: FastifyInstance;
  beforeAll(async () => {
    node = await createTestNode('sqlite');
    app = await buildTestApp(node.ctx);
  });
  afterAll(async () => {
    await app.close();
    await node.close();
  });

  it('answers liveness and readiness', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('says not ready when the database is gone', async () => {
    const other = await createTestNode('sqlite', {}, 'closing');
    const app2 = await buildTestApp(other.ctx);
    await other.ctx.store.close();
    const res = await app2.inject('/readyz');
    expect(res.statusCode).toBe(503);
    await app2.close();
    await other.close().catch(() => undefined);
  });

  it('serves Prometheus metrics with request counts by route', async () => {
    await app.inject('/healthz');
    const res = await app.inject('/metrics');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/accord_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.body).toContain('accord_process_resident_memory_bytes');
  });

  it('serves metrics only to the bearer of ACCORD_METRICS_TOKEN when it is set', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await createTestNode('sqlite', { metricsToken: token }, 'guarded');
    const app2 = await buildTestApp(guarded.ctx);
    const none = await app2.inject('/metrics');
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.body).not.toContain('accord_');
    expect((await app2.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-wrong-0000' } })).statusCode).toBe(401);
    const ok = await app2.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('accord_process_resident_memory_bytes');
    await app2.close();
    await guarded.close();
  });

  it('publishes an OpenAPI 3.1 document covering every API route, and a browsable page', async () => {
    const doc = (await app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of app.accessTable.filter((x) => x.url.startsWith('/api/v1') && x.method !== 'HEAD')) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
    expect((await app.inject('/api/docs/')).statusCode).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await app.inject('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it("describes the node's identity to signed-in users, without secrets", async () => {
    const u = await buildUser(node.ctx, 'auditor');
    const res = await app.inject({ url: '/api/v1/node', headers: { authorization: `Bearer ${u.token}` } });
    expect(res.json()).toMatchObject({ node_id: 'test-node', country: 'UZ', fingerprint: node.ctx.identity.fingerprint });
    expect(Buffer.from(res.json().public_key, 'base64url')).toHaveLength(32);
    expect(res.body).not.toMatch(/PRIVATE/);
  });
});
