import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A program some test files run, and the Debian package that provides it. */
export interface DebianTool {
  /** Where the tests expect the program. */
  path: string;
  /** The Debian package that installs it at `path`. */
  pkg: string;
  /** The test files that need it (paths with `/` separators). */
  neededBy: RegExp;
}

/** Where the browser tests (test/e2e) expect Debian's Chromium. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const TOOLS: readonly DebianTool[] = [
  { path: DEBIAN_CHROMIUM, pkg: 'chromium', neededBy: /\/test\/e2e\// },
  // The plans' PDF report is rendered and read back with poppler (pdftoppm, pdftotext, pdffonts).
  { path: '/usr/bin/pdftoppm', pkg: 'poppler-utils', neededBy: /\/test\/plans\/plans-http\.test\.ts$/ },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure each tool that one of `testFiles` needs is present before any test starts. Installs
 * the missing Debian packages when it can (root and apt-get); otherwise returns
 * the one line to show, so the run stops at once instead of failing those tests later.
 */
export function ensureDebianTools(testFiles: readonly string[]): string | undefined {
  const files = testFiles.map((f) => f.replaceAll('\\', '/'));
  const needed = TOOLS.filter((t) => files.some((f) => t.neededBy.test(f)));
  const missing = needed.filter((t) => !existsSync(t.path));
  if (missing.length === 0) return undefined;

  if (process.getuid?.() === 0 && onPath('apt-get')) {
    const pkgs = missing.map((t) => t.pkg);
    console.log(`[test setup] missing ${missing.map((t) => t.path).join(', ')}: installing Debian's ${pkgs.join(', ')} (apt-get)…`);
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // A stale or missing package list must not stop the install; the install's own status decides.
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
    spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: aptEnv });
  }

  const still = missing.filter((t) => !existsSync(t.path));
  if (still.length === 0) return undefined;
  const pkgs = still.map((t) => t.pkg).join(' ');
  return `${still.map((t) => t.path).join(', ')} missing: run \`apt-get install -y ${pkgs}\` as root, then \`npm test\` again.`;
}
