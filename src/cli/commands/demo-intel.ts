import type { NodeContext } from '../../context.js';
import { createRelease } from '../../intel/releases/releases.service.js';
import { importBundle } from '../../intel/store/import.service.js';

/** TLP 2.0 marking definitions (src/intel/policy/markings.json). */
const TLP = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

const FROM = 'uz-cert';
const TO = 'kz-cybercrime';

/**
 * A small campaign the national CERT holds: a ransomware family, its loader's addresses, an
 * attack pattern, the links between them, and one informant-provided address under TLP:RED.
 * Demo values from the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
 */
function demoBundle(now: string): object {
  const id = (type: string, n: number) => `${type}--de${String(n).padStart(6, '0')}-7a1b-4c2d-8e3f-4a5b6c7d8e9f`;
  const common = (type: string, n: number, tlp: keyof typeof TLP) => ({ type, spec_version: '2.1', id: id(type, n), created: now, modified: now, created_by_ref: id('identity', 1), object_marking_refs: [TLP[tlp]] });
  const indicator = (n: number, name: string, ip: string, tlp: keyof typeof TLP) => ({ ...common('indicator', n, tlp), name, pattern: `[ipv4-addr:value = '${ip}']`, pattern_type: 'stix', valid_from: now, indicator_types: ['malicious-activity'] });
  const rel = (n: number, type: string, from: string, to: string) => ({ ...common('relationship', n, 'green'), relationship_type: type, source_ref: from, target_ref: to });
  const malware = { ...common('malware', 1, 'amber'), name: 'Hospital ransomware family', is_family: true, malware_types: ['ransomware'] };
  const pattern = { ...common('attack-pattern', 1, 'clear'), name: 'Phishing with a malicious attachment', external_references: [{ source_name: 'capec', external_id: 'CAPEC-163' }] };
  const identity = { type: 'identity', spec_version: '2.1', id: id('identity', 1), created: now, modified: now, name: 'Uzbekistan national CERT (demo)', identity_class: 'organization', object_marking_refs: [TLP.clear] };
  const c2 = [indicator(1, 'Loader C2 server', '203.0.113.77', 'green'), indicator(2, 'Loader C2 fallback', '198.51.100.23', 'green'), indicator(3, 'Exfiltration server', '192.0.2.150', 'amber')];
  const informant = indicator(4, 'Operator home address (informant)', '198.51.100.200', 'red');
  const links = [...c2.map((i, n) => rel(n + 1, 'indicates', i.id, malware.id)), rel(9, 'uses', malware.id, pattern.id)];
  return { type: 'bundle', id: 'bundle--de000001-7a1b-4c2d-8e3f-4a5b6c7d8e9f', objects: [identity, malware, pattern, ...c2, informant, ...links] };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * The national CERT's campaign in its store, released to the cybercrime unit by name: all of
 * it goes, the CERT being its source (AMBER) and the release naming the unit (RED); on the
 * unit's node the RED address is seen only by its named recipients (administrators and
 * coordinators), and none of it may go on to another node.
 */
export async function seedDemoIntel(nodes: Map<string, NodeContext>): Promise<number> {
  const ctx = nodes.get(FROM);
  if (!ctx || !nodes.has(TO)) return 0;
  const bundle = new TextEncoder().encode(JSON.stringify(demoBundle(new Date().toISOString())));
  const summary = await importBundle(ctx, { ref: 'cli' }, once(bundle), { bytesTotal: bundle.length });
  await createRelease(ctx, { ref: 'cli' }, { title: 'Hospital ransomware campaign', audience: { kind: 'peer', node_id: TO }, filter: { types: ['identity', 'malware', 'attack-pattern', 'indicator', 'relationship'] } });
  return summary.stored;
}
