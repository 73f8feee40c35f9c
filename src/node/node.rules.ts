import { AuthorityKind, type NodeDescription } from './identity.js';

const KINDS = Object.values(AuthorityKind) as string[];

/** Checks a node description; returns the first problem or null. */
export function validateNodeDescription(n: NodeDescription): string | null {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(n.node_id)) return 'node id must be 2-63 characters: lowercase letters, digits and hyphens';
  if (!/^[A-Z]{2}$/.test(n.country)) return 'country must be an ISO 3166-1 alpha-2 code, e.g. UZ';
  const langs = Object.keys(n.names);
  if (langs.length === 0) return 'give the node a name in at least one language';
  for (const [lang, name] of Object.entries(n.names)) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang)) return `invalid language tag: ${lang}`;
    if (name.trim() === '' || name.length > 200) return `the ${lang} name must have 1 to 200 characters`;
  }
  for (const k of n.authority_kinds) if (!KINDS.includes(k)) return `unknown authority kind: ${k} (one of ${KINDS.join(', ')})`;
  return null;
}
