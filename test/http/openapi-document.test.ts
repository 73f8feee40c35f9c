import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestNode, type TestNode } from '../_util/node.js';

const FILE = join(import.meta.dirname, '..', '..', 'docs', 'openapi.json');

/** One line per path and per component: small, and a change to a route shows as a change to its line. */
function layout(doc: Record<string, unknown>): string {
  const block = (o: Record<string, unknown>) => `{\n${Object.entries(o).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n  }`;
  const parts = Object.entries(doc).map(([k, v]) => {
    if (k === 'paths') return `  "paths": ${block(v as Record<string, unknown>)}`;
    if (k === 'components') return `  "components": ${block(v as Record<string, unknown>)}`;
    return `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}

/**
 * docs/openapi.json is the HTTP API's contract (the web app's types are generated from it);
 * it must be exactly what the routes declare. Regenerate with
 * `UPDATE_OPENAPI=1 npx vitest run test/http/openapi-document.test.ts`.
 */
describe('the committed OpenAPI document', () => {
  let node: TestNode;
  let doc: Record<string, unknown>;
  beforeAll(async () => {
    node = await createTestNode('sqlite');
    const app = await buildTestApp(node.ctx);
    await app.ready();
    doc = JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
    await app.close();
    if (process.env.UPDATE_OPENAPI) writeFileSync(FILE, layout(doc));
  });
  afterAll(() => node.close());

  it('exists', () => {
    expect(existsSync(FILE)).toBe(true);
  });

  it('matches the routes (regenerate it when you change a route)', () => {
    const committed = JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(committed.paths as object).sort()).toEqual(Object.keys(doc.paths as object).sort());
    expect(committed).toEqual(doc);
  });
});
