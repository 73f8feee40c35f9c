import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormActions } from './FormActions.js';

/** A secret the server shows once (one-time password, API token), with a copy button. */
export function OneTimeSecret({ message, secret, onClose, testId }: { message: string; secret: string; onClose: () => void; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);

  async function handleCopy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <div className="alert alert-success one-time" role="status">
      <p>{message}</p>
      <p>
        <code className="secret" data-testid={testId}>
          {secret}
        </code>
      </p>
      <p className="muted">{t('common.oneTimeNotice')}</p>
      <FormActions label={copied ? t('common.copied') : t('common.copy')} onConfirm={() => void handleCopy()} onCancel={onClose} cancelLabel={t('common.close')} />
    </div>
  );
}
