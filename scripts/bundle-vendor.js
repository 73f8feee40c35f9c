// Runs after `tsc -p tsconfig.build.json` (npm run build:server). It bundles the server's two
// largest dependencies (and uuid, 20 files more) into a few files under dist/vendor, and points
// dist/server's imports of them there. TypeBox ships about 680 ES modules and Kysely about 260. Node loads ES modules one
// file at a time, so those files took most of the second that every `accord` command, server
// start and worker thread spent before doing any work. Bundled, they load in well under a tenth
// of that. The sources and the tests (vitest, from src/) import the packages as usual.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'dist', 'server');
const VENDOR = join(ROOT, 'dist', 'vendor');

/**
 * Each specifier dist/server imports → its file in dist/vendor. The TypeBox type provider goes
 * into the same bundle as TypeBox itself: it registers formats in TypeBox's registry, which
 * must be the one instance that the server's validators read.
 */
const ENTRIES = {
  typebox: 'typebox',
  'typebox/compile': 'typebox-compile',
  'typebox/value': 'typebox-value',
  '@fastify/type-provider-typebox': 'type-provider-typebox',
  kysely: 'kysely',
  uuid: 'uuid',
};
const PACKAGES = ['typebox', 'kysely', 'uuid', '@fastify/type-provider-typebox'].map((p) => p.replace(/[/.]/g, (c) => `\\${c}`)).join('|');
const BUNDLED = new RegExp(`^(${PACKAGES})(/|$)`);
/** An import of one of those packages, by any path: none may be left after the rewrite. */
const ANY_IMPORT = new RegExp(`(?:\\bfrom\\s*|\\bimport\\s*\\(\\s*)['"]((?:${PACKAGES})(?:/[^'"]*)?)['"]`, 'g');

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

/** `from 'x'`, `from "x"` and `import('x')` of a bundled specifier, and nothing else. */
function importPattern(spec) {
  const s = spec.replace(/[/.]/g, (c) => `\\${c}`);
  return new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)(['"])${s}\\2`, 'g');
}

async function main() {
  rmSync(VENDOR, { recursive: true, force: true });
  await build({
    cwd: ROOT,
    input: Object.fromEntries(Object.entries(ENTRIES).map(([spec, name]) => [name, spec])),
    // Only these packages go in; everything they import besides (ajv-formats, Node's own) stays a package import.
    external: (id) => !BUNDLED.test(id) && !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    platform: 'node',
    logLevel: 'warn',
    output: { dir: VENDOR, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'shared-[hash].js', sourcemap: false },
  });

  let rewritten = 0;
  const left = [];
  for (const file of jsFiles(SERVER)) {
    const text = readFileSync(file, 'utf8');
    let out = text;
    for (const [spec, name] of Object.entries(ENTRIES)) {
      let rel = relative(dirname(file), join(VENDOR, `${name}.js`)).split(sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      out = out.replace(importPattern(spec), (_m, head, quote) => `${head}${quote}${rel}${quote}`);
    }
    if (out !== text) {
      writeFileSync(file, out);
      rewritten++;
    }
    // A subpath or a form this script does not know would load the package's own copy: a
    // second TypeBox or Kysely beside the bundled one. Refuse the build instead.
    for (const m of out.matchAll(ANY_IMPORT)) left.push(`${relative(ROOT, file)}: ${m[1]}`);
  }
  if (left.length > 0) {
    process.stderr.write(`bundle-vendor: imports not bundled (add them to ENTRIES):\n  ${left.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`bundle-vendor: ${Object.keys(ENTRIES).join(', ')} bundled into dist/vendor; imports rewritten in ${rewritten} files\n`);
}

await main();
