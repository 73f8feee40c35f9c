import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/store/db.js';
import { buildTestApp, buildUser, createTestNode, SessionClient, type TestNode } from '../_util/node.js';

/**
 * Every operation of the live OpenAPI document that takes a JSON body, path or query
 * parameters gets random and hostile input (wrong types, huge and odd strings, deep nesting,
 * prototype-pollution keys, nulls, numbers as strings, extra fields — on top of bodies built
 * from the operation's own schema so that the services are reached), as an admin and as an
 * anonymous client. Never a 5xx; every 4xx is problem+json; a refused request writes nothing
 * (the row count of every table is unchanged); the node answers its health check afterwards.
 *
 * Replay a failure with FUZZ_SEED=<seed printed below>; run more with FUZZ_RUNS=<runs per operation>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const DIALECT = (process.env.FUZZ_DIALECT ?? 'sqlite') as Dialect;

/** Refusals recorded on purpose: a failed sign-in or re-authentication is audited and counts towards the lockout. */
const WRITES_ON_REFUSAL: Record<string, RegExp> = {
  'urn:accord:problem:invalid-credentials': /^(sign_in_throttle|audit_log)$/,
  'urn:accord:problem:account-locked': /^(sign_in_throttle|audit_log)$/,
};
/** Operations not fuzzed: they take no input, or end the session the fuzzing runs in. */
const SKIP = new Set(['POST /api/v1/auth/sign-out']);

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  $ref?: string;
};
interface Operation {
  method: string;
  path: string;
  body?: Schema;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
}

const HUGE = 'x'.repeat(200_000);
const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);

/** Values no schema expects. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(HUGE),
  fc.constant(''),
  fc.constant('\u0000\u202e\ud800'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom(0, -1, 1e308, -0, 2 ** 53 + 1, 3.5, true, false),
  fc.constantFrom([], {}, [null], { __proto__: null }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '../../etc/passwd', "'; DROP TABLE users; --", '<script>alert(1)</script>', '%00', '${7*7}'),
  fc.anything({ maxDepth: 3 }),
);

/** An object with an own `__proto__` / `constructor` key, as JSON.parse would make it. */
function withHostileKeys(value: unknown): unknown {
  const o: Record<string, unknown> = value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as object) } : {};
  Object.defineProperty(o, '__proto__', { value: { is_admin: true, role: 'admin' }, enumerable: true, configurable: true, writable: true });
  o['constructor'] = { prototype: { polluted: true } };
  return o;
}

function resolve(doc: Record<string, unknown>, s: Schema | undefined): Schema | undefined {
  if (!s?.$ref) return s;
  const name = s.$ref.split('/').pop()!;
  return (doc.components as { schemas: Record<string, Schema> }).schemas[name];
}

