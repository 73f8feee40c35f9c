/**
 * The case bundle format, version 1 (docs/evidence.md, "Case bundle format"): one tar archive
 * holding a case's signed events, the receipts of the batches that carried them, the custody
 * log of its attachments and, by choice, the attachments themselves, with a manifest signed
 * by the exporting node that lists every member's SHA-256 and every public key needed.
 * Platform-neutral: no Node import, so that the verifier runs in the browser too.
 */

export const BUNDLE_FORMAT = 'accord.case-bundle';
export const BUNDLE_VERSION = 1;
export const BUNDLE_EXTENSION = '.accord-bundle';
export const CUSTODY_TYPE = 'evidence.custody/v1';
export const CASE_EVENT_TYPE = 'cases.event/v1';

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_SIG_PATH = 'manifest.sig';

/** A public key of a party, valid for what it signed from `valid_from` (inclusive) to `valid_until` (inclusive); null: unbounded on that side. */
export interface BundleKey {
  node_id: string;
  suite: 'ed25519';
  /** SHA-256 of the raw 32-byte public key, lowercase hex. */
  fingerprint: string;
  /** The raw 32-byte Ed25519 public key, base64url without padding. */
  public_key: string;
  valid_from: string | null;
  /** When the key was retired (the rotation's effective time); null for a current key. */
  valid_until: string | null;
}

export interface BundleMember {
  path: string;
  sha256: string;
  size: number;
}

export interface BundleAttachment {
  id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: number;
  /** Whether its plaintext is in the bundle as attachments/<sha256>. */
  included: boolean;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  case_id: string;
  /** The node that exported the bundle and signed this manifest. */
  exported_by: string;
  created_at: string;
  /** The two parties of the case: requesting, then requested. */
  parties: string[];
  keys: BundleKey[];
  /** true: the attachments' plaintext is included; false: only their hashes. */
  attachments_included: boolean;
  attachments: BundleAttachment[];
  /** Every member but manifest.json and manifest.sig. */
  members: BundleMember[];
}

export interface BundleSignature {
  suite: 'ed25519';
  key: string;
  value: string;
}

/** Stable codes of what a verification can find wrong. */
export const BundleProblem = {
  notABundle: 'not_a_bundle',
  manifestMissing: 'manifest_missing',
  manifestInvalid: 'manifest_invalid',
  unsupportedVersion: 'unsupported_version',
  manifestSignatureMissing: 'manifest_signature_missing',
  manifestSignatureInvalid: 'manifest_signature_invalid',
  exporterNotTrusted: 'exporter_not_trusted',
  keyInvalid: 'key_invalid',
  keyFingerprintMismatch: 'key_fingerprint_mismatch',
  keyUnknown: 'key_unknown',
  keyNotValidAtTime: 'key_not_valid_at_time',
  memberMissing: 'member_missing',
  memberUnexpected: 'member_unexpected',
  memberDuplicate: 'member_duplicate',
  memberHashMismatch: 'member_hash_mismatch',
  memberSizeMismatch: 'member_size_mismatch',
  memberTooLarge: 'member_too_large',
  eventInvalid: 'event_invalid',
  eventSignatureInvalid: 'event_signature_invalid',
  eventWrongCase: 'event_wrong_case',
  eventNotAParty: 'event_not_a_party',
  eventDuplicate: 'event_duplicate',
  eventSeenMissing: 'event_seen_missing',
  eventCycle: 'event_cycle',
  openingMissing: 'opening_missing',
  openingMultiple: 'opening_multiple',
  receiptInvalid: 'receipt_invalid',
  receiptSignatureInvalid: 'receipt_signature_invalid',
  receiptNotByAParty: 'receipt_not_by_a_party',
  receiptUnrelated: 'receipt_unrelated',
  receiptDigestMismatch: 'receipt_digest_mismatch',
  custodyInvalid: 'custody_invalid',
  custodySignatureInvalid: 'custody_signature_invalid',
  custodyWrongCase: 'custody_wrong_case',
  custodyRecorderMismatch: 'custody_recorder_mismatch',
  custodySeqGap: 'custody_seq_gap',
  custodySeqDuplicate: 'custody_seq_duplicate',
  custodyPrevMismatch: 'custody_prev_mismatch',
  custodyUnknownAttachment: 'custody_unknown_attachment',
  attachmentHashMismatch: 'attachment_hash_mismatch',
  attachmentMissing: 'attachment_missing',
} as const;
export type BundleProblem = (typeof BundleProblem)[keyof typeof BundleProblem];

export interface BundleIssue {
  code: BundleProblem;
  /** The member concerned (a path in the archive), when there is one. */
  path?: string;
  event_id?: string;
  batch_id?: string;
  seq?: number;
  node_id?: string;
  fingerprint?: string;
  message: string;
}

export interface BundleReport {
  ok: boolean;
  format: string | null;
  version: number | null;
  case_id: string | null;
  exported_by: string | null;
  /** The fingerprint of the key that signed the manifest: compare it with the exporting node's, read out of band. */
  exporter_fingerprint: string | null;
  created_at: string | null;
  attachments_included: boolean | null;
  problems: BundleIssue[];
  checked: {
    members: number;
    bytes: number;
    keys: number;
    signatures: number;
    events: number;
    receipts: number;
    custody_entries: number;
    attachments: number;
  };
}

const pad = (n: number) => String(n).padStart(4, '0');
export const eventPath = (index: number, envelopeId: string) => `events/${pad(index)}-${envelopeId}.json`;
export const receiptPath = (batchId: string) => `receipts/${batchId}.json`;
export const custodyPath = (seq: number) => `custody/${pad(seq)}.json`;
export const attachmentPath = (sha256: string) => `attachments/${sha256}`;

export const EVENT_PATH = /^events\/(\d{4,})-([A-Za-z0-9-]{1,100})\.json$/;
export const RECEIPT_PATH = /^receipts\/([A-Za-z0-9-]{1,100})\.json$/;
export const CUSTODY_PATH = /^custody\/(\d{4,})\.json$/;
export const ATTACHMENT_PATH = /^attachments\/([0-9a-f]{64})$/;
