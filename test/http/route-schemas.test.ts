import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAllSchemas } from '../../src/http/lazy-compilers.js';
import { buildTestApp, createTestNode, type TestNode } from '../_util/node.js';

/**
 * Routes compile their validators and serializers on first use (src/http/lazy-compilers.ts):
 * a schema that cannot compile must still fail here, not on a user's request.
 */
describe('route schemas', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode('sqlite');
  });
  afterAll(() => node.close());

  it('all compile, validators and response serializers alike', async () => {
    const app = await buildTestApp(node.ctx);
    await app.ready();
    try {
      // Some 230 routes, each with at least one validator or serializer.
      expect(compileAllSchemas(app)).toBeGreaterThan(400);
    } finally {
      await app.close();
    }
  });

  it('a route answers through its lazily built serializer and validator', async () => {
    const app = await buildTestApp(node.ctx);
    try {
      const ok = await app.inject({ method: 'GET', url: '/healthz' });
      expect(ok.statusCode).toBe(200);
      // Validation still refuses bad input with a problem naming the field.
      const bad = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 42 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    } finally {
      await app.close();
    }
  });
});
