const NOW = '2026-12-01T10:00:00.000Z';
let n = 0;
const uuid = () => `0000${(++n).toString(16).padStart(4, '0')}-aaaa-4bbb-8ccc-${Math.floor(Math.random() * 1e12).toString(16).padStart(12, '0')}`;

/** A valid STIX 2.1 indicator with a fresh id. */
export function indicator(over: Record<string, unknown> = {}) {
  return { type: 'indicator', spec_version: '2.1', id: `indicator--${uuid()}`, created: NOW, modified: NOW, name: 'C2 domain', pattern: "[domain-name:value = 'c2.example.org']", pattern_type: 'stix', valid_from: NOW, ...over };
}

/** A bundle of these objects, as JSON text. */
export const bundle = (objects: unknown[]) => JSON.stringify({ type: 'bundle', id: `bundle--${uuid()}`, objects });
