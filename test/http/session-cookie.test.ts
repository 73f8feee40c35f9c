import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, buildUser, createTestNode, TEST_PASSWORD, type TestNode } from '../_util/node.js';

/** Two nodes on one host, over real HTTP: a browser sends each of them every cookie of 127.0.0.1. */
describe('session cookie per node', () => {
  const nodes: { node: TestNode; app: FastifyInstance; url: string; email: string }[] = [];

  beforeAll(async () => {
    for (const [id, settings] of [
      ['uz-cert', {}],
      ['kz-cert', {}],
      ['tls-node', { cookieSecure: true }],
    ] as const) {
      const node = await createTestNode('sqlite', { loginRatePerMinute: 1000, ...settings }, id);
      const app = await buildTestApp(node.ctx);
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const { email } = await buildUser(node.ctx, 'analyst');
      nodes.push({ node, app, url, email });
    }
  });
  afterAll(async () => {
    for (const n of nodes) {
      await n.app.close();
      await n.node.close();
    }
  });

  async function signIn(i: number): Promise<{ setCookie: string; pair: string }> {
    const n = nodes[i]!;
    const res = await fetch(`${n.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: n.email, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    return { setCookie, pair: setCookie.split(';')[0]! };
  }
  const session = (i: number, cookie: string) => fetch(`${nodes[i]!.url}/api/v1/auth/session`, { headers: { cookie } });

  it('names the cookie after the node, so signing in to one node keeps the other signed in', async () => {
    const a = await signIn(0);
    const b = await signIn(1);
    expect(a.setCookie).toMatch(/^accord_session_uz-cert=[^;]+; .*Path=\//);
    expect(a.setCookie).toMatch(/HttpOnly/);
    expect(a.setCookie).toMatch(/SameSite=Strict/);
    expect(a.setCookie).not.toMatch(/Secure/);
    expect(b.pair).toMatch(/^accord_session_kz-cert=/);

    // The browser's jar for 127.0.0.1 holds both and sends both to each node.
    const jar = `${a.pair}; ${b.pair}`;
    expect((await (await session(0, jar)).json()).user.email).toBe(nodes[0]!.email);
    expect((await (await session(1, jar)).json()).user.email).toBe(nodes[1]!.email);

    // Signing out of one ends only that one.
    const csrf = (await (await session(1, jar)).json()).csrf_token as string;
    const out = await fetch(`${nodes[1]!.url}/api/v1/auth/sign-out`, { method: 'POST', headers: { cookie: jar, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^accord_session_kz-cert=;/);
    expect((await session(1, jar)).status).toBe(401);
    expect((await session(0, jar)).status).toBe(200);
  });

  it('does not take another node\'s cookie as its own', async () => {
    const a = await signIn(0);
    const value = a.pair.split('=')[1]!;
    expect((await session(1, `accord_session_kz-cert=${value}`)).status).toBe(401);
    expect((await session(0, `accord_session=${value}`)).status).toBe(401);
  });

  it('uses the __Host- prefix and its rules when cookies are secure (behind TLS)', async () => {
    const t = await signIn(2);
    expect(t.setCookie).toMatch(/^__Host-accord_session_tls-node=[^;]+;/);
    expect(t.setCookie).toMatch(/Path=\//);
    expect(t.setCookie).toMatch(/Secure/);
    expect(t.setCookie).not.toMatch(/Domain=/i);
    expect((await session(2, t.pair)).status).toBe(200);
  });
});
