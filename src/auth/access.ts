import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionStage } from './auth.tables.js';
import { roleMay, type Permission } from './roles.js';
import { sessionCookieName } from './session-cookie.js';
import { findSession, type Session } from './sessions.service.js';
import { authenticateToken } from './tokens.service.js';
import type { User } from './users.repository.js';
import type { Actor, NodeContext } from '../context.js';
import { CsrfError, ForbiddenError, StepRequiredError, UnauthenticatedError } from '../errors.js';

/**
 * Every route declares who may call it in `config.access`; a route without one does not
 * start (fail closed). `public` needs nobody; `stages` lets a half-signed-in session reach
 * the sign-in steps; otherwise a full session or an API token whose role has `permission`.
 */
export type Access = { public: true } | { permission: Permission; stages?: SessionStage[] };

export interface Principal {
  user: User;
  via: 'session' | 'token';
  session?: Session;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the authorization tests and the docs. */
    accessTable: { method: string; url: string; access: Access | undefined }[];
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function actorOf(req: FastifyRequest): Actor {
  return { ref: req.principal ? `user:${req.principal.user.id}` : 'anonymous', ip: req.ip };
}

/** The signed-in principal; only call from routes whose access is not public. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new UnauthenticatedError();
  return req.principal;
}

/**
 * HTTP Basic with an API token as the password (the user name is not checked): what TAXII
 * clients send. A password never signs in this way; it would skip the second factor.
 */
async function basicToken(ctx: NodeContext, auth: string): Promise<User | null> {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(auth);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : authenticateToken(ctx, decoded.slice(colon + 1));
}

async function resolvePrincipal(ctx: NodeContext, req: FastifyRequest): Promise<Principal | null> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const user = m ? await authenticateToken(ctx, m[1]!) : await basicToken(ctx, auth);
    if (!user) throw new UnauthenticatedError('the API token is unknown, revoked or expired');
    return { user, via: 'token' };
  }
  const cookie = req.cookies[sessionCookieName(ctx.identity.node_id, ctx.settings.cookieSecure)];
  if (!cookie) return null;
  const session = await findSession(ctx, cookie);
  return session ? { user: session.user, via: 'session', session } : null;
}

export function registerAccessControl(app: FastifyInstance, ctx: NodeContext): void {
  app.decorateRequest('principal', null);
  app.decorate('accessTable', []);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) app.accessTable.push({ method, url: route.url, access: route.config?.access });
    // Exempt: the built web app's static files and the OpenAPI browser, both public by nature.
    const access = route.config?.access;
    if (!access && !route.url.startsWith('/api/docs') && route.url !== '/*') {
      throw new Error(`route ${route.method} ${route.url} declares no access rule`);
    }
    // A permission no capability declared would lock everyone out, or hide a typo: fail at start.
    if (access && 'permission' in access && !ctx.catalog.permissions.has(access.permission)) {
      throw new Error(`route ${route.method} ${route.url} names the unknown permission ${access.permission}`);
    }
  });
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || 'public' in access) {
      if (access) req.principal = await resolvePrincipal(ctx, req).catch(() => null);
      return;
    }
    const p = await resolvePrincipal(ctx, req);
    if (!p) throw new UnauthenticatedError();
    req.principal = p;
    if (p.session) {
      const stage = p.session.stage;
      if (stage !== 'full' && !(access.stages ?? []).includes(stage)) throw new StepRequiredError(stage);
      if (!SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== p.session.csrfToken) throw new CsrfError();
    }
    if (!roleMay(ctx.catalog.permissions, p.user.role, access.permission)) throw new ForbiddenError();
  });
}
