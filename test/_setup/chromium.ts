import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the browser tests (test/e2e) expect Debian's Chromium. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure Chromium is at `path` before any test starts. Installs Debian's package when it
 * can (root, apt-get, and the path is the one that package provides); otherwise returns the
 * one line to show, so the run stops at once instead of failing every browser test later.
 */
export function ensureChromium(path: string): string | undefined {
  if (existsSync(path)) return undefined;
  const canInstall = path === DEBIAN_CHROMIUM && process.getuid?.() === 0 && onPath('apt-get');
  if (canInstall) {
    console.log(`[test setup] ${path} is missing: installing Debian's chromium (apt-get)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // A stale or missing package list must not stop the install; the install's own status decides.
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (existsSync(path)) return undefined;
  }
  return path === DEBIAN_CHROMIUM
    ? `Chromium is missing at ${path}: run \`apt-get install -y chromium\` as root, then \`npm test\` again.`
    : `Chromium is missing at ${path} (ACCORD_TEST_CHROMIUM): point it at a Chromium binary or unset it to use Debian's ${DEBIAN_CHROMIUM}.`;
}
