import { useTranslation } from 'react-i18next';
import type { Agreement } from '../api/types.js';
import { Field, TextAreaField } from '../shared/ui/Field.js';

/** An agreement as typed: the allow-lists as comma-separated text. */
export interface AgreementDraft {
  title: string;
  instrument: string;
  channels: string;
  request_types: string;
  languages: string;
  confidentiality: string;
}

export const EMPTY_AGREEMENT: AgreementDraft = { title: '', instrument: '', channels: '', request_types: '', languages: '', confidentiality: '' };

function list(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

export function agreementOf(d: AgreementDraft): Agreement {
  return {
    title: d.title.trim(),
    instrument: d.instrument.trim(),
    channels: list(d.channels),
    request_types: list(d.request_types),
    languages: list(d.languages),
    confidentiality: d.confidentiality.trim(),
  };
}

export function draftOf(a: Agreement | null): AgreementDraft {
  if (!a) return EMPTY_AGREEMENT;
  return { ...a, channels: a.channels.join(', '), request_types: a.request_types.join(', '), languages: a.languages.join(', ') };
}

/** The fields of an agreement: title, instrument, the three allow-lists and the confidentiality terms. */
export function AgreementFields({ value, onChange }: { value: AgreementDraft; onChange: (next: AgreementDraft) => void }) {
  const { t } = useTranslation();
  const set = (key: keyof AgreementDraft) => (e: { target: { value: string } }) => onChange({ ...value, [key]: e.target.value });

  return (
    <fieldset className="fieldset">
      <legend>{t('groups.agreement')}</legend>
      <div className="form-grid">
        <Field label={t('groups.agreementTitle')} name="agreement-title" autoComplete="off" required maxLength={300} value={value.title} onChange={set('title')} />
        <Field label={t('groups.instrument')} hint={t('groups.instrumentHint')} name="agreement-instrument" autoComplete="off" required maxLength={300} value={value.instrument} onChange={set('instrument')} />
        <Field label={t('groups.channels')} hint={t('groups.listHint')} name="agreement-channels" autoComplete="off" spellCheck={false} value={value.channels} onChange={set('channels')} />
        <Field label={t('groups.requestTypes')} hint={t('groups.requestTypesHint')} name="agreement-request-types" autoComplete="off" spellCheck={false} value={value.request_types} onChange={set('request_types')} />
        <Field label={t('groups.languages')} hint={t('groups.languagesHint')} name="agreement-languages" autoComplete="off" spellCheck={false} value={value.languages} onChange={set('languages')} />
      </div>
      <TextAreaField label={t('groups.confidentiality')} name="agreement-confidentiality" rows={2} maxLength={4000} value={value.confidentiality} onChange={set('confidentiality')} />
    </fieldset>
  );
}
