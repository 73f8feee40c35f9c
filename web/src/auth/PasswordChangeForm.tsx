import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Stage } from '../api/types.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { MIN_PASSWORD_LENGTH, usePasswordChange } from './usePasswordChange.js';

/** The new password twice, and the current one on the Account page (not in the sign-in step: it was just given). */
export function PasswordChangeForm({ oneTime, onChanged }: { oneTime: boolean; onChanged: (stage: Stage) => void }) {
  const { t } = useTranslation();
  const form = usePasswordChange(onChanged, oneTime);

  function handleSubmit(e: FormEvent) {
    e.preventDefault();
    void form.submit();
  }

  return (
    <form className="form" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={form.error} />
      {form.done && !oneTime && (
        <p className="alert alert-success" role="status">
          {t('passwordChange.done')}
        </p>
      )}
      {!oneTime && (
        <Field
          label={t('passwordChange.current')}
          type="password"
          name="current-password"
          autoComplete="current-password"
          required
          value={form.current}
          onChange={(e) => form.setCurrent(e.target.value)}
        />
      )}
      <Field
        label={t('passwordChange.new')}
        hint={t('passwordChange.hint', { min: MIN_PASSWORD_LENGTH })}
        type="password"
        name="new-password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        value={form.next}
        onChange={(e) => form.setNext(e.target.value)}
      />
      <Field
        label={t('passwordChange.confirm')}
        type="password"
        name="confirm-password"
        autoComplete="new-password"
        required
        value={form.confirm}
        onChange={(e) => form.setConfirm(e.target.value)}
      />
      <FormActions label={t('passwordChange.submit')} busy={form.busy} />
    </form>
  );
}
