import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { limitsSource } from '../web/scripts/limits-source.js';
import { LIMITS } from '../web/src/api/limits.js';

const ROOT = join(import.meta.dirname, '..');
const FILE = join(ROOT, 'web', 'src', 'api', 'limits.ts');

/**
 * web/src/api/limits.ts is generated from docs/openapi.json: the web app's forms take their
 * length limits and required marks from it, so it must be what the document says today.
 */
describe("the web app's field limits", () => {
  const generated = limitsSource(JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8')));
  if (process.env.UPDATE_LIMITS) writeFileSync(FILE, generated);

  it('match docs/openapi.json (regenerate with UPDATE_LIMITS=1 when they do not)', () => {
    expect(readFileSync(FILE, 'utf8') === generated, 'web/src/api/limits.ts is out of date: run `UPDATE_LIMITS=1 npx vitest run test/web-limits.test.ts`').toBe(true);
  });

  it('carry the schema limits the forms rely on', () => {
    expect(LIMITS['PUT /api/v1/directory/own']['/authority_names/*']).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(LIMITS['PUT /api/v1/directory/own']['/time_zone']).toMatchObject({ required: true, maxLength: 64 });
    expect(LIMITS['POST /api/v1/users']['/email']).toMatchObject({ required: true, maxLength: 254 });
  });
});
