import { useTranslation } from 'react-i18next';
import { CONTACT_ROLES, type ContactRole, type DirectoryContact } from '../api/types.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { CheckList } from '../shared/ui/CheckList.js';
import { Field, Options, SelectField } from '../shared/ui/Field.js';
import { weekdayName } from './DirectoryCard.js';

/** One contact as the editor holds it: text fields as typed. */
export interface ContactDraft {
  id: string;
  role: ContactRole;
  nameEn: string;
  nameRu: string;
  languages: string;
  always: boolean;
  days: number[];
  from: string;
  to: string;
  phone: string;
  email: string;
}

const WEEK = [1, 2, 3, 4, 5, 6, 7];

export function newContact(): ContactDraft {
  const id = `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return { id, role: 'law_enforcement_24_7', nameEn: '', nameRu: '', languages: 'en, ru', always: true, days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', phone: '', email: '' };
}

export function contactDraftOf(c: DirectoryContact): ContactDraft {
  const channel = (kind: string) => c.channels.find((ch) => ch.kind === kind)?.value ?? '';
  return {
    id: c.id,
    role: c.role,
    nameEn: c.names.en ?? '',
    nameRu: c.names.ru ?? '',
    languages: c.languages.join(', '),
    always: c.hours.always,
    days: c.hours.days ?? [],
    from: c.hours.from ?? '09:00',
    to: c.hours.to ?? '18:00',
    phone: channel('phone'),
    email: channel('email'),
  };
}

/** Comma- or space-separated language codes. */
export function codesOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
}

export function contactOf(d: ContactDraft, escalation: number): DirectoryContact {
  const names: Record<string, string> = {};
  if (d.nameEn.trim()) names.en = d.nameEn.trim();
  if (d.nameRu.trim()) names.ru = d.nameRu.trim();
  const channels: DirectoryContact['channels'] = [];
  if (d.phone.trim()) channels.push({ kind: 'phone', value: d.phone.trim() });
  if (d.email.trim()) channels.push({ kind: 'email', value: d.email.trim() });
  const hours = d.always ? { always: true } : { always: false, days: [...d.days].sort(), from: d.from, to: d.to };
  return { id: d.id, role: d.role, names, languages: codesOf(d.languages), hours, channels, escalation_order: escalation };
}

/** The fields of one contact, with a button to remove it. */
export function ContactFields({ value, index, onChange, onRemove }: { value: ContactDraft; index: number; onChange: (next: ContactDraft) => void; onRemove?: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const set = <K extends keyof ContactDraft>(key: K, v: ContactDraft[K]) => onChange({ ...value, [key]: v });

  return (
    <fieldset className="fieldset contact-fields" data-contact-form={index}>
      <legend>{t('directory.contactN', { n: index + 1 })}</legend>
      <div className="form-grid">
        <SelectField label={t('directory.roleLabel')} value={value.role} onChange={(e) => set('role', e.target.value as ContactRole)}>
          <Options values={CONTACT_ROLES} label={(r) => t(`directory.role.${r}`)} />
        </SelectField>
        <Field label={t('directory.nameEn')} required maxLength={200} value={value.nameEn} onChange={(e) => set('nameEn', e.target.value)} />
        <Field label={t('directory.nameRu')} maxLength={200} value={value.nameRu} onChange={(e) => set('nameRu', e.target.value)} />
        <Field label={t('directory.contactLanguages')} hint={t('directory.languagesHint')} required value={value.languages} onChange={(e) => set('languages', e.target.value)} />
        <Field label={t('directory.phone')} type="tel" maxLength={200} value={value.phone} onChange={(e) => set('phone', e.target.value)} />
        <Field label={t('directory.email')} type="email" maxLength={200} value={value.email} onChange={(e) => set('email', e.target.value)} />
      </div>
      <label className="inline-field">
        <input type="checkbox" checked={value.always} onChange={(e) => set('always', e.target.checked)} />
        {t('directory.alwaysLabel')}
      </label>
      {!value.always && (
        <div className="hours-fields">
          <CheckList items={WEEK} checked={value.days} onChange={(days) => set('days', days)} label={(d) => weekdayName(d, language)} aria-label={t('directory.days')} />
          <div className="form-grid">
            <Field label={t('directory.from')} type="time" required value={value.from} onChange={(e) => set('from', e.target.value)} />
            <Field label={t('directory.to')} type="time" required value={value.to} onChange={(e) => set('to', e.target.value)} />
          </div>
        </div>
      )}
      {onRemove && (
        <button type="button" className="secondary small danger" onClick={onRemove}>
          {t('directory.removeContact')}
        </button>
      )}
    </fieldset>
  );
}
