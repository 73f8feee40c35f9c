import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { lazyCompilers, rememberCompilers } from '../http/lazy-compilers.js';
import Fastify, { type FastifyInstance } from 'fastify';
import type { NodeContext } from '../context.js';
import { AppError } from '../errors.js';
import { ACCORD_VERSION } from '../node/package-root.js';
import type { MessageTypeRegistry } from '../federation/protocol/message-types.js';
import { registerAccessControl } from '../auth/access.js';
import { registerSecurityHeaders } from '../http/security-headers.js';
import { registerMetrics } from '../http/metrics.js';
import { sendProblem } from '../http/problem.js';
import { ProblemSchema } from '../http/schemas.js';
import { refuseIllFormedText } from '../http/well-formed-text.js';
import { registerSystemRoutes } from '../http/system.routes.js';
import { findWebRoot, registerWebRoot } from '../http/web-root.js';
import type { Assembly } from './assembly.js';
import { standardAssembly } from './standard.js';

registerAjvFormats();

export interface BuildAppOptions {
  logger?: boolean;
  /** The capabilities to serve; the standard list when not given. */
  assembly?: Assembly;
  /** Message types known to this node; federation's own when not given. */
  registry?: MessageTypeRegistry;
  /** Called when a route queued messages, so that delivery starts at once. */
  onQueued?: () => void;
}

// A secret in a link (the ping-test token) must not reach the logs with the request URL.
const logUrl = (url: string) => url.replace(/([?&](?:token|secret|code|password)=)[^&#]*/gi, '$1[redacted]');

/** The node's HTTP app: infrastructure plugins, then the routes of each capability in the list, then the web app. */
export async function buildApp(ctx: NodeContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const compilers = lazyCompilers();
  const app = Fastify({
    logger:
      opts.logger === false ? false : (
        {
          level: ctx.settings.logLevel,
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          serializers: { req: (req) => ({ method: req.method, url: logUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }) },
        }
      ),
    bodyLimit: ctx.settings.bodyLimitBytes,
    trustProxy: false,
    return503OnClosing: true,
    // Long path parameters reach the route schema, which refuses them as a 400 problem.
    routerOptions: { maxParamLength: 1000 },
    frameworkErrors: (err, req, reply) => sendProblem(req, reply, err),
    schemaController: { compilersFactory: { buildSerializer: compilers.serializerFactory } },
  });
  // Bodies are checked as sent (no coercion, unknown fields rejected); query strings are converted.
  app.setValidatorCompiler(compilers.validatorCompiler);
  rememberCompilers(app, compilers);
  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
  // Text that is not well-formed (a lone surrogate, a NUL) is refused before any schema or service sees it.
  app.addHook('preValidation', refuseIllFormedText);
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
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Accord node API', version: ACCORD_VERSION, description: 'The HTTP API of one Accord node. Errors are application/problem+json (RFC 9457).' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'accord_session_<node id>', description: 'Set by sign-in; named after the node (`__Host-accord_session_<node id>` over HTTPS)' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  // Shared schemas appear once, under their $id, in the OpenAPI document's components.
  app.addSchema(ProblemSchema);
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  registerAccessControl(app, ctx);
  const metrics = registerMetrics(app, ctx);

  // Routes are typed by their schemas (TypeBox type provider): no casts of body, query or params.
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  registerSystemRoutes(typed, ctx, metrics);
  const assembly = opts.assembly ?? standardAssembly();
  const deps = { registry: opts.registry ?? assembly.createRegistry(), onQueued: opts.onQueued ?? (() => {}) };
  for (const c of assembly.capabilities) c.routes?.(typed, ctx, deps);

  if (webRoot) await registerWebRoot(app, webRoot);
  return app;
}
