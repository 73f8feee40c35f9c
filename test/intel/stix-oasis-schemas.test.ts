import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { STIX_RULES, validateStixObject } from '../../src/intel/stix/index.js';
import { CUSTOM_EXAMPLES, ids, INDICATOR, VALID_EXAMPLES } from './stix-examples.js';

/**
 * The OASIS STIX 2.1 JSON schemas (test/fixtures/oasis-stix2-json-schemas, draft 2020-12) as an
 * independent oracle for our validator, which is written from the specification: every valid
 * example passes both, and every mutation that breaks a rule the schemas can express is refused
 * by both. The schemas are used here only, never by the product.
 */

// A copy of the OASIS schemas kept with the tests (BSD-3-Clause; LICENSE and SOURCE.md beside them), so a clean clone has them.
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'oasis-stix2-json-schemas', 'schemas');
type Obj = Record<string, unknown>;

// Compile options follow the corpus's SOURCE.md: the type-name pattern needs unicodeRegExp off,
// and the schemas use keywords strict mode rejects (e.g. `title` beside `$ref`).
const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true });
// ajv-formats is CommonJS; its plugin is also on `default`, which is what the types describe.
formats.default(ajv);
// idn-hostname (domain-name.value) is not in ajv-formats: labels of 1–63 characters, no
// leading or trailing hyphen, any script (RFC 5890 in outline, enough for an oracle).
ajv.addFormat('idn-hostname', /^(?=.{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)*[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.?$/u);
for (const dir of ['common', 'sdos', 'sros', 'observables']) {
  for (const file of readdirSync(join(ROOT, dir))) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, dir, file), 'utf8')) as object);
}
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas';
const META = new Set(['marking-definition', 'language-content', 'extension-definition']);

function schemaFor(type: string) {
  const rule = STIX_RULES[type]!;
  const dir = META.has(type) ? 'common' : rule.category === 'sdo' ? 'sdos' : rule.category === 'sro' ? 'sros' : 'observables';
  const validate = ajv.getSchema(`${BASE}/${dir}/${type}.json`);
  if (!validate) throw new Error(`no OASIS schema for ${type}`);
  return validate;
}

