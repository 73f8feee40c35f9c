/**
 * Valid STIX 2.1 objects, one or more of every type the specification defines, modelled on the
 * examples of the specification's sections (our own values). Used by the validator tests and
 * by the OASIS-schema agreement test, and as the base that mutations start from.
 */

const T = '2016-04-06T20:03:48.000Z';
const T2 = '2016-05-12T08:17:27.000Z';
const IDENTITY = 'identity--311b2d2d-f010-4473-83ec-1edf84858f4c';
const TLP2_GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
const SHA256 = 'fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db';

type Obj = Record<string, unknown>;
const uuid = (n: number) => `4e3b1f${String(n).padStart(2, '0')}-3f0e-4c2d-9a4b-8c1e2d3f4a5b`;
let n = 0;
/** A domain, relationship or meta object with the common properties. */
const sdo = (type: string, props: Obj): Obj => ({
  type,
  spec_version: '2.1',
  id: `${type}--${uuid(++n)}`,
  created: T,
  modified: T2,
  created_by_ref: IDENTITY,
  ...props,
});
const sco = (type: string, props: Obj): Obj => ({ type, spec_version: '2.1', id: `${type}--${uuid(++n)}`, ...props });

export const ids = {
  indicator: `indicator--${uuid(90)}`,
  malware: `malware--${uuid(91)}`,
  file: `file--${uuid(92)}`,
  ipv4: `ipv4-addr--${uuid(93)}`,
  observed: `observed-data--${uuid(94)}`,
  location: `location--${uuid(95)}`,
  software: `software--${uuid(96)}`,
  email: `email-addr--${uuid(97)}`,
  artifact: `artifact--${uuid(98)}`,
  ext: `extension-definition--${uuid(99)}`,
};

/** A typical indicator, as the store receives them in bulk. */
export const INDICATOR: Obj = {
  type: 'indicator',
  spec_version: '2.1',
  id: ids.indicator,
  created_by_ref: IDENTITY,
  created: T,
  modified: T2,
  indicator_types: ['malicious-activity'],
  name: 'Poison Ivy malware sample',
  description: 'This file is part of Poison Ivy',
  pattern: `[file:hashes.'SHA-256' = '${SHA256}']`,
  pattern_type: 'stix',
  valid_from: '2016-01-01T00:00:00Z',
  object_marking_refs: [TLP2_GREEN],
};

