/**
 * What the web app reads out of a STIX object to show it: a display name and its links to
 * other objects. Pure functions (tested in test/web/intel-view.test.ts); the server has
 * already validated the object, so missing properties are merely left out.
 */

export type StixObject = Record<string, unknown> & { id?: string; type?: string };

/** A link from one object to another: the property that holds it (`created_by_ref`, `object_refs`…). */
export interface StixLink {
  property: string;
  from: string;
  to: string;
}

const NAME_PROPERTIES = ['name', 'value', 'path', 'key', 'number', 'display_name', 'user_id', 'subject', 'pattern', 'result'] as const;

/** The name people know an object by: its name, value, … else its type and the start of its id. */
export function displayName(o: StixObject): string {
  for (const p of NAME_PROPERTIES) {
    const v = o[p];
    if (typeof v === 'string' && v.trim()) return v.length > 120 ? `${v.slice(0, 119)}…` : v;
    if (typeof v === 'number') return String(v);
  }
  if (o.type === 'relationship' && typeof o.relationship_type === 'string') return o.relationship_type;
  if (o.type === 'file' && o.hashes && typeof o.hashes === 'object') {
    const first = Object.values(o.hashes as Record<string, unknown>).find((h) => typeof h === 'string');
    if (typeof first === 'string') return first;
  }
  const id = typeof o.id === 'string' ? o.id : '';
  return `${o.type ?? 'object'} ${id.slice(id.indexOf('--') + 2, id.indexOf('--') + 10)}`.trim();
}

const IDENTIFIER = /^[a-z][a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Every reference the object makes (`*_ref` and `*_refs` properties, at any depth, e.g. in
 * extensions), except marking references, which are shown as badges, not as links.
 */
export function outgoingLinks(o: StixObject): StixLink[] {
  const from = typeof o.id === 'string' ? o.id : '';
  const out: StixLink[] = [];
  const seen = new Set<string>();
  const add = (property: string, to: unknown) => {
    if (typeof to !== 'string' || !IDENTIFIER.test(to)) return;
    const key = `${property} ${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ property, from, to });
  };
  const walk = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'object_marking_refs' || k === 'marking_ref') continue;
      if (k.endsWith('_ref')) add(k, v);
      else if (k.endsWith('_refs') && Array.isArray(v)) for (const x of v) add(k, x);
      else walk(v, depth + 1);
    }
  };
  walk(o, 0);
  return out;
}

/** The type part of a STIX identifier (`indicator--…` → `indicator`). */
export function typeOfId(id: string): string {
  const i = id.indexOf('--');
  return i > 0 ? id.slice(0, i) : id;
}

export interface GraphNode {
  id: string;
  x: number;
  y: number;
}

/**
 * Positions for a star graph: the object in the middle, the objects it links to on a circle
 * around it, in the order given (deterministic, so the picture does not jump between renders).
 */
export function starLayout(center: string, others: readonly string[], width: number, height: number): GraphNode[] {
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) / 2 - 60;
  const nodes: GraphNode[] = [{ id: center, x: cx, y: cy }];
  others.forEach((id, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(others.length, 1);
    nodes.push({ id, x: Math.round(cx + r * Math.cos(a)), y: Math.round(cy + r * Math.sin(a)) });
  });
  return nodes;
}

/** The STIX 2.1 object types, for the type filter (domain, relationship, observable and meta objects). */
export const STIX_TYPES = [
  'attack-pattern', 'campaign', 'course-of-action', 'grouping', 'identity', 'incident', 'indicator', 'infrastructure', 'intrusion-set', 'location', 'malware',
  'malware-analysis', 'note', 'observed-data', 'opinion', 'report', 'threat-actor', 'tool', 'vulnerability', 'relationship', 'sighting',
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr', 'ipv6-addr', 'mac-addr', 'mutex',
  'network-traffic', 'process', 'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate',
  'marking-definition', 'language-content', 'extension-definition',
] as const;
