import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field, TextAreaField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import type { Notice } from './useNotices.js';

/** A notice answering `notice`, sent to the other node of its thread. */
export function NoticeReplyForm({ notice, onReply, onSent, onCancel }: { notice: Notice; onReply: (subject: string, text: string) => Promise<Notice>; onSent: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [subject, setSubject] = useState(() => (notice.subject.startsWith('Re: ') ? notice.subject : `Re: ${notice.subject}`).slice(0, 200));
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  const titleId = useId();
  const peer = notice.direction === 'received' ? notice.from_node : notice.to_node;

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (await run(() => onReply(subject.trim(), text))) onSent();
  }

  return (
    <form className="form notice-form" onSubmit={handleSubmit} aria-labelledby={titleId}>
      <h4 id={titleId}>{t('notices.replyTitle', { id: peer })}</h4>
      <ErrorAlert error={error} />
      <Field label={t('notices.subject')} name="reply-subject" autoComplete="off" required maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
      <TextAreaField label={t('notices.text')} name="reply-text" rows={3} maxLength={10_000} value={text} onChange={(e) => setText(e.target.value)} />
      <FormActions label={t('notices.sendReply')} busy={busy} onCancel={onCancel} />
    </form>
  );
}
