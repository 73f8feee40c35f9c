import type { Role } from './roles.js';

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  totp_secret: string | null;
  totp_enabled: number;
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

declare module '../store/schema.js' {
  interface Database {
    users: UsersTable;
    sessions: SessionsTable;
    api_tokens: ApiTokensTable;
  }
}
