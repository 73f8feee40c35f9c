import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../node/package-root.js';

/** The built web app (dist/web), or null when it has not been built. */
export function findWebRoot(): string | null {
  const dir = join(findPackageRoot(), 'dist', 'web');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}
