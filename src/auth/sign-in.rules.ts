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