/** A value that (mostly) satisfies the schema, so that mutations of it reach past validation. */
function validValue(doc: Record<string, unknown>, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  if (!s || depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return fc.oneof(...alts.map((a) => validValue(doc, a, depth + 1)));
  const type: string = (Array.isArray(s.type) ? s.type[0] : s.type) ?? 'any';
  const n = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  switch (type) {
    case 'string': {
      const min = n('minLength') ?? 0;
      const max = Math.max(min, Math.min(n('maxLength') ?? 30, 30));
      if (s.format === 'email') return fc.nat(9999).map((i) => `fuzz${i}@example.org`);
      if (s.format === 'uri') return fc.constantFrom('http://127.0.0.1:9/', 'https://127.0.0.1:9/x');
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= (n('maxLength') ?? Infinity));
      return fc.string({ minLength: min, maxLength: max });
    }
    case 'integer':
      return fc.integer({ min: n('minimum') ?? -1000, max: n('maximum') ?? 1000 });
    case 'number':
      return fc.double({ min: n('minimum') ?? -1000, max: n('maximum') ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const min = n('minItems') ?? 0;
      return fc.array(validValue(doc, s.items, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(n('maxItems') ?? 3, 3)) });
    }
    case 'object': {
      if (s.properties) {
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(s.properties)) record[k] = validValue(doc, v, depth + 1);
        return fc.record(record, { requiredKeys: (s.required ?? []).filter((k) => k in record) });
      }
      const keySchema = s.patternProperties ? Object.keys(s.patternProperties)[0] : undefined;
      const valueSchema = keySchema ? s.patternProperties![keySchema] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      const key = keySchema ? fc.stringMatching(new RegExp(keySchema)).filter((k) => k.length < 20) : fc.string({ maxLength: 8 });
      return fc.dictionary(key, validValue(doc, valueSchema, depth + 1), { minKeys: n('minProperties') ?? 0, maxKeys: 3 });
    }
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

/** Every path into a value (for one mutation). */
function pathsOf(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) pathsOf(c, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
function replaceAt(v: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = replaceAt(copy[path[0]!], path.slice(1), next);
  return copy;
}

/** The raw request body: built from the schema and mutated once, or hostile from the start. */
function bodyText(doc: Record<string, unknown>, schema: Schema): fc.Arbitrary<string> {
  const valid = validValue(doc, schema);
  const mutated = fc.tuple(valid, fc.nat(), hostileValue).map(([v, i, h]) => {
    const paths = pathsOf(v);
    return replaceAt(v, paths[i % paths.length]!, h);
  });
  const extra = fc.tuple(valid, fc.string({ maxLength: 10 }), hostileValue).map(([v, k, h]) => (v && typeof v === 'object' ? { ...(v as object), [`x_${k}`]: h } : v));
  const asJson = fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 5, arbitrary: mutated },
    { weight: 2, arbitrary: extra },
    { weight: 2, arbitrary: valid.map(withHostileKeys) },
    { weight: 2, arbitrary: hostileValue },
  ).map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 14, arbitrary: asJson },
    { weight: 1, arbitrary: fc.constantFrom(deep(5000, '[', ']'), deep(3000, '{"a":', '}').replace(/}+$/, (m) => `1${m}`), `{"a":"${HUGE}"}`, '{"a":1,"a":2}', '', '{', '\ufeff{}', 'null') },
  );
}

const segment = fc.oneof(
  fc.constantFrom('x', '0', '-1', '..', '%2e%2e', '%00', 'null', 'undefined', '__proto__', 'constructor', 'test-node', '01900000-0000-7000-8000-000000000000', 'a'.repeat(999)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

function requestArb(doc: Record<string, unknown>, op: Operation, knownIds: string[]) {
  const params = fc.tuple(...op.pathParams.map(() => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...knownIds) }, { weight: 3, arbitrary: segment })));
  const query = fc.tuple(...op.query.map((q) => fc.option(fc.oneof(validValue(doc, q.schema).map(String), segment, fc.constant(HUGE.slice(0, 5000))), { nil: undefined })));
  const body = op.body ? bodyText(doc, op.body) : fc.constant(undefined);
  return fc.record({ params, query, body }).map(({ params: p, query: q, body: b }) => {
    let i = 0;
    const path = op.path.replace(/\{\w+\}/g, () => encodeURIComponent(p[i++] as string));
    const qs = op.query.flatMap((x, j) => (q[j] === undefined ? [] : [`${encodeURIComponent(x.name)}=${encodeURIComponent(q[j] as string)}`])).join('&');
    return { url: qs ? `${path}?${qs}` : path, body: b };
  });
}

function operationsOf(doc: Record<string, unknown>): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as { in: string; name: string; schema: Schema }[];
      const body = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.['application/json']?.schema;
      const o: Operation = {
        method: method.toUpperCase(),
        path,
        body,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
      };
      const key = `${o.method} ${o.path}`;
      if (!SKIP.has(key) && (o.body || o.pathParams.length > 0 || o.query.length > 0)) ops.push(o);
    }
  }
  return ops;
}

