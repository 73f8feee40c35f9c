import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { findPackageRoot } from '../node/package-root.js';

/** The built web app (dist/web), or null when it has not been built. */
export function findWebRoot(): string | null {
  const dir = join(findPackageRoot(), 'dist', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** Hashed build files never change under their name: cached for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html, the favicon) is checked with the node on every use. */
export const REVALIDATE = 'no-cache';

/** How long a browser may keep a file of the built app: `assets/` holds only content-hashed names. */
export function cacheControlFor(root: string, path: string): string {
  return path.startsWith(join(root, 'assets') + sep) ? IMMUTABLE : REVALIDATE;
}

/**
 * Serves the built web app. Text files are sent as the `.br` or `.gz` copy written at build
 * time (web/scripts/precompress.ts) when the browser accepts it, so nothing is compressed
 * per request; a build without those copies is served as is.
 */
export async function registerWebRoot(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    wildcard: true,
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => reply.header('cache-control', cacheControlFor(root, path)),
  });
}
