import { useTranslation } from 'react-i18next';
import { ROLES, type Role, type User } from '../api/types.js';
import { RoleSelect } from './RoleSelect.js';

export interface UserRowActions {
  onRole: (user: User, role: Role) => void;
  onToggleDisabled: (user: User) => void;
  onReset: (user: User, resetTotp: boolean) => void;
}

/** One user; admins get controls, everyone else (the auditor) sees values only. Nobody edits their own row. */
export function UserRow({ user, editable, isSelf, busy, actions }: { user: User; editable: boolean; isSelf: boolean; busy: boolean; actions: UserRowActions }) {
  const { t } = useTranslation();
  const locked = user.locked_until !== null && user.locked_until > new Date().toISOString();
  const canEdit = editable && !isSelf;

  function handleRole(role: Role) {
    actions.onRole(user, role);
  }
  function handleToggle() {
    actions.onToggleDisabled(user);
  }
  function handleReset() {
    actions.onReset(user, false);
  }
  function handleResetTotp() {
    actions.onReset(user, true);
  }

  return (
    <tr data-email={user.email}>
      <td>{user.email}</td>
      <td>
        {user.display_name}
        {isSelf && <span className="muted"> ({t('users.you')})</span>}
      </td>
      <td>
        {canEdit ? (
          <RoleSelect label={t('users.roleFor', { email: user.email })} hideLabel value={user.role} onChange={handleRole} roles={ROLES} disabled={busy} />
        ) : (
          t(`roles.${user.role}`)
        )}
      </td>
      <td>
        <span className={user.disabled ? 'status status-off' : 'status status-on'}>{user.disabled ? t('users.disabled') : t('users.active')}</span>
        {locked && <span className="status status-warn">{t('users.locked')}</span>}
        {user.must_change_password && <span className="status">{t('users.mustChangePassword')}</span>}
      </td>
      <td>{user.totp_enabled ? t('users.totpOn') : t('users.totpOff')}</td>
      {editable && (
        <td className="actions">
          {canEdit && (
            <div className="button-row">
              <button type="button" className="secondary small" onClick={handleToggle} disabled={busy}>
                {user.disabled ? t('users.enable') : t('users.disable')}
              </button>
              <button type="button" className="secondary small" onClick={handleReset} disabled={busy}>
                {t('users.reset')}
              </button>
              {user.totp_enabled && (
                <button type="button" className="secondary small" onClick={handleResetTotp} disabled={busy}>
                  {t('users.resetTotp')}
                </button>
              )}
            </div>
          )}
        </td>
      )}
    </tr>
  );
}
