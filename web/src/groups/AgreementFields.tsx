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
  /** Hours to acknowledge a request, per priority; empty for Accord's default. */
  ack_emergency: string;
  ack_urgent: string;
  ack_routine: string;
}

export const EMPTY_AGREEMENT: AgreementDraft = { title: '', instrument: '', channels: '', request_types: '', languages: '', confidentiality: '', ack_emergency: '', ack_urgent: '', ack_routine: '' };

export const PRIORITIES = ['emergency', 'urgent', 'routine'] as const;
type AckKey = `ack_${(typeof PRIORITIES)[number]}`;

function list(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

export function agreementOf(d: AgreementDraft): Agreement {
  // A number the server refuses (0, 1.5) is sent as typed, so that its message shows at the field.
  const hours = Object.fromEntries(PRIORITIES.filter((p) => d[`ack_${p}`].trim() !== '').map((p) => [p, Number(d[`ack_${p}`])]));
  return {
    title: d.title.trim(),
    instrument: d.instrument.trim(),
    channels: list(d.channels),
    request_types: list(d.request_types),
    languages: list(d.languages),
    confidentiality: d.confidentiality.trim(),
    ...(Object.keys(hours).length ? { acknowledgement_hours: hours } : {}),
  };
}

export function draftOf(a: Agreement | null): AgreementDraft {
  if (!a) return EMPTY_AGREEMENT;
  const h = a.acknowledgement_hours ?? {};
  const { acknowledgement_hours: _hours, ...rest } = a;
  return { ...rest, channels: a.channels.join(', '), request_types: a.request_types.join(', '), languages: a.languages.join(', '), ack_emergency: String(h.emergency ?? ''), ack_urgent: String(h.urgent ?? ''), ack_routine: String(h.routine ?? '') };
}

/**
 * The lists and the confidentiality terms may be empty (an empty list allows nothing), so they
 * are not marked required although the schema requires the property.
 *
 * The fields of an agreement: title, instrument, the three allow-lists, the confidentiality terms
 * and the hours to acknowledge a request. `termsOnly` leaves out title and instrument (an adopted
 * agreement brings its own).
 */
export function AgreementFields({ value, onChange, termsOnly = false, legend, pointerBase = '/agreement' }: { value: AgreementDraft; onChange: (next: AgreementDraft) => void; termsOnly?: boolean; legend?: string; pointerBase?: string }) {
  const { t } = useTranslation();
  const set = (key: keyof AgreementDraft) => (e: { target: { value: string } }) => onChange({ ...value, [key]: e.target.value });

  return (
    <fieldset className="fieldset">
      <legend>{legend ?? t('groups.agreement')}</legend>
      <div className="form-grid">
        {!termsOnly && (
          <>
            <Field label={t('groups.agreementTitle')} name="agreement-title" pointer={`${pointerBase}/title`} autoComplete="off" required maxLength={300} value={value.title} onChange={set('title')} />
            <Field label={t('groups.instrument')} hint={t('groups.instrumentHint')} name="agreement-instrument" pointer={`${pointerBase}/instrument`} autoComplete="off" required maxLength={300} value={value.instrument} onChange={set('instrument')} />
          </>
        )}
        <Field label={t('groups.channels')} hint={t('groups.listHint')} name="agreement-channels" pointer={`${pointerBase}/channels`} required={false} autoComplete="off" spellCheck={false} value={value.channels} onChange={set('channels')} />
        <Field label={t('groups.requestTypes')} hint={t('groups.requestTypesHint')} name="agreement-request-types" pointer={`${pointerBase}/request_types`} required={false} autoComplete="off" spellCheck={false} value={value.request_types} onChange={set('request_types')} />
        <Field label={t('groups.languages')} hint={t('groups.languagesHint')} name="agreement-languages" pointer={`${pointerBase}/languages`} required={false} autoComplete="off" spellCheck={false} value={value.languages} onChange={set('languages')} />
      </div>
      <TextAreaField label={t('groups.confidentiality')} name="agreement-confidentiality" pointer={`${pointerBase}/confidentiality`} required={false} rows={2} maxLength={4000} value={value.confidentiality} onChange={set('confidentiality')} />
      <div className="form-grid">
        {PRIORITIES.map((p) => {
          const key: AckKey = `ack_${p}`;
          return (
            <Field key={p} label={t('groups.ackHours', { priority: t(`groups.priority.${p}`) })} hint={t('groups.ackHoursHint')} name={`agreement-ack-${p}`} pointer={`${pointerBase}/acknowledgement_hours/${p}`} type="number" inputMode="numeric" min={1} max={8760} step={1} value={value[key]} onChange={set(key)} />
          );
        })}
      </div>
    </fieldset>
  );
}
