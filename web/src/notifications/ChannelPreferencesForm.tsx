import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNEL_PREFERENCES, type ChannelPreference, type NotificationPreferences, type NotificationPreferencesChange } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Options } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { orderedKinds, useKindName } from './useNotifications.js';

function KindRow({ kind, value, onChange }: { kind: string; value: ChannelPreference; onChange: (value: ChannelPreference) => void }) {
  const { t } = useTranslation();
  const kindName = useKindName();
  const id = useId();
  return (
    <tr data-kind={kind}>
      <th scope="row">
        <label htmlFor={id}>{kindName(kind)}</label>
        <p id={`${id}-hint`} className="hint">
          {t(`notifications.kindHints.${kind}`, { defaultValue: kind })}
        </p>
      </th>
      <td>
        <select id={id} value={value} aria-describedby={`${id}-hint`} onChange={(e) => onChange(e.target.value as ChannelPreference)}>
          <Options values={CHANNEL_PREFERENCES} label={(c) => t(`notifications.channel.${c}`)} />
        </select>
      </td>
    </tr>
  );
}

/** Per kind of event, the channel it reaches the user by: e-mail, webhook, both or none. Saves only what changed. */
export function ChannelPreferencesForm({
  preferences,
  email,
  emailConfigured = true,
  onSave,
}: {
  preferences: NotificationPreferences;
  email: string;
  /** False when this node cannot send e-mail: the page then promises no e-mail. */
  emailConfigured?: boolean;
  onSave: (change: NotificationPreferencesChange) => Promise<NotificationPreferences>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Record<string, ChannelPreference>>(preferences.kinds);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const current: Record<string, ChannelPreference> = preferences.kinds;
  const kinds = orderedKinds(current);
  const changed = Object.fromEntries(kinds.filter((k) => draft[k] !== current[k]).map((k) => [k, draft[k]!]));
  const dirty = Object.keys(changed).length > 0;
  const needsWebhook = !preferences.webhook_url && kinds.some((k) => draft[k] === 'webhook' || draft[k] === 'both');

  function handleChange(kind: string, value: ChannelPreference) {
    setSaved(false);
    setDraft((d) => ({ ...d, [kind]: value }));
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const result = await run(() => onSave({ kinds: changed }));
    if (result) {
      setDraft((d) => ({ ...d, ...result.kinds }));
      setSaved(true);
    }
  }

  return (
    <form className="card channel-preferences" onSubmit={(e) => void handleSubmit(e)} aria-labelledby="channels-title" noValidate>
      <h2 id="channels-title">{t('notifications.channelsTitle')}</h2>
      <p className="hint" data-testid="channels-intro">
        {t(emailConfigured ? 'notifications.channelsIntro' : 'notifications.channelsIntroNoEmail', { email })}
      </p>
      <ErrorAlert error={error} />
      {saved && (
        <p className="alert alert-success" role="status" data-testid="channels-saved">
          {t('notifications.channelsSaved')}
        </p>
      )}
      {needsWebhook && (
        <p className="alert alert-warn" data-testid="webhook-missing">
          {t('notifications.webhookMissing')}
        </p>
      )}
      <ResourceTable
        rows={kinds}
        className="channel-table"
        columns={[t('notifications.colEvent'), t('notifications.colChannel')]}
        renderRow={(k) => <KindRow key={k} kind={k} value={draft[k] ?? 'none'} onChange={(v) => handleChange(k, v)} />}
      />
      <FormActions label={t('notifications.saveChannels')} busyLabel={t('notifications.saving')} busy={busy} disabled={!dirty} />
    </form>
  );
}
