/** Shapes of the node's HTTP API (see the OpenAPI document at /api/docs). */

export const ROLES = ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Stage = 'totp' | 'password_change' | 'totp_enrol' | 'full';

export interface User {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  totp_enabled: boolean;
  must_change_password: boolean;
  locked_until: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionInfo {
  stage: Stage;
  csrf_token: string;
  expires_at: string;
  user: User;
}

export interface NodeInfo {
  node_id: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: string[];
  key_suite: string;
  public_key: string;
  fingerprint: string;
  created_at: string;
  version: string;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface UserWithPassword {
  user: User;
  one_time_password?: string;
}

export interface ApiToken {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_before: number | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBroken?: { seq: number; reason: string; detail: string };
}

export type PeerStatus = 'active' | 'suspended' | 'removed';

/** A peer with its delivery state, as GET /api/v1/peers lists it. */
export interface Peer {
  node_id: string;
  base_url: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: string[];
  key_suite: string;
  fingerprint: string;
  status: PeerStatus;
  added_at: string;
  last_contact_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  failures: number;
  next_attempt_at: string | null;
  queue_length: number;
  oldest_undelivered_at: string | null;
  /** null: not known yet (never contacted, never failed). */
  reachable: boolean | null;
}

/** A peer as the actions on it return it: without the delivery state. */
export type PeerRecord = Omit<Peer, 'queue_length' | 'oldest_undelivered_at' | 'reachable'>;

/** A peer's signed receipt for a batch of messages. */
export interface Receipt {
  v: number;
  type: string;
  batch_id: string;
  by: string;
  received_at: string;
  items: { message_id: string; digest: string; status: string; reason?: string; detail?: string }[];
  sig: { suite: string; key: string; value: string };
}

export interface PingResult {
  /** The peer's node id. */
  peer: string;
  rtt_ms: number;
  receipt: Receipt;
}

/** RFC 9457 problem details, as every error of the API is returned. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extra: string]: unknown;
}
