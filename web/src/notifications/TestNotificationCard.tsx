import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotificationRecord } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';

/** "Send a test notification": the server records one through the user's channels for test notifications. */
export function TestNotificationCard({ onSend }: { onSend: () => Promise<NotificationRecord[]> }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const [recorded, setRecorded] = useState<NotificationRecord[] | null>(null);

  async function handleSend() {
    setRecorded(null);
    const rows = await run(onSend);
    if (rows) setRecorded(rows);
  }

  const channels = recorded?.map((r) => `${t(`notifications.channel.${r.channel}`)}: ${t(`notifications.state.${r.state}`)}`).join(', ');
  return (
    <section className="card test-notification" aria-labelledby="test-notification-title">
      <h2 id="test-notification-title">{t('notifications.testTitle')}</h2>
      <p className="hint">{t('notifications.testIntro')}</p>
      <ErrorAlert error={error} />
      {recorded && (
        <p className="alert alert-success" role="status" data-testid="test-recorded">
          {t('notifications.testRecorded', { channels })}
        </p>
      )}
      <button type="button" disabled={busy} onClick={() => void handleSend()}>
        {busy ? t('notifications.sending') : t('notifications.sendTest')}
      </button>
    </section>
  );
}
