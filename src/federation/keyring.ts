import { verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical.js';
import { publicKeyFromRaw, verifyEnvelopeSignature, type Envelope } from './protocol/envelope.js';
import type { NodeContext } from '../context.js';
import type { PeerRow } from './peers.repository.js';
import { fingerprintOf } from '../node/identity.js';

/**
 * The keys we accept from one peer: its current key, and retired keys — each only for
 * messages issued before the moment it was retired. Key rotation (docs/federation-protocol.md)
 * moves the current key to the retired list.
 */
export interface PeerKey {
  fingerprint: string;
  publicKey: string;
  key: KeyObject;
  retiredAt?: string;
}

export interface Keyring {
  current: PeerKey;
  retired: PeerKey[];
}

export const KEY_ROTATION_TYPE = 'federation.key_rotation/v1';

export interface KeyRotationBody {
  old_fingerprint: string;
  new_public_key: string;
  new_fingerprint: string;
  effective_at: string;
  /** The new key's signature over {node_id, old_fingerprint, new_public_key}: proof of possession. */
  proof: string;
}

export function rotationProofInput(nodeId: string, b: Pick<KeyRotationBody, 'old_fingerprint' | 'new_public_key'>): Buffer {
  return Buffer.from(canonicalJson({ node_id: nodeId, old_fingerprint: b.old_fingerprint, new_public_key: b.new_public_key }));
}

export function keyringOf(peer: Pick<PeerRow, 'fingerprint' | 'public_key' | 'retired_keys'>): Keyring {
  const retired = (JSON.parse(peer.retired_keys) as { public_key: string; fingerprint: string; retired_at: string }[]).map((r) => ({
    fingerprint: r.fingerprint,
    publicKey: r.public_key,
    key: publicKeyFromRaw(r.public_key),
    retiredAt: r.retired_at,
  }));
  return { current: { fingerprint: peer.fingerprint, publicKey: peer.public_key, key: publicKeyFromRaw(peer.public_key) }, retired };
}

/** The key to check a message with, or why there is none. */
export function keyFor(ring: Keyring, fingerprint: string, issuedAt: string): { key: KeyObject } | { reason: 'wrong_key' | 'retired_key' } {
  if (fingerprint === ring.current.fingerprint) return { key: ring.current.key };
  const old = ring.retired.find((k) => k.fingerprint === fingerprint);
  if (!old) return { reason: 'wrong_key' };
  // At `retiredAt` itself the old key signs its last message: the rotation announcement.
  return issuedAt <= old.retiredAt! ? { key: old.key } : { reason: 'retired_key' };
}

/**
 * Bounds on a rotation's times: `effective_at` must lie within the replay window of the
 * announcement's `issued_at` (else a retired key could stay valid for messages "issued" until
 * year 9999), and the announcement must not come from the future.
 */
export interface RotationLimits {
  windowMs: number;
  /** Latest acceptable `issued_at` (our clock plus the allowed skew), in ms since the epoch. */
  notAfter: number;
}

/** The limits from this node's settings: the replay window, and our clock plus the allowed skew. */
export function rotationLimits(ctx: Pick<NodeContext, 'settings'>, now = new Date()): RotationLimits {
  return { windowMs: ctx.settings.replayWindowSeconds * 1000, notAfter: now.getTime() + ctx.settings.clockSkewSeconds * 1000 };
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/**
 * Checks a rotation announcement: signed by the current key, with a valid proof from the new
 * one, whose fingerprint is the one announced, effective close to when it was issued.
 */
export function checkRotation(ring: Keyring, e: Envelope, limits: RotationLimits): KeyRotationBody | null {
  if (e.type !== KEY_ROTATION_TYPE || e.sig?.key !== ring.current.fingerprint) return null;
  const b = e.body as KeyRotationBody;
  if (b?.old_fingerprint !== ring.current.fingerprint || typeof b.new_public_key !== 'string' || typeof b.new_fingerprint !== 'string' || typeof b.proof !== 'string') return null;
  if (typeof b.effective_at !== 'string' || typeof e.issued_at !== 'string' || !ISO_TIME.test(b.effective_at) || !ISO_TIME.test(e.issued_at)) return null;
  const effective = Date.parse(b.effective_at);
  const issued = Date.parse(e.issued_at);
  if (!Number.isFinite(effective) || !Number.isFinite(issued) || Math.abs(effective - issued) > limits.windowMs || issued > limits.notAfter) return null;
  try {
    const newKey = publicKeyFromRaw(b.new_public_key);
    if (fingerprintOf(newKey) !== b.new_fingerprint) return null;
    if (!verifyEnvelopeSignature(e, ring.current.key)) return null;
    if (!verify(null, rotationProofInput(e.from, b), newKey, Buffer.from(b.proof, 'base64url'))) return null;
    return b;
  } catch {
    return null;
  }
}

/** The keyring after a rotation: the new key is current, the old one retired at `effective_at`. */
export function rotated(ring: Keyring, b: KeyRotationBody): Keyring {
  return {
    current: { fingerprint: b.new_fingerprint, publicKey: b.new_public_key, key: publicKeyFromRaw(b.new_public_key) },
    retired: [...ring.retired, { ...ring.current, retiredAt: b.effective_at }],
  };
}

/** Rotations travel first in their batch (the sender puts at most this many ahead of the rest). */
const ROTATIONS_AHEAD = 10;

/** A batch signed with a key we do not know yet may carry, first, the rotation that announces it. */
export function keyringForBatch(ring: Keyring, batch: Envelope<{ envelopes: Envelope[] }>, limits: RotationLimits): Keyring {
  if (batch.sig.key === ring.current.fingerprint) return ring;
  // Only a few candidates, each filtered on the announced fingerprint before any signature is
  // checked: a batch under an unknown key costs little whatever it holds.
  for (const e of batch.body.envelopes.slice(0, ROTATIONS_AHEAD)) {
    if ((e.body as Partial<KeyRotationBody> | null)?.new_fingerprint !== batch.sig.key) continue;
    const b = checkRotation(ring, e, limits);
    if (b) return rotated(ring, b);
  }
  return ring;
}
