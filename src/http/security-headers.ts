import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { Settings } from '../config/settings.js';

/**
 * Security headers from helmet, computed once: they never change per request, and building
 * them on every request cost about a tenth of an authenticated read.
 */
export function securityHeaders(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (k: string, v: unknown) => void (headers[k.toLowerCase()] = String(v)),
    removeHeader: (k: string) => void delete headers[k.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Plain-HTTP nodes (a lab, a demo) must keep working; behind TLS set ACCORD_COOKIE_SECURE.
        upgradeInsecureRequests: settings.cookieSecure ? [] : null,
      },
    },
    strictTransportSecurity: settings.cookieSecure,
  })({} as never, res as never, () => {});
  return headers;
}

export function registerSecurityHeaders(app: FastifyInstance, settings: Settings): void {
  const headers = securityHeaders(settings);
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
