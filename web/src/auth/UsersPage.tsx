import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User, UserWithPassword } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { OneTimeSecret } from '../shared/ui/OneTimeSecret.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { AddUserForm } from './AddUserForm.js';
import { UserRow, type UserRowActions } from './UserRow.js';
import { useSignedIn } from './useSession.js';
import { useUsers } from './useUsers.js';

interface Revealed {
  message: string;
  password: string;
}

/** The node's users: admins manage them, auditors read them. */
export function UsersPage() {
  const { t } = useTranslation();
  const { user: me } = useSignedIn();
  const { data, error, loading, createUser, updateUser, resetUser } = useUsers();
  const { busy, error: actionError, run } = useAction();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const editable = me.role === 'admin';

  function handleCreated(result: UserWithPassword) {
    if (result.one_time_password) setRevealed({ message: t('users.created', { email: result.user.email }), password: result.one_time_password });
  }

  function handleCloseSecret() {
    setRevealed(null);
  }

  const actions: UserRowActions = {
    onRole(user: User, role: Role) {
      void run(() => updateUser(user.id, { role }));
    },
    onToggleDisabled(user: User) {
      void run(() => updateUser(user.id, { disabled: !user.disabled }));
    },
    async onReset(user: User, resetTotp: boolean) {
      const result = await run(() => resetUser(user.id, resetTotp));
      if (result?.one_time_password) setRevealed({ message: t('users.resetDone', { email: user.email }), password: result.one_time_password });
    },
  };

  return (
    <>
      <PageHeader title={t('users.title')} intro={editable ? t('users.intro') : t('users.readOnly')} />
      {revealed && <OneTimeSecret message={revealed.message} secret={revealed.password} onClose={handleCloseSecret} testId="one-time-password" />}
      <ErrorAlert error={error ?? actionError} />
      {editable && (
        <section className="card">
          <AddUserForm onCreate={createUser} onCreated={handleCreated} />
        </section>
      )}
      <section className="card table-card">
        <ResourceTable
          rows={data}
          loading={loading}
          emptyText={t('users.empty')}
          caption={t('users.tableCaption')}
          columns={[t('users.email'), t('users.displayName'), t('users.role'), t('users.status'), t('users.totp'), editable && t('users.actions')]}
          renderRow={(u) => <UserRow key={u.id} user={u} editable={editable} isSelf={u.id === me.id} busy={busy} actions={actions} />}
        />
      </section>
    </>
  );
}
