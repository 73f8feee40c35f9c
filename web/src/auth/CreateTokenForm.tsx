import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';

/** Name and optional lifetime of a new API token. */
export function CreateTokenForm({ onCreate, onCreated }: { onCreate: (name: string, days?: number) => Promise<string>; onCreated: (name: string, token: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const { busy, error, run } = useAction();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    const token = await run(() => onCreate(trimmed, days.trim() === '' ? undefined : Number(days)));
    if (token) {
      setName('');
      setDays('');
      onCreated(trimmed, token);
    }
  }

  return (
    <form className="form form-inline" onSubmit={handleSubmit} aria-labelledby="create-token-title">
      <h2 id="create-token-title">{t('tokens.createTitle')}</h2>
      <FormErrors error={error} operation="POST /api/v1/tokens">
      <ErrorAlert error={error} />
      <div className="form-grid">
        <Field label={t('tokens.name')} pointer="/name" name="token-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        <Field
          label={t('tokens.expiresInDays')}
          hint={t('tokens.expiresHint')}
          pointer="/expires_in_days"
          name="token-days"
          type="number"
          min={1}
          max={3650}
          inputMode="numeric"
          value={days}
          onChange={(e) => setDays(e.target.value)}
        />
      </div>
      </FormErrors>
      <FormActions label={t('tokens.create')} busy={busy} />
    </form>
  );
}
