import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocolSchemas } from '../../src/federation/protocol/export-schemas.js';
import { createNodeRegistry } from '../../src/app/standard.js';

const DIR = join(import.meta.dirname, '..', '..', 'docs', 'federation-protocol', 'schemas');

/**
 * The JSON Schemas in docs/ are the contract peers implement; they must be exactly what the
 * code checks. Regenerate with `UPDATE_PROTOCOL_SCHEMAS=1 npx vitest run test/federation/protocol-schemas.test.ts`.
 */
describe('the published protocol schemas', () => {
  const schemas = protocolSchemas(createNodeRegistry());

  if (process.env.UPDATE_PROTOCOL_SCHEMAS) {
    mkdirSync(DIR, { recursive: true });
    for (const [file, schema] of Object.entries(schemas)) writeFileSync(join(DIR, file), JSON.stringify(schema, null, 2) + '\n');
  }

  it('has one file per document and per message type, and no stale ones', () => {
    expect(existsSync(DIR)).toBe(true);
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(Object.keys(schemas))('%s matches the code', (file) => {
    expect(JSON.parse(readFileSync(join(DIR, file), 'utf8'))).toEqual(schemas[file]);
  });
});
