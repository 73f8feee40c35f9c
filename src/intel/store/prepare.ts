import { tlpOfObject } from '../policy/markings.js';
import type { PreparedObject } from './objects.repository.js';

/** Properties whose text a search finds, in this order. */
const SEARCHED = ['name', 'value', 'pattern', 'description', 'aliases', 'labels', 'abstract', 'content', 'explanation', 'x_mitre_id'] as const;
const MAX_SEARCH_TEXT = 4096;

/**
 * A version string that sorts as time does: STIX timestamps may carry any number of
 * fractional digits ("…:00Z", "…:00.1Z", "…:00.123456Z"); read them at millisecond precision,
 * as the specification requires of `created` and `modified`.
 */
export function versionOf(obj: { modified?: unknown; created?: unknown }): string {
  const t = typeof obj.modified === 'string' ? obj.modified : typeof obj.created === 'string' ? obj.created : null;
  if (t === null) return '';
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(t);
  if (!m) return t;
  return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/**
 * U+0000 may stand in a STIX string, but not in a PostgreSQL text: one object holding it in a
 * searched property failed its whole batch there (an import, a feed page, a peer's release).
 * The object itself keeps it, escaped as `\u0000` in its JSON; only the search text drops it.
 */
function searchText(obj: Record<string, unknown>): string {
  const text = searchTextOf(obj);
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

function searchTextOf(obj: Record<string, unknown>): string {
  const parts: string[] = [];
  let n = 0;
  for (const key of SEARCHED) {
    const v = obj[key];
    const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    for (const t of texts) {
      parts.push(t);
      n += t.length + 1;
      if (n >= MAX_SEARCH_TEXT) return parts.join(' ').slice(0, MAX_SEARCH_TEXT).toLowerCase();
    }
  }
  return parts.join(' ').toLowerCase();
}

/** Reads what the store keeps beside a valid object: its version, marking and search text. */
export function prepareObject(obj: Record<string, unknown>, json?: string): PreparedObject {
  const target = obj.type === 'relationship' ? obj.target_ref : obj.type === 'sighting' ? obj.sighting_of_ref : undefined;
  return {
    id: obj.id as string,
    version: versionOf(obj),
    type: obj.type as string,
    spec_version: typeof obj.spec_version === 'string' ? obj.spec_version : '2.1',
    revoked: obj.revoked === true,
    tlp: tlpOfObject(obj)?.level ?? null,
    search_text: searchText(obj),
    json: json ?? JSON.stringify(obj),
    ...(typeof target === 'string' ? { link_target: target } : {}),
  };
}