describe(`fuzzing every JSON route (seed ${SEED}, ${RUNS} runs per operation and client, ${DIALECT})`, () => {
  let node: TestNode;
  let app: FastifyInstance;
  let doc: Record<string, unknown>;
  let admin: SessionClient;
  let knownIds: string[] = [];
  let tables: string[] = [];

  beforeAll(async () => {
    console.log(`route fuzz seed: ${SEED} (replay with FUZZ_SEED=${SEED})`);
    node = await createTestNode(DIALECT, { requireAdminTotp: false, loginRatePerMinute: 100_000, loginMaxFailures: 100, inboxRatePerMinute: 10_000_000 });
    app = await buildTestApp(node.ctx);
    doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    admin = new SessionClient(app);
    const a = await buildUser(node.ctx, 'admin');
    expect((await admin.signIn(a.email, a.password)).statusCode).toBe(200);
    const spare = await buildUser(node.ctx, 'analyst');
    knownIds = [spare.user.id, node.ctx.identity.node_id];
    tables = (await node.ctx.store.db.introspection.getTables()).map((t) => t.name).filter((t) => !/^kysely_migration/.test(t));
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  /** The row count of every table, in one query. */
  async function counts(): Promise<Record<string, number>> {
    const selects = tables.map((t) => sql`select ${t} as t, count(*) as n from ${sql.table(t)}`);
    const r = await sql<{ t: string; n: number | string }>`${sql.join(selects, sql` union all `)}`.execute(node.ctx.store.db);
    return Object.fromEntries(r.rows.map((row) => [row.t, Number(row.n)]));
  }

  async function send(op: Operation, url: string, body: string | undefined, signedIn: boolean): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (signedIn) Object.assign(headers, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    return app.inject({ method: op.method as 'POST', url, headers, ...(body === undefined ? {} : { payload: body }) });
  }

  it('finds operations to fuzz in the live OpenAPI document', () => {
    expect(operationsOf(doc).length).toBeGreaterThan(30);
  });

  it('never answers 5xx, answers 4xx as problem+json, and writes nothing on a refusal', async () => {
    const ops = operationsOf(doc);
    const statuses = new Map<number, number>();
    for (const [i, op] of ops.entries()) {
      const key = `${op.method} ${op.path}`;
      for (const signedIn of [true, false]) {
        await fc.assert(
          fc.asyncProperty(requestArb(doc, op, knownIds), async ({ url, body }) => {
            const before = await counts();
            const started = Date.now();
            const res = await send(op, url, body, signedIn);
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            if (Date.now() - started > 2000) console.log(`slow: ${key} took ${Date.now() - started} ms (${res.statusCode})`);
            const where = `${key} as ${signedIn ? 'admin' : 'anonymous'}: ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect(res.statusCode, where).toBeLessThan(500);
            if (res.statusCode >= 400) {
              // TAXII routes answer the TAXII error message (its error_code is the problem type);
              // a fuzzed path that no longer names a TAXII route gets the app's problem.
              const taxii = String(res.headers['content-type']).startsWith('application/taxii+json');
              expect(res.headers['content-type'], where).toContain(taxii && op.path.startsWith('/taxii2/') ? 'application/taxii+json' : 'application/problem+json');
              const after = await counts();
              const problem = res.json() as { type?: string; error_code?: string };
              const allowed = WRITES_ON_REFUSAL[(taxii ? problem.error_code : problem.type) ?? ''];
              const changed = tables.filter((t) => before[t] !== after[t] && !allowed?.test(t));
              expect(changed, `${where}\nrows changed in: ${changed.join(', ')}`).toEqual([]);
            }
          }),
          { seed: SEED + i * 2 + (signedIn ? 0 : 1), numRuns: RUNS, endOnFailure: true },
        );
      }
    }
    console.log(`route fuzz: ${ops.length} operations, answers by status: ${[...statuses].sort(([x], [y]) => x - y).map(([k, n]) => `${k}×${n}`).join(' ')}`);
    // Bodies built from the schemas get past validation: some are accepted.
    expect([...statuses.keys()].some((k) => k < 300)).toBe(true);
    // Nothing leaked onto the prototypes, and the node still answers.
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).is_admin).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await admin.request('GET', '/api/v1/auth/session')).statusCode).toBe(200);
  }, Math.max(180_000, RUNS * 10_000));
});
