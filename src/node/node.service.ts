import { formatFingerprint, type NodeIdentity } from './identity.js';
import { ACCORD_VERSION } from './package-root.js';

export function describeNode(id: NodeIdentity) {
  return {
    node_id: id.node_id,
    country: id.country,
    names: id.names,
    authority_kinds: id.authority_kinds,
    key_suite: id.suite,
    public_key: id.publicKeyRaw,
    fingerprint: id.fingerprint,
    created_at: id.created_at,
    version: ACCORD_VERSION,
  };
}

export function describeNodeText(id: NodeIdentity): string {
  const names = Object.entries(id.names).map(([l, n]) => `  ${l}: ${n}`).join('\n');
  return [
    `node id:      ${id.node_id}`,
    `country:      ${id.country}`,
    `authorities:  ${id.authority_kinds.join(', ') || '-'}`,
    `names:\n${names}`,
    `key suite:    ${id.suite}`,
    `fingerprint:  ${formatFingerprint(id.fingerprint)}`,
  ].join('\n');
}
