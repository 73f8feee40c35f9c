import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DOC = join(ROOT, 'docs', 'openapi.json');
const TYPES = join(ROOT, 'web', 'src', 'api', 'schema.ts');

/**
 * web/src/api/schema.ts is generated from docs/openapi.json (`npm run gen:api`); the web app's
 * API types (web/src/api/types.ts) are taken from it, so it must be exactly what the document
 * generates today.
 */
describe('the web app\'s generated API types', () => {
  it('match docs/openapi.json (run `npm run gen:api` when they do not)', async () => {
    const generated = `${COMMENT_HEADER}${astToString(await openapiTS(pathToFileURL(DOC), { silent: true }))}`;
    const committed = readFileSync(TYPES, 'utf8');
    // A plain boolean first: a 200 KB diff would bury the message.
    expect(committed === generated, 'web/src/api/schema.ts is out of date with docs/openapi.json: run `npm run gen:api`').toBe(true);
  }, 60_000);
});
