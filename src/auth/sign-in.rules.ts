import type { SessionStage } from './auth.tables.js';

/**
 * Which sign-in step comes next. Pure: given the user's state and what this session has
 * already passed, it names the one step still missing, or `full` when there is none.
 */
export function nextSignInStage(
  user: { totp_enabled: boolean; must_change_password: boolean; role: string },
  requireAdminTotp: boolean,
  passedTotp: boolean,
): SessionStage {
  if (user.totp_enabled && !passedTotp) return 'totp';
  if (user.must_change_password) return 'password_change';
  if (!user.totp_enabled && user.role === 'admin' && requireAdminTotp) return 'totp_enrol';
  return 'full';
}

/** After a failed attempt: the new failure count and, when the limit is reached, the lock's end. */
export function afterFailedAttempt(
  failures: number,
  maxFailures: number,
  lockoutMinutes: number,
  now: Date,
): { failed_logins: number; locked_until: string | null } {
  const n = failures + 1;
  if (n >= maxFailures) return { failed_logins: 0, locked_until: new Date(now.getTime() + lockoutMinutes * 60_000).toISOString() };
  return { failed_logins: n, locked_until: null };
}

export function isLocked(lockedUntil: string | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil > now.toISOString();
}
