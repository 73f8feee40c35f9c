import type { SealedColumn } from '../crypto/secret-box.js';
import type { Role } from './roles.js';

/** TOTP secrets are sealed at rest (recovery codes are only hashes). */
export const AUTH_SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'users', column: 'totp_secret', rowKey: 'id' },
  { table: 'users', column: 'totp_pending_secret', rowKey: 'id' },
];

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  /** Sealed (crypto/secret-box.ts, place `users.totp_secret:<id>`). */
  totp_secret: string | null;
  totp_enabled: number;
  /** A secret being enrolled; it replaces `totp_secret` only once a code from it is confirmed. */
  totp_pending_secret: string | null;
  /** The last TOTP time step accepted (30-second steps since the epoch): a code is good once. */
  totp_last_step: number | null;
  /** JSON array of SHA-256 hashes of unused recovery codes. */
  recovery_codes: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
}

/** A sign-in goes through stages; only `full` reaches the API beyond the sign-in routes. */
export const SessionStage = {
  totp: 'totp',
  passwordChange: 'password_change',
  totpEnrol: 'totp_enrol',
  full: 'full',
} as const;
export type SessionStage = (typeof SessionStage)[keyof typeof SessionStage];

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  stage: SessionStage;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/**
 * Failed sign-ins for e-mails with no usable account (unknown or disabled), counted and locked
 * like a real account's, so that the answers do not tell which accounts exist.
 */
export interface SignInThrottleTable {
  /** SHA-256 of the normalised e-mail. */
  key: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    users: UsersTable;
    sessions: SessionsTable;
    api_tokens: ApiTokensTable;
    sign_in_throttle: SignInThrottleTable;
  }
}
