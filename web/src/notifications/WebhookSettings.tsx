import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotificationPreferences, NotificationPreferencesChange } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { OneTimeSecret } from '../shared/ui/OneTimeSecret.js';

type Done = 'saved' | 'removed' | null;

/** The user's webhook: its URL (saved or removed) and the secret that signs deliveries, shown once when made or replaced. */
export function WebhookSettings({
  preferences,
  onSave,
  onRotateSecret,
}: {
  preferences: NotificationPreferences;
  onSave: (change: NotificationPreferencesChange) => Promise<NotificationPreferences>;
  onRotateSecret: () => Promise<string>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [url, setUrl] = useState(preferences.webhook_url ?? '');
  const [done, setDone] = useState<Done>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const trimmed = url.trim();
  const unchanged = trimmed === (preferences.webhook_url ?? '');

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const saved = await run(() => onSave({ webhook_url: trimmed || null }));
    if (!saved) return;
    setDone(saved.webhook_url ? 'saved' : 'removed');
    if (saved.webhook_secret) setSecret(saved.webhook_secret);
  }

  async function handleRemove() {
    setDone(null);
    const saved = await run(() => onSave({ webhook_url: null }));
    if (!saved) return;
    setUrl('');
    setDone('removed');
  }

  async function handleRotate() {
    setDone(null);
    const next = await run(onRotateSecret);
    if (next) setSecret(next);
  }

  return (
    <form className="card webhook-settings" onSubmit={(e) => void handleSubmit(e)} aria-labelledby="webhook-title" noValidate>
      <h2 id="webhook-title">{t('notifications.webhookTitle')}</h2>
      <p className="hint">{t('notifications.webhookIntro')}</p>
      <FormErrors error={error} operation="PUT /api/v1/notifications/preferences">
      <ErrorAlert error={error} />
      {done && (
        <p className="alert alert-success" role="status" data-testid="webhook-done">
          {t(done === 'saved' ? 'notifications.webhookSaved' : 'notifications.webhookRemoved')}
        </p>
      )}
      {secret && <OneTimeSecret message={t('notifications.secretNew')} secret={secret} onClose={() => setSecret(null)} testId="webhook-secret" />}
      <Field
        label={t('notifications.webhookUrl')}
        hint={t('notifications.webhookUrlHint')}
        pointer="/webhook_url"
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://hooks.example.org/accord"
        value={url}
        onChange={(e) => {
          setUrl(e.target.value);
          setDone(null);
        }}
        aria-invalid={error ? true : undefined}
        className="wide-input"
      />
      </FormErrors>
      <FormActions label={t('notifications.saveWebhook')} busy={busy} disabled={unchanged}>
        {preferences.webhook_url && (
          <button type="button" className="secondary danger" disabled={busy} onClick={() => void handleRemove()}>
            {t('notifications.removeWebhook')}
          </button>
        )}
      </FormActions>
      <h3 className="webhook-secret-title">{t('notifications.secretTitle')}</h3>
      <p data-testid="webhook-secret-state">{preferences.webhook_secret_set ? t('notifications.secretSet') : t('notifications.secretNotSet')}</p>
      {preferences.webhook_secret_set && (
        <div className="inline-actions">
          <button type="button" className="secondary" disabled={busy} onClick={() => void handleRotate()} aria-describedby={`${id}-rotate-hint`}>
            {t('notifications.rotateSecret')}
          </button>
          <p id={`${id}-rotate-hint`} className="hint">
            {t('notifications.rotateHint')}
          </p>
        </div>
      )}
    </form>
  );
}