const oasisAccepts = (obj: Obj) => {
  const validate = schemaFor(obj.type as string);
  const ok = validate(obj) as boolean;
  return { ok, errors: ok ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`) };
};
const oursAccepts = (obj: Obj) => validateStixObject(obj).ok;

describe('the OASIS STIX 2.1 schemas and our validator', () => {
  it('have a schema for each of our types', () => {
    for (const type of Object.keys(STIX_RULES)) expect(() => schemaFor(type)).not.toThrow();
  });

  it.each(VALID_EXAMPLES.map((o) => [`${o.type} ${o.id}`, o] as const))('both accept the valid %s', (_name, obj) => {
    expect(oasisAccepts(obj)).toEqual({ ok: true, errors: [] });
    expect(oursAccepts(obj)).toBe(true);
  });

  it.each(CUSTOM_EXAMPLES.filter((o) => (o.type as string) in STIX_RULES).map((o, i) => [i, o] as const))('both accept custom properties on a defined type #%s', (_i, obj) => {
    expect(oasisAccepts(obj)).toEqual({ ok: true, errors: [] });
    expect(oursAccepts(obj)).toBe(true);
  });

  /** Mutations of a valid object that break a rule both the schemas and the specification state. */
  const find = (pred: (o: Obj) => boolean) => structuredClone(VALID_EXAMPLES.find(pred)!);
  const byType = (type: string) => find((o) => o.type === type);
  const without = (o: Obj, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
  const mutations: [string, Obj, string?][] = [];

  // Every required property, removed, on every example: the schemas and our rules must agree on what is required.
  const schemaQuirks = new Set([
    // The schemas do not require modified on language content, nor spec_version on it; the specification does (§7.1, §3.2).
    'language-content modified',
    'language-content spec_version',
    // The schemas do not require created_by_ref on an extension definition; the specification does (§7.3).
    'extension-definition created_by_ref',
  ]);
  for (const obj of VALID_EXAMPLES) {
    for (const key of STIX_RULES[obj.type as string]!.shape.required ?? []) {
      if (!schemaQuirks.has(`${obj.type} ${key}`)) mutations.push([`${obj.type} ${obj.id} without ${key}`, without(obj, key), obj.type as string]);
    }
  }
  mutations.push(
    ['an id of another type', { ...INDICATOR, id: ids.malware }],
    ['an id without a UUID', { ...INDICATOR, id: 'indicator--1234' }],
    ['an id with a bad UUID variant', { ...INDICATOR, id: 'indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f' }],
    ['an id of an observable of another type', { ...byType('url'), id: ids.file }],
    ['a timestamp with an offset', { ...INDICATOR, valid_from: '2016-01-01T00:00:00+02:00' }],
    ['a timestamp without time', { ...INDICATOR, valid_from: '2016-01-01' }],
    ['a timestamp with month 13', { ...INDICATOR, valid_from: '2016-13-01T00:00:00Z' }],
    ['created without milliseconds', { ...INDICATOR, created: '2016-04-06T20:03:48Z' }],
    ['modified without milliseconds', { ...INDICATOR, modified: '2016-05-12T08:17:27Z' }],
    ['spec_version 3.0', { ...INDICATOR, spec_version: '3.0' }],
    ['confidence 101', { ...INDICATOR, confidence: 101 }],
    ['confidence as text', { ...INDICATOR, confidence: '50' }],
    ['an empty labels list', { ...INDICATOR, labels: [] }],
    ['labels that are not strings', { ...INDICATOR, labels: [1] }],
    ['a marking ref that is not an id', { ...INDICATOR, object_marking_refs: ['tlp:green'] }],
    ['a kill chain phase without phase_name', { ...INDICATOR, kill_chain_phases: [{ kill_chain_name: 'lockheed' }] }],
    ['an external reference with only a source name', { ...INDICATOR, external_references: [{ source_name: 'acme' }] }],
    ['a CVE reference with a malformed id', { ...INDICATOR, external_references: [{ source_name: 'cve', external_id: 'CVE-16-1' }] }],
    ['an opinion outside its enumeration', { ...byType('opinion'), opinion: 'maybe' }],
    ['number_observed 0', { ...byType('observed-data'), number_observed: 0 }],
    ['a sighting count below zero', { ...byType('sighting'), count: -1 }],
    ['a latitude of 91', { ...byType('location'), latitude: 91, longitude: 0 }],
    ['is_family as text', { ...byType('malware'), is_family: 'yes' }],
    ['a malformed SHA-256', { ...byType('file'), hashes: { 'SHA-256': 'abc' } }],
    ['an MD5 with a non-hex digit', { ...byType('file'), hashes: { MD5: 'z717b7fff97d37a1e1a0029d83492de1' } }],
    ['a file size below zero', { ...byType('file'), size: -1 }],
    ['an artifact encryption algorithm outside its enumeration', { ...byType('artifact'), encryption_algorithm: 'rot13' }],
    ['an artifact payload that is not base64', { ...byType('artifact'), payload_bin: 'not base64!' }],
    ['an artifact with both payload_bin and url', { ...byType('artifact'), url: 'https://example.com/x', hashes: { MD5: '1717b7fff97d37a1e1a0029d83492de1' } }],
    ['a port above 65535', { ...byType('network-traffic'), dst_port: 70000 }],
    ['a registry value type outside its enumeration', { ...byType('windows-registry-key'), values: [{ name: 'a', data_type: 'REG_WHATEVER' }] }],
    ['an autonomous system number as text', { ...byType('autonomous-system'), number: '15139' }],
    ['an extension type outside its enumeration', { ...INDICATOR, extensions: { [ids.ext]: { extension_type: 'new-thing', a_b: 1 } } }],
    ['an extension-definition with an unknown extension type', { ...byType('extension-definition'), extension_types: ['new-thing'] }],
    ['a TLP 1.0 definition under another id', { ...find((o) => o.definition_type === 'tlp'), id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41db' }],
    ['a statement marking without its statement', { ...find((o) => o.definition_type === 'statement'), definition: { text: 'x' } }],
    ['a granular marking without selectors', { ...INDICATOR, granular_markings: [{ marking_ref: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da' }] }],
    ['a type name with capitals', { ...byType('x509-certificate'), type: 'X509-Certificate' }, 'x509-certificate'],
    ['a reserved property (severity)', { ...INDICATOR, severity: 'high' }],
    ['a _hex custom property that is not hex', { ...byType('file'), x_acme_hex: 'zz' }],
  );

  // The schema is the one of the type the mutation started from (a mutated type has none of its own).
  it.each(mutations)('both refuse %s', (_name, obj, schemaType) => {
    expect(oursAccepts(obj)).toBe(false);
    expect(schemaFor(schemaType ?? (obj.type as string))(obj)).toBe(false);
  });
});
