import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import type { PeerRecord } from '../api/types.js';
import { groupFingerprint } from '../node/useNodeInfo.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';

/** The security warning when the peer's key is not the one its operators read out. */
function FingerprintMismatch({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  const { expected, actual } = error.problem;
  return (
    <div className="alert alert-error alert-security" role="alert" data-testid="fingerprint-mismatch">
      <p className="alert-title">{t('peers.mismatchTitle')}</p>
      <p>{t('peers.mismatchText')}</p>
      {typeof expected === 'string' && typeof actual === 'string' ? (
        <dl className="facts">
          <dt>{t('peers.mismatchExpected')}</dt>
          <dd>
            <code className="fingerprint">{groupFingerprint(expected)}</code>
          </dd>
          <dt>{t('peers.mismatchActual')}</dt>
          <dd>
            <code className="fingerprint">{groupFingerprint(actual)}</code>
          </dd>
        </dl>
      ) : (
        error.problem.detail && <p className="alert-detail">{error.problem.detail}</p>
      )}
    </div>
  );
}

/** URL and key fingerprint of a new peer; the node refuses it unless the fingerprints match. */
export function AddPeerForm({ onAdd, onAdded }: { onAdd: (url: string, fingerprint: string) => Promise<PeerRecord>; onAdded: (peer: PeerRecord) => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const { busy, error, run } = useAction();
  const mismatch = error instanceof ApiError && error.slug === 'fingerprint-mismatch' ? error : null;

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const added = await run(() => onAdd(url.trim(), fingerprint.trim()));
    if (added) {
      setUrl('');
      setFingerprint('');
      onAdded(added);
    }
  }

  return (
    <form className="form form-inline" onSubmit={handleSubmit} aria-labelledby="add-peer-title">
      <h2 id="add-peer-title">{t('peers.addTitle')}</h2>
      <p className="intro">{t('peers.addIntro')}</p>
      <FormErrors error={error} operation="POST /api/v1/peers">
      {mismatch ? <FingerprintMismatch error={mismatch} /> : <ErrorAlert error={error} />}
      <div className="form-grid">
        <Field label={t('peers.url')} hint={t('peers.urlHint')} pointer="/url" name="peer-url" type="url" autoComplete="off" value={url} onChange={(e) => setUrl(e.target.value)} />
        <Field
          label={t('peers.fingerprint')}
          hint={t('peers.fingerprintHint')}
          pointer="/fingerprint"
          name="peer-fingerprint"
          autoComplete="off"
          spellCheck={false}
          className="fingerprint-input"
          value={fingerprint}
          onChange={(e) => setFingerprint(e.target.value)}
        />
      </div>
      </FormErrors>
      <FormActions label={t('peers.add')} busyLabel={t('peers.adding')} busy={busy} />
    </form>
  );
}
