import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { registerAjvFormats, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuditRoutes } from '../audit/audit.routes.js';
import { registerAuthRoutes } from '../auth/auth.routes.js';
import { registerTokenRoutes } from '../auth/tokens.routes.js';
import { registerUserRoutes } from '../auth/users.routes.js';
import type { NodeContext } from '../context.js';
import { AppError } from '../errors.js';
import { ACCORD_VERSION } from '../node/package-root.js';
import { registerNodeRoutes } from '../node/node.routes.js';
import { registerDirectoryRoutes } from '../directory/directory.routes.js';
import { registerPingTestRoutes } from '../directory/ping-tests.routes.js';
import { createNodeRegistry } from '../node/compose.js';
import { registerGroupRoutes } from '../groups/groups.routes.js';
import { registerNotificationRoutes } from '../notifications/notifications.routes.js';
import { registerFederationRoutes } from '../federation/federation.routes.js';
import type { MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { registerAccessControl } from './access.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerMetrics } from './metrics.js';
import { sendProblem } from './problem.js';
import { registerSystemRoutes } from './system.routes.js';
import { findWebRoot } from './web-root.js';

registerAjvFormats();

export interface BuildAppOptions {
  logger?: boolean;
  /** Message types known to this node; federation's own when not given. */
  registry?: MessageTypeRegistry;
  /** Called when a route queued messages, so that delivery starts at once. */
  onQueued?: () => void;
}

/** The node's HTTP app: infrastructure plugins, then each capability's routes, then the web app. */
export async function buildApp(ctx: NodeContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: ctx.settings.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: ctx.settings.bodyLimitBytes,
    trustProxy: false,
    return503OnClosing: true,
    // Long path parameters reach the route schema, which refuses them as a 400 problem.
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: (err, req, reply) => sendProblem(req, reply, err),
  });
  // Bodies are checked as sent (no coercion, unknown fields rejected); query strings are converted.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
  const webRoot = findWebRoot();
  app.setNotFoundHandler((req, reply) => {
    // Client-side routes of the web app get its index page; everything else a 404 problem.
    const wantsPage = req.method === 'GET' && !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
    if (webRoot && wantsPage) return reply.sendFile('index.html');
    return sendProblem(req, reply, new AppError(404, 'not-found', 'Not found', `no route ${req.method} ${req.url.split('?')[0]}`));
  });

  await app.register(cookie);
  registerSecurityHeaders(app, ctx.settings);

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) => new AppError(429, 'rate-limited', 'Too many requests', `too many attempts; retry after ${Math.ceil(c.ttl / 1000)} s`),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Accord node API', version: ACCORD_VERSION, description: 'The HTTP API of one Accord node. Errors are application/problem+json (RFC 9457).' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'accord_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  registerAccessControl(app, ctx);
  const metrics = registerMetrics(app);

  registerSystemRoutes(app, ctx, metrics);
  registerNodeRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerFederationRoutes(app, ctx, opts.registry ?? createNodeRegistry(ctx), opts.onQueued ?? (() => {}));
  registerGroupRoutes(app, ctx, opts.onQueued ?? (() => {}));
  registerNotificationRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerPingTestRoutes(app, ctx);

  if (webRoot) await app.register(fastifyStatic, { root: webRoot, wildcard: true, index: ['index.html'] });
  return app;
}
