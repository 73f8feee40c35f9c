import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createUser } from '../../src/auth/users.service.js';
import { createToken } from '../../src/auth/tokens.service.js';
import type { Role } from '../../src/auth/roles.js';
import type { NodeContext } from '../../src/context.js';
import { buildApp } from '../../src/app/build-app.js';
import { initNode } from '../../src/app/init-node.js';
import type { Dialect } from '../../src/store/db.js';
import { newTestDbTarget } from './db.js';

export interface TestNode {
  ctx: NodeContext;
  adminEmail: string;
  adminPassword: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real node (key, config, database with migrations, first admin) in a temp folder. */
export async function createTestNode(dialect: Dialect, settings: Record<string, unknown> = {}, nodeId = 'test-node'): Promise<TestNode> {
  const target = newTestDbTarget(dialect);
  const r = await initNode({
    dataDir: target.dataDir,
    nodeId,
    country: 'UZ',
    names: { en: 'Test CERT', ru: 'Тестовый CERT', uz: 'Sinov CERT' },
    authorityKinds: ['cert'],
    db: target.db,
    dbSchema: target.dbSchema,
    settings: { logLevel: 'silent', ...settings },
  });
  return {
    ctx: r.ctx,
    adminEmail: r.adminEmail,
    adminPassword: r.oneTimePassword,
    dataDir: target.dataDir,
    close: async () => {
      await r.ctx.store.close();
      await target.cleanup();
    },
  };
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** A user of the given role with a known password and an API token. */
export async function buildUser(ctx: NodeContext, role: Role, email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.org`) {
  const { user } = await createUser(ctx, { ref: 'test' }, { email, display_name: `${role} user`, role, password: TEST_PASSWORD });
  const { token } = await createToken(ctx, { ref: 'test' }, user.id, { name: 'test' });
  return { user, token, email, password: TEST_PASSWORD };
}

export function buildTestApp(ctx: NodeContext): Promise<FastifyInstance> {
  return buildApp(ctx, { logger: false });
}

/** A browser-like client: keeps the session cookie and sends the CSRF header. */
export class SessionClient {
  cookie = '';
  csrf = '';
  constructor(private app: FastifyInstance) {}

  async request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}) },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const set = res.cookies.find((c) => /^(__Host-)?accord_session_/.test(c.name));
    if (set) this.cookie = set.value ? `${set.name}=${set.value}` : '';
    const json = res.headers['content-type']?.toString().includes('json') ? (res.json() as { csrf_token?: string }) : null;
    if (json?.csrf_token) this.csrf = json.csrf_token;
    return res;
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    return this.request('POST', '/api/v1/auth/sign-in', { email, password });
  }
}
