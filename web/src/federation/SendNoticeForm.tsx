import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field, TextAreaField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';

/** Subject and text of a signed notice for one peer; it is queued and delivered by the outbox. */
export function SendNoticeForm({ peerId, onSend, onSent, onCancel }: { peerId: string; onSend: (subject: string, text: string) => Promise<string[]>; onSent: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const titleId = useId();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const ids = await run(() => onSend(subject.trim(), text));
    if (ids) {
      setSubject('');
      setText('');
      onSent();
    }
  }

  return (
    <form className="form notice-form" onSubmit={handleSubmit} aria-labelledby={titleId}>
      <h3 id={titleId}>{t('peers.noticeTitle', { id: peerId })}</h3>
      <FormErrors error={error} operation="POST /api/v1/peers/{id}/notices">
      <ErrorAlert error={error} />
      <Field label={t('peers.noticeSubject')} pointer="/subject" name="notice-subject" autoComplete="off" value={subject} onChange={(e) => setSubject(e.target.value)} />
      <TextAreaField label={t('peers.noticeText')} pointer="/text" name="notice-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <FormActions label={t('peers.noticeSend')} busy={busy} onCancel={onCancel} />
      </FormErrors>
    </form>
  );
}
