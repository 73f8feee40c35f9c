import { describe, expect, it } from 'vitest';
import { CUSTOM_EXAMPLES, ids, INDICATOR, VALID_EXAMPLES } from '../../../test/intel/stix-examples.js';
import { STIX_RULES, validateStixObject } from './index.js';

type Obj = Record<string, unknown>;
const find = (type: string): Obj => structuredClone(VALID_EXAMPLES.find((o) => o.type === type)!);

/** The problems of an object as [path, code] pairs. */
function problems(obj: unknown): [string, string][] {
  const r = validateStixObject(obj);
  return r.ok ? [] : r.errors.map((e) => [e.path, e.code]);
}

describe('validateStixObject', () => {
  it('knows every type STIX 2.1 defines', () => {
    expect(Object.keys(STIX_RULES)).toHaveLength(19 + 2 + 18 + 3);
    const covered = new Set(VALID_EXAMPLES.map((o) => o.type));
    expect(Object.keys(STIX_RULES).filter((t) => !covered.has(t))).toEqual([]);
  });

  it.each(VALID_EXAMPLES.map((o) => [`${o.type} ${o.id}`, o] as const))('accepts the valid %s', (_name, obj) => {
    expect(validateStixObject(obj)).toEqual({ ok: true, object: obj });
  });

  it.each(CUSTOM_EXAMPLES.map((o, i) => [i, o.type, o] as const))('accepts custom content #%s (%s)', (_i, _type, obj) => {
    expect(problems(obj)).toEqual([]);
  });

  it('refuses an object with the reason and its id', () => {
    const r = validateStixObject({ ...INDICATOR, valid_from: undefined, pattern: 42 });
    expect(r).toEqual({
      ok: false,
      id: INDICATOR.id,
      errors: expect.arrayContaining([
        { path: '/pattern', code: 'kind', message: expect.any(String) },
        { path: '/valid_from', code: 'required', message: expect.any(String) },
      ]),
    });
  });

  it('refuses modified earlier than created', () => {
    expect(problems({ ...INDICATOR, modified: '2016-04-06T20:03:47.999Z' })).toEqual([['/modified', 'modified-before-created']]);
    expect(problems({ ...INDICATOR, modified: '2016-04-06T20:03:48.000Z', created: '2016-04-06T20:03:48.000Z' })).toEqual([]);
  });

  it('compares timestamps of different precision as instants', () => {
    expect(problems({ ...INDICATOR, valid_from: '2016-01-01T00:00:00Z', valid_until: '2016-01-01T00:00:00.000Z' })).toEqual([['/valid_until', 'order']]);
    expect(problems({ ...INDICATOR, valid_from: '2016-01-01T00:00:00.5Z', valid_until: '2016-01-01T00:00:00.123Z' })).toEqual([['/valid_until', 'order']]);
    expect(problems({ ...INDICATOR, valid_from: '2016-01-01T00:00:00Z', valid_until: '2016-01-01T00:00:00.001Z' })).toEqual([]);
  });

  it('refuses an id of another type, a malformed id and a non-v4 UUID for a domain object', () => {
    expect(problems({ ...INDICATOR, id: ids.malware })).toEqual([['/id', 'id-type']]);
    expect(problems({ ...INDICATOR, id: 'indicator--not-a-uuid' })).toEqual([['/id', 'id']]);
    expect(problems({ ...INDICATOR, id: 'indicator--6ba7b810-9dad-51d1-80b4-00c04fd430c8' })).toEqual([['/id', 'id-version']]);
    expect(problems({ ...find('url'), id: 'url--6ba7b810-9dad-51d1-80b4-00c04fd430c8' })).toEqual([]);
  });

  it('refuses references to types they may not point to', () => {
    expect(problems({ ...INDICATOR, created_by_ref: ids.malware })).toEqual([['/created_by_ref', 'ref-type']]);
    expect(problems({ ...find('relationship'), source_ref: ids.observed.replace('observed-data', 'relationship') })).toEqual([['/source_ref', 'ref-type']]);
    expect(problems({ ...find('sighting'), where_sighted_refs: [ids.malware] })).toEqual([['/where_sighted_refs/0', 'ref-type']]);
    expect(problems({ ...find('domain-name'), resolves_to_refs: [ids.file] })).toEqual([['/resolves_to_refs/0', 'ref-type']]);
    expect(problems({ ...INDICATOR, object_marking_refs: [ids.malware] })).toEqual([['/object_marking_refs/0', 'ref-type']]);
  });

  it('refuses timestamps that are not RFC 3339 in UTC, or lack millisecond precision where required', () => {
    expect(problems({ ...INDICATOR, valid_from: '2016-01-01T00:00:00+01:00' })).toEqual([['/valid_from', 'timestamp']]);
    expect(problems({ ...INDICATOR, valid_from: '2015-02-29T00:00:00Z' })).toEqual([['/valid_from', 'timestamp']]);
    expect(problems({ ...INDICATOR, created: '2016-04-06T20:03:48Z' })).toEqual([['/created', 'timestamp']]);
  });

  it('requires spec_version 2.1 on domain objects and allows it absent on observables', () => {
    expect(problems({ ...INDICATOR, spec_version: '2.0' })).toEqual([['/spec_version', 'spec-version']]);
    expect(problems({ ...INDICATOR, spec_version: undefined })).toEqual([['/spec_version', 'required']]);
    const { spec_version: _sv, ...url } = find('url');
    expect(problems(url)).toEqual([]);
  });

  it('checks valid_until after valid_from, first_seen before last_seen, stop after start', () => {
    expect(problems({ ...INDICATOR, valid_until: '2016-01-01T00:00:00Z' })).toEqual([['/valid_until', 'order']]);
    expect(problems({ ...find('campaign'), last_seen: '2015-01-01T00:00:00Z' })).toEqual([['/last_seen', 'order']]);
    expect(problems({ ...find('relationship'), stop_time: '2016-01-01T00:00:00Z' })).toEqual([['/stop_time', 'order']]);
    expect(problems({ ...find('observed-data'), last_observed: '2015-12-21T18:59:59Z' })).toEqual([['/last_observed', 'order']]);
  });

  it('refuses an invalid STIX pattern with its position, and leaves other pattern languages alone', () => {
    const r = validateStixObject({ ...INDICATOR, pattern: "[file:name = 'a' AND]" });
    expect(r.ok === false && r.errors).toEqual([{ path: '/pattern', code: 'pattern', message: expect.stringMatching(/at character 20/) }]);
    expect(problems({ ...INDICATOR, pattern_type: 'snort', pattern: 'alert tcp any any -> any 80' })).toEqual([]);
  });

  it('refuses unknown properties unless custom, and unknown types unless custom', () => {
    expect(problems({ ...INDICATOR, valid_form: '2016-01-01T00:00:00Z' })).toEqual([['/valid_form', 'unknown-property']]);
    expect(problems({ ...INDICATOR, severity: 'high' })).toEqual([['/severity', 'unknown-property']]);
    expect(problems({ ...INDICATOR, 'x_Bad-Name': 1 })).toEqual([['/x_Bad-Name', 'format']]);
    expect(problems({ ...INDICATOR, x_acme_refs: ['nope'] })).toEqual([['/x_acme_refs/0', 'id']]);
    expect(problems({ ...INDICATOR, type: 'indicatorx', id: INDICATOR.id })).toEqual([['/type', 'unknown-type']]);
  });

  it('checks the rules between properties', () => {
    const { name: _n, ...nameless } = find('file');
    expect(problems({ ...nameless, hashes: undefined })).toEqual([['', 'any-of']]);
    expect(problems({ ...find('artifact'), url: 'https://example.com/a' })).toEqual([
      ['', 'conflict'],
      ['/hashes', 'required'],
    ]);
    expect(problems({ ...find('location'), region: undefined, country: undefined })).toEqual([['', 'any-of']]);
    expect(problems({ ...find('email-message'), body_multipart: [{ body: 'x' }] })).toEqual([['/body_multipart', 'conflict']]);
    expect(problems({ ...find('mac-addr'), value: 'D2:FB:49:24:37:18' })).toEqual([['/value', 'format']]);
    expect(problems({ ...find('ipv4-addr'), value: '10.0.0.300' })).toEqual([['/value', 'format']]);
  });

  it('checks predefined extensions against their type', () => {
    expect(problems({ ...find('url'), extensions: { 'ntfs-ext': { sid: '1' } } })).toEqual([['/extensions/ntfs-ext', 'extension']]);
    expect(problems({ ...find('network-traffic'), extensions: { 'socket-ext': { address_family: 'AF_WHATEVER' } } })).toEqual([['/extensions/socket-ext/address_family', 'enum']]);
    expect(problems({ ...INDICATOR, extensions: { [ids.ext]: { rank: 5 } } })).toEqual([[`/extensions/${ids.ext}/extension_type`, 'required']]);
  });

  it('refuses a look-alike TLP marking definition', () => {
    const green = find('marking-definition');
    expect(problems({ ...green, id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41db' })).toEqual([['/id', 'tlp-id']]);
    expect(problems({ ...green, definition: { tlp: 'red' } })).toEqual([
      ['/id', 'tlp-id'],
      ['/name', 'tlp-id'],
      ['/definition', 'tlp-id'],
    ]);
    const tlp2 = VALID_EXAMPLES.find((o) => o.id === 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb')!;
    expect(problems({ ...tlp2, id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487' })).toEqual([
      ['/id', 'tlp-id'],
      ['/extensions', 'tlp-id'],
    ]);
    expect(problems({ ...green, modified: '2017-01-20T00:00:00.000Z' })).toEqual([['/modified', 'unknown-property']]);
  });

  it('checks granular markings: exactly one of lang and marking_ref, and selectors that select', () => {
    const gm = (m: Obj) => problems({ ...INDICATOR, granular_markings: [m] });
    expect(gm({ marking_ref: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', selectors: ['description', 'indicator_types.[0]'] })).toEqual([]);
    expect(gm({ lang: 'en', selectors: ['name'] })).toEqual([]);
    expect(gm({ selectors: ['name'] })).toEqual([['/granular_markings/0', 'any-of']]);
    expect(gm({ lang: 'en', marking_ref: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', selectors: ['name'] })).toEqual([['/granular_markings/0', 'conflict']]);
    expect(gm({ lang: 'en', selectors: ['indicator_types.[3]', 'nothing', 'name..x'] })).toEqual([
      ['/granular_markings/0/selectors/0', 'selector'],
      ['/granular_markings/0/selectors/1', 'selector'],
      ['/granular_markings/0/selectors/2', 'selector'],
    ]);
  });

  it('answers non-objects and deep nesting without throwing', () => {
    expect(problems(null)).toEqual([['', 'not-object']]);
    expect(problems([INDICATOR])).toEqual([['', 'not-object']]);
    let deep: Obj = { x: 1 };
    for (let i = 0; i < 10_000; i++) deep = { x_deep: deep };
    expect(problems({ ...INDICATOR, x_deep: deep })).toEqual([]);
  });

  it('treats names of Object.prototype as ordinary names', () => {
    expect(problems({ ...INDICATOR, type: 'constructor', id: 'constructor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' })).toEqual([['/type', 'unknown-type']]);
    expect(problems({ ...INDICATOR, constructor: 'x', toString: 1 })).toEqual([
      ['/constructor', 'unknown-property'],
      ['/toString', 'format'],
    ]);
    expect(problems(JSON.parse(JSON.stringify({ ...INDICATOR }).replace('{', '{"__proto__":{"a":1},')))).toEqual([['/__proto__', 'unknown-property']]);
    expect(problems({ ...find('file'), hashes: { constructor: 'abc', hasOwnProperty: 'x' } })).toEqual([]);
    expect(problems({ ...find('url'), extensions: { 'constructor-ext': { a_b: 1 } } })).toEqual([]);
    expect(problems({ ...find('marking-definition'), definition: { tlp: 'constructor' } })).toEqual([
      ['/definition/tlp', 'enum'],
      ['/definition', 'tlp-id'],
    ]);
  });
});
