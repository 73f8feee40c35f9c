import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role, type UserWithPassword } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { RoleSelect } from './RoleSelect.js';

/** E-mail, name and role of a new user; the server returns a one-time password. */
export function AddUserForm({ onCreate, onCreated }: { onCreate: (input: { email: string; display_name: string; role: Role }) => Promise<UserWithPassword>; onCreated: (result: UserWithPassword) => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const { busy, error, run } = useAction();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => onCreate({ email: email.trim(), display_name: displayName.trim(), role }));
    if (result) {
      setEmail('');
      setDisplayName('');
      setRole('officer');
      onCreated(result);
    }
  }

  return (
    <form className="form form-inline" onSubmit={handleSubmit} aria-labelledby="add-user-title">
      <h2 id="add-user-title">{t('users.addTitle')}</h2>
      <FormErrors error={error} operation="POST /api/v1/users">
      <ErrorAlert error={error} />
      <div className="form-grid">
        <Field label={t('users.email')} pointer="/email" type="email" name="new-user-email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t('users.displayName')} pointer="/display_name" name="new-user-name" autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        <RoleSelect label={t('users.role')} value={role} onChange={setRole} roles={ROLES} />
      </div>
      </FormErrors>
      <FormActions label={t('users.add')} busy={busy} />
    </form>
  );
}
