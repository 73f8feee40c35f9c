import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'server', 'cli', 'main.js');

/**
 * The built server (`npm test` builds first) loads TypeBox and Kysely from dist/vendor, bundled
 * by scripts/bundle-vendor.js, and never the packages' own module files: one of them loaded
 * beside the bundle would be a second instance (TypeBox's format registry, Kysely's classes)
 * and the start-up cost the bundle removes.
 */
describe('the built server and its bundled dependencies', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('dist/server is missing: run `npm run build:server` first');
    dir = mkdtempSync(join(tmpdir(), 'accord-vendor-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every module URL a Node process resolves while it runs `script`. */
  function resolvedWhile(script: string): string[] {
    const log = join(dir, `resolved-${Math.random().toString(36).slice(2)}.txt`);
    const hook = join(dir, 'hook.mjs');
    writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify('file://' + hook)});\n`);
    const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ACCORD_LOG_LEVEL: 'warn' } });
    expect(r.status, r.stderr).toBe(0);
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  }

  it('loads the CLI, the node and the STIX validator without a file of the typebox, kysely or uuid packages, nor Fastify (only a server needs it)', () => {
    const urls = resolvedWhile(
      [
        `await import(${JSON.stringify('file://' + CLI)});`,
        `await import(${JSON.stringify('file://' + join(ROOT, 'dist/server/app/open-node.js'))});`,
        `await import(${JSON.stringify('file://' + join(ROOT, 'dist/server/intel/stix/index.js'))});`,
      ].join('\n'),
    );
    expect(urls.some((u) => u.includes('/dist/vendor/typebox.js'))).toBe(true);
    expect(urls.some((u) => u.includes('/dist/vendor/kysely.js'))).toBe(true);
    expect(urls.filter((u) => /node_modules\/(typebox|kysely|uuid|@fastify\/type-provider-typebox)\//.test(u))).toEqual([]);
    expect(urls.filter((u) => /node_modules\/fastify\//.test(u))).toEqual([]);
  });

  it('validates with the bundled TypeBox as the sources do: a STIX object with a bad timestamp is refused, a good one kept', () => {
    const stix = JSON.stringify('file://' + join(ROOT, 'dist/server/intel/stix/index.js'));
    const good = { type: 'malware', spec_version: '2.1', id: 'malware--0c7b5b88-8ff7-4a4d-aa9c-feb398cd0061', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: 'x', is_family: false };
    const bad = { ...good, modified: 'yesterday' };
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const { validateStixObject } = await import(${stix}); console.log(JSON.stringify([validateStixObject(${JSON.stringify(good)}).ok, validateStixObject(${JSON.stringify(bad)}).ok]));`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([true, false]);
  });
});
