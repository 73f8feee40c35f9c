import { useTranslation } from 'react-i18next';
import { CONTACT_ROLES, type ContactRole, type DirectoryContact } from '../api/types.js';
import { LANGUAGES } from '../i18n/languages.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { CheckList } from '../shared/ui/CheckList.js';
import { Field, Options, SelectField } from '../shared/ui/Field.js';
import { ChannelFields, channelDraftOf, channelOf, type ChannelDraft } from './ChannelFields.js';
import { ordinalKey, weekdayName } from './directoryText.js';

/** One contact as the editor holds it: text fields as typed. */
export interface ContactDraft {
  id: string;
  role: ContactRole;
  /** A name per language the app speaks (en, ru, uz), '' when not given. */
  names: Record<string, string>;
  languages: string;
  always: boolean;
  days: number[];
  from: string;
  to: string;
  phone: string;
  email: string;
  /** Secure messengers, fax, PGP keys, S/MIME certificates, Accord. */
  channels: ChannelDraft[];
}

const WEEK = [1, 2, 3, 4, 5, 6, 7];
const NAME_LANGUAGES = LANGUAGES.map((l) => l.code);

function emptyNames(): Record<string, string> {
  return Object.fromEntries(NAME_LANGUAGES.map((l) => [l, '']));
}

export function newContact(): ContactDraft {
  const id = `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  return { id, role: 'law_enforcement_24_7', names: emptyNames(), languages: 'en, ru', always: true, days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', phone: '', email: '', channels: [] };
}

export function contactDraftOf(c: DirectoryContact): ContactDraft {
  // The first phone and e-mail have their own fields; every other channel is listed below them.
  const first = (kind: string) => c.channels.findIndex((ch) => ch.kind === kind);
  const phone = first('phone');
  const email = first('email');
  return {
    id: c.id,
    role: c.role,
    names: { ...emptyNames(), ...c.names },
    languages: c.languages.join(', '),
    always: c.hours.always,
    days: c.hours.days ?? [],
    from: c.hours.from ?? '09:00',
    to: c.hours.to ?? '18:00',
    phone: phone >= 0 ? c.channels[phone]!.value : '',
    email: email >= 0 ? c.channels[email]!.value : '',
    channels: c.channels.filter((_, i) => i !== phone && i !== email).map(channelDraftOf),
  };
}

/** Comma- or space-separated language codes. */
export function codesOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
}

export function contactOf(d: ContactDraft, escalation: number): DirectoryContact {
  const names = Object.fromEntries(Object.entries(d.names).map(([l, v]) => [l, v.trim()]).filter(([, v]) => v));
  const channels: DirectoryContact['channels'] = [];
  if (d.phone.trim()) channels.push({ kind: 'phone', value: d.phone.trim() });
  if (d.email.trim()) channels.push({ kind: 'email', value: d.email.trim() });
  for (const ch of d.channels) if (ch.value.trim()) channels.push(channelOf(ch));
  const hours = d.always ? { always: true } : { always: false, days: [...d.days].sort(), from: d.from, to: d.to };
  return { id: d.id, role: d.role, names, languages: codesOf(d.languages), hours, channels, escalation_order: escalation };
}

/** The fields of one contact (its place in the escalation order in the legend), with a button to remove it. */
export function ContactFields({ value, index, onChange, onRemove }: { value: ContactDraft; index: number; onChange: (next: ContactDraft) => void; onRemove?: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const set = <K extends keyof ContactDraft>(key: K, v: ContactDraft[K]) => onChange({ ...value, [key]: v });
  // Where the server's field errors for this contact point (contacts keep their order on the wire).
  const at = `/contacts/${index}`;

  return (
    <fieldset className="fieldset contact-fields" data-contact-form={index}>
      <legend>
        {t('directory.contactN', { n: index + 1 })} · {t(ordinalKey, { count: index + 1, ordinal: true })}
      </legend>
      <div className="form-grid">
        <SelectField label={t('directory.roleLabel')} pointer={`${at}/role`} value={value.role} onChange={(e) => set('role', e.target.value as ContactRole)}>
          <Options values={CONTACT_ROLES} label={(r) => t(`directory.role.${r}`)} />
        </SelectField>
        {NAME_LANGUAGES.map((l) => (
          <Field key={l} label={t(`directory.nameIn.${l}`)} pointer={`${at}/names/${l}`} required={l === 'en'} maxLength={200} value={value.names[l] ?? ''} onChange={(e) => set('names', { ...value.names, [l]: e.target.value })} />
        ))}
        <Field label={t('directory.contactLanguages')} pointer={`${at}/languages`} hint={t('directory.languagesHint')} required value={value.languages} onChange={(e) => set('languages', e.target.value)} />
        <Field label={t('directory.phone')} type="tel" maxLength={200} value={value.phone} onChange={(e) => set('phone', e.target.value)} />
        <Field label={t('directory.email')} type="email" maxLength={200} value={value.email} onChange={(e) => set('email', e.target.value)} />
      </div>
      <ChannelFields value={value.channels} onChange={(channels) => set('channels', channels)} pointer={`${at}/channels`} first={(value.phone.trim() ? 1 : 0) + (value.email.trim() ? 1 : 0)} />
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
