/**
 * Writes web/src/api/limits.ts: for every operation with a JSON body, the limits the API's
 * schema puts on each field (required, minLength, maxLength, pattern, minimum, maximum), keyed
 * by an RFC 6901 pointer where `*` stands for any array index or record key. The web app's
 * fields apply them, so that a form refuses what the server would refuse, with the same numbers.
 * Run by test/web-limits.test.ts (`UPDATE_LIMITS=1 npx vitest run test/web-limits.test.ts` writes it).
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  $ref?: string;
};
type Limit = Partial<Record<'required' | 'minLength' | 'maxLength' | 'pattern' | 'minimum' | 'maximum', unknown>>;
type Doc = { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>; components?: { schemas?: Record<string, Schema> } };

function walk(doc: Doc, s: Schema | undefined, at: string, required: boolean, out: Map<string, Limit>, depth: number): void {
  if (!s || depth > 8) return;
  if (s.$ref) return walk(doc, doc.components?.schemas?.[s.$ref.split('/').pop()!], at, required, out, depth + 1);
  const limit: Limit = {};
  const isString = s.type === 'string';
  // A required string that may be empty is not required to be filled in.
  if (required && at !== '' && (!isString || (s.minLength ?? 0) > 0)) limit.required = true;
  for (const k of ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum'] as const) if (s[k] !== undefined) limit[k] = s[k];
  if (at !== '' && Object.keys(limit).length > 0) out.set(at, { ...limit, ...out.get(at) });
  for (const [name, p] of Object.entries(s.properties ?? {})) walk(doc, p, `${at}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, (s.required ?? []).includes(name), out, depth + 1);
  if (s.items) walk(doc, s.items, `${at}/*`, false, out, depth + 1);
  for (const p of Object.values(s.patternProperties ?? {})) walk(doc, p, `${at}/*`, false, out, depth + 1);
  if (typeof s.additionalProperties === 'object') walk(doc, s.additionalProperties, `${at}/*`, false, out, depth + 1);
  for (const alt of s.anyOf ?? s.oneOf ?? []) walk(doc, alt, at, required, out, depth + 1);
}

/** A single-quoted TypeScript string literal. */
const quote = (s: string) => `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;

/** The source of web/src/api/limits.ts for an OpenAPI document. */
export function limitsSource(doc: Doc): string {
  const ops: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [method, op] of Object.entries(methods)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      const fields = new Map<string, Limit>();
      walk(doc, schema, '', true, fields, 0);
      if (fields.size === 0) continue;
      const lines = [...fields].map(([pointer, l]) => `    ${quote(pointer)}: { ${Object.entries(l).map(([k, v]) => `${k}: ${typeof v === 'string' ? quote(v) : String(v)}`).join(', ')} },`);
      ops.push(`  '${method.toUpperCase()} ${path}': {\n${lines.join('\n')}\n  },`);
    }
  }
  return `// Generated from docs/openapi.json by web/scripts/limits-source.ts: do not edit.
// Regenerate with \`UPDATE_LIMITS=1 npx vitest run test/web-limits.test.ts\` after \`npm run gen:api\`.

/** What the API's schema allows in one field of a request body. */
export interface FieldLimit {
  readonly required?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** Per operation, the limits of each body field by JSON Pointer (\`*\`: any array index or record key). */
export const LIMITS = {
${ops.join('\n')}
} as const satisfies Record<string, Record<string, FieldLimit>>;

export type LimitedOperation = keyof typeof LIMITS;
`;
}