export const VALID_EXAMPLES: Obj[] = [
  sdo('attack-pattern', {
    name: 'Spear Phishing',
    description: 'Targeted e-mail with a malicious attachment',
    external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }],
    kill_chain_phases: [{ kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'delivery' }],
  }),
  sdo('campaign', { name: 'Green Group Attacks Against Finance', description: 'Campaign by Green Group', first_seen: '2016-01-01T00:00:00Z', last_seen: '2016-03-01T00:00:00Z' }),
  sdo('course-of-action', { name: 'Add TCP port 80 filter rule', description: 'Block port 80 at the border' }),
  sdo('grouping', { name: 'The Black Vine Cyberespionage Group', context: 'suspicious-activity', object_refs: [ids.indicator, ids.malware] }),
  { ...sdo('identity', { name: 'ACME Widget, Inc.', identity_class: 'organization', sectors: ['technology'] }), id: IDENTITY, created_by_ref: undefined },
  sdo('incident', { name: 'Ransomware at the hospital', description: 'Encrypted patient records' }),
  INDICATOR,
  sdo('infrastructure', { name: 'Poison Ivy C2', infrastructure_types: ['command-and-control'], first_seen: '2016-01-01T00:00:00Z' }),
  sdo('intrusion-set', { name: 'Bobcat Breakin', aliases: ['Zookeeper'], goals: ['acquisition-theft'], resource_level: 'organization', primary_motivation: 'personal-gain' }),
  { ...sdo('location', { region: 'south-eastern-asia', country: 'th', administrative_area: 'Tak', postal_code: '63170' }), id: ids.location },
  sdo('location', { latitude: 48.8566, longitude: 2.3522, precision: 1000 }),
  { ...sdo('malware', { name: 'Cryptolocker', is_family: true, malware_types: ['ransomware'], first_seen: '2013-09-05T00:00:00Z' }), id: ids.malware },
  sdo('malware-analysis', { product: 'microsoft', version: '1.0', result: 'malicious', analysis_started: '2018-06-01T00:00:00Z', analysis_ended: '2018-06-01T00:05:00Z', sample_ref: ids.file }),
  sdo('note', { abstract: 'Tracking Team Note#1', content: 'This note indicates the various steps taken.', authors: ['John Doe'], object_refs: [ids.malware] }),
  { ...sdo('observed-data', { first_observed: '2015-12-21T19:00:00Z', last_observed: '2015-12-21T19:00:00Z', number_observed: 50, object_refs: [ids.ipv4, ids.file] }), id: ids.observed },
  sdo('opinion', { opinion: 'strongly-disagree', explanation: 'This is not malicious', object_refs: [ids.indicator] }),
  sdo('report', { name: 'The Black Vine Cyberespionage Group', report_types: ['campaign'], published: '2016-01-20T17:00:00.000Z', object_refs: [ids.indicator, ids.malware] }),
  sdo('threat-actor', { name: 'Evil Org', threat_actor_types: ['crime-syndicate'], roles: ['director'], sophistication: 'advanced', first_seen: '2015-01-01T00:00:00Z', last_seen: '2016-01-01T00:00:00Z' }),
  sdo('tool', { name: 'VNC', tool_types: ['remote-access'], tool_version: '4.1' }),
  sdo('vulnerability', { name: 'CVE-2016-1234', external_references: [{ source_name: 'cve', external_id: 'CVE-2016-1234' }] }),
  sdo('relationship', { relationship_type: 'indicates', source_ref: ids.indicator, target_ref: ids.malware, start_time: '2016-01-01T00:00:00Z', stop_time: '2016-02-01T00:00:00Z' }),
  sdo('sighting', { sighting_of_ref: ids.indicator, first_seen: '2016-01-01T00:00:00Z', last_seen: '2016-01-02T00:00:00Z', count: 3, observed_data_refs: [ids.observed], where_sighted_refs: [IDENTITY, ids.location] }),
  { ...sco('artifact', { mime_type: 'image/jpeg', payload_bin: 'iVBORw0KGgoAAAANSUhEUgAAADI=' }), id: ids.artifact },
  sco('artifact', { url: 'https://example.com/file.zip', hashes: { 'SHA-256': SHA256 } }),
  sco('autonomous-system', { number: 15139, name: 'Slime Industries', rir: 'ARIN' }),
  sco('directory', { path: 'C:\\Windows\\System32', ctime: '2015-01-01T00:00:00Z' }),
  sco('domain-name', { value: 'example.com', resolves_to_refs: [ids.ipv4] }),
  { ...sco('email-addr', { value: 'john@example.com', display_name: 'John Doe' }), id: ids.email },
  sco('email-message', { is_multipart: false, date: '1997-11-21T15:55:06.000Z', from_ref: ids.email, to_refs: [ids.email], subject: 'Saying Hello', body: 'Hello' }),
  sco('email-message', { is_multipart: true, body_multipart: [{ content_type: 'text/plain', body: 'Hello' }, { content_type: 'image/png', body_raw_ref: ids.artifact }] }),
  {
    ...sco('file', {
      name: 'qwerty.dll',
      size: 25536,
      hashes: { 'SHA-256': SHA256, MD5: '1717b7fff97d37a1e1a0029d83492de1' },
      extensions: { 'windows-pebinary-ext': { pe_type: 'dll', number_of_sections: 4, sections: [{ name: '.text', entropy: 6.2 }] } },
    }),
    id: ids.file,
  },
  sco('file', { name: 'foo.zip', extensions: { 'archive-ext': { contains_refs: [ids.file] }, 'ntfs-ext': { alternate_data_streams: [{ name: 'second.stream', size: 25536 }] } } }),
  { ...sco('ipv4-addr', { value: '198.51.100.3' }), id: ids.ipv4 },
  sco('ipv4-addr', { value: '10.2.4.0/24' }),
  sco('ipv6-addr', { value: '2001:0db8:85a3:0000:0000:8a2e:0370:7334' }),
  sco('mac-addr', { value: 'd2:fb:49:24:37:18' }),
  sco('mutex', { name: '__CLEANSWEEP__' }),
  sco('network-traffic', {
    src_ref: ids.ipv4,
    dst_ref: ids.ipv4,
    src_port: 223,
    dst_port: 80,
    protocols: ['ipv4', 'tcp', 'http'],
    extensions: { 'http-request-ext': { request_method: 'get', request_value: '/download.html', request_header: { Host: ['www.example.com'] } }, 'tcp-ext': { src_flags_hex: '02' } },
  }),
  sco('process', { pid: 1221, command_line: './gedit-bin --new-window', image_ref: ids.file, extensions: { 'windows-process-ext': { aslr_enabled: true, integrity_level: 'high' } } }),
  { ...sco('software', { name: 'Word', cpe: 'cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*', version: '2002', vendor: 'Microsoft' }), id: ids.software },
  sco('url', { value: 'https://example.com/research/index.html' }),
  sco('user-account', { user_id: '1001', account_login: 'jdoe', account_type: 'unix', extensions: { 'unix-account-ext': { gid: 1001, groups: ['wheel'], home_dir: '/home/jdoe', shell: '/bin/bash' } } }),
  sco('windows-registry-key', { key: 'hkey_local_machine\\system\\bar\\foo', values: [{ name: 'Foo', data: 'qwerty', data_type: 'REG_SZ' }] }),
  sco('x509-certificate', { issuer: 'C=ZA, ST=Western Cape, L=Cape Town, O=Thawte Consulting cc', validity_not_before: '2016-03-12T12:00:00Z', validity_not_after: '2016-08-21T12:00:00Z', serial_number: '36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06' }),
  {
    type: 'marking-definition',
    spec_version: '2.1',
    id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: 'TLP:GREEN',
    definition: { tlp: 'green' },
  },
  {
    type: 'marking-definition',
    spec_version: '2.1',
    id: `marking-definition--${uuid(60)}`,
    created: T,
    created_by_ref: IDENTITY,
    definition_type: 'statement',
    definition: { statement: 'Copyright 2019, Example Corp' },
  },
  {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_GREEN,
    created: '2022-10-01T00:00:00.000Z',
    name: 'TLP:GREEN',
    extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'green' } },
  },
  sdo('language-content', { object_ref: ids.malware, object_modified: T2, contents: { de: { name: 'Bedrohungsakteur', description: 'Eine Beschreibung' }, ru: { name: 'Вымогатель' } } }),
  {
    ...sdo('extension-definition', {
      name: 'Extension Foo Bar',
      description: 'This schema adds two properties to a STIX object',
      schema: 'https://www.example.com/schema-foo-1/v1/',
      version: '1.2.1',
      extension_types: ['property-extension'],
    }),
    id: ids.ext,
  },
].map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

/** Custom content the specification allows (§11). */
export const CUSTOM_EXAMPLES: Obj[] = [
  { ...sdo('x-acme-campaign-note', { name: 'A note', x_acme_score: 5 }) },
  { ...sdo('indicator', { ...INDICATOR, id: `indicator--${uuid(70)}`, x_acme_priority: 'high', x_acme_source_ref: ids.malware }) },
  sco('x-acme-device', { serial: 'A123' }),
  {
    ...sdo('my-favorite-sdo', { name: 'made by an extension', some_property_name1: 'value1' }),
    extensions: { [ids.ext]: { extension_type: 'new-sdo' } },
  },
  {
    ...sdo('indicator', { ...INDICATOR, id: `indicator--${uuid(71)}`, rank: 5, toxicity: 8 }),
    extensions: { [ids.ext]: { extension_type: 'toplevel-property-extension' } },
  },
  {
    ...sdo('malware', { name: 'Emotet', is_family: true }),
    extensions: { [ids.ext]: { extension_type: 'property-extension', rank: 5, toxicity: 8 } },
  },
];
