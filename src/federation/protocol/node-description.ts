import { verify } from 'node:crypto';
import { canonicalJson } from '../../crypto/canonical.js';
import { fingerprintOf, type NodeIdentity } from '../../node/identity.js';
import type { Signature } from './envelope.js';
import { publicKeyFromRaw } from './envelope.js';
import { signEd25519 } from '../../crypto/ed25519.js';

/** What a node says of itself at GET /federation/v1/node, signed with its own key. */
export interface SignedNodeDescription {
  v: 1;
  node_id: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: string[];
  key_suite: 'ed25519';
  public_key: string;
  issued_at: string;
  sig: Signature;
}

export function describeSelf(id: NodeIdentity): SignedNodeDescription {
  const unsigned = {
    v: 1 as const,
    node_id: id.node_id,
    country: id.country,
    names: id.names,
    authority_kinds: id.authority_kinds,
    key_suite: 'ed25519' as const,
    public_key: id.publicKeyRaw,
    issued_at: new Date().toISOString(),
  };
  const value = signEd25519(Buffer.from(canonicalJson(unsigned)), id.privateKey).toString('base64url');
  return { ...unsigned, sig: { suite: 'ed25519', key: id.fingerprint, value } };
}

/** Checks the self-signature and returns the key's fingerprint (to compare with the one read out). */
export function checkNodeDescription(d: SignedNodeDescription): { ok: true; fingerprint: string } | { ok: false; why: string } {
  try {
    const pub = publicKeyFromRaw(d.public_key);
    const { sig, ...rest } = d;
    if (!sig || !verify(null, Buffer.from(canonicalJson(rest)), pub, Buffer.from(sig.value, 'base64url'))) return { ok: false, why: 'the node description is not signed by its own key' };
    return { ok: true, fingerprint: fingerprintOf(pub) };
  } catch (e) {
    return { ok: false, why: `the node description is malformed: ${(e as Error).message}` };
  }
}
