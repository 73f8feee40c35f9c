import { type KeyObject } from 'node:crypto';
import { verifyEd25519 } from '../../crypto/ed25519.js';
import { canonicalJson, canonicalMembers } from '../../crypto/canonical.js';
import type { NodeIdentity } from '../../node/identity.js';
import type { Signature } from './envelope.js';
import { signEd25519 } from '../../crypto/ed25519.js';

/** Why a message was not accepted; stable codes that both sides log and show. */
export const RejectReason = {
  unknownSender: 'unknown_sender',
  suspendedSender: 'suspended_sender',
  badSignature: 'bad_signature',
  wrongKey: 'wrong_key',
  retiredKey: 'retired_key',
  rateLimited: 'rate_limited',
  notARecipient: 'not_a_recipient',
  expired: 'expired',
  fromTheFuture: 'from_the_future',
  replayed: 'replayed',
  tooLarge: 'too_large',
  unknownType: 'unknown_type',
  invalidBody: 'invalid_body',
  senderMismatch: 'sender_mismatch',
  /** The receiving capability does not take this content from this sender (see MessageType.handle). */
  refused: 'refused',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export interface ReceiptItem {
  message_id: string;
  digest: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: RejectReason;
  detail?: string;
}

/**
 * A signed receipt for one delivered batch: one signature covers every item, so that proof
 * of delivery costs the receiver one signing per batch rather than per message.
 */
export interface Receipt {
  v: 1;
  type: 'federation.receipt';
  batch_id: string;
  by: string;
  received_at: string;
  items: ReceiptItem[];
  sig: Signature;
}

export function signReceipt(id: NodeIdentity, r: Omit<Receipt, 'sig' | 'v' | 'type' | 'by'>): Receipt {
  return signReceiptCanonical(id, r).receipt;
}

/**
 * Signs a receipt and returns it with its canonical JSON, which the inbox sends as it is: a
 * receipt for thousands of messages is written once, item by item, and not serialised again.
 */
export function signReceiptCanonical(id: NodeIdentity, r: Omit<Receipt, 'sig' | 'v' | 'type' | 'by'>): { receipt: Receipt; canonical: string } {
  const unsigned = { v: 1 as const, type: 'federation.receipt' as const, by: id.node_id, ...r };
  const preset = { items: `[${r.items.map((i) => canonicalMembers(i as unknown as Record<string, unknown>)).join(',')}]` };
  const value = signEd25519(Buffer.from(canonicalMembers(unsigned, preset)), id.privateKey).toString('base64url');
  const receipt: Receipt = { ...unsigned, sig: { suite: 'ed25519', key: id.fingerprint, value } };
  return { receipt, canonical: canonicalMembers(receipt as unknown as Record<string, unknown>, { ...preset, sig: canonicalMembers(receipt.sig as unknown as Record<string, unknown>) }) };
}

export function verifyReceipt(r: Receipt, publicKey: KeyObject): boolean {
  const { sig, ...rest } = r;
  try {
    return sig?.suite === 'ed25519' && verifyEd25519(Buffer.from(canonicalJson(rest)), publicKey, Buffer.from(sig.value, 'base64url'));
  } catch {
    return false;
  }
}
