import { useTranslation } from 'react-i18next';
import type { ContactChannel } from '../api/types.js';
import { Field, Options, SelectField, TextAreaField } from '../shared/ui/Field.js';

/** Channels beyond the contact's phone and e-mail. */
export const EXTRA_CHANNEL_KINDS = ['messenger', 'fax', 'pgp', 'smime', 'accord'] as const;
export type ExtraChannelKind = (typeof EXTRA_CHANNEL_KINDS)[number];
export const MESSENGERS = ['signal', 'threema', 'wire', 'matrix', 'other'] as const;
type Messenger = (typeof MESSENGERS)[number];

/** One channel as typed: for PGP and S/MIME `value` is the fingerprint and `material` the pasted key or certificate. */
export interface ChannelDraft {
  id: string;
  kind: ExtraChannelKind;
  value: string;
  messenger: Messenger;
  material: string;
}

export function newChannel(kind: ExtraChannelKind = 'messenger'): ChannelDraft {
  return { id: `ch-${Math.random().toString(36).slice(2, 8)}`, kind, value: '', messenger: 'signal', material: '' };
}

export function channelDraftOf(ch: ContactChannel): ChannelDraft {
  const kind = (EXTRA_CHANNEL_KINDS as readonly string[]).includes(ch.kind) ? (ch.kind as ExtraChannelKind) : 'accord';
  return { ...newChannel(kind), value: ch.value, messenger: ch.messenger ?? 'signal', material: ch.key ?? ch.certificate ?? '' };
}

/** Upper-case hex without the spaces and colons fingerprints are pasted with. */
export function normaliseFingerprint(s: string): string {
  return s.replace(/[\s:]/g, '').toUpperCase();
}

export function channelOf(d: ChannelDraft): ContactChannel {
  const material = d.material.trim();
  switch (d.kind) {
    case 'messenger':
      return { kind: 'messenger', messenger: d.messenger, value: d.value.trim() };
    case 'pgp':
      return { kind: 'pgp', value: normaliseFingerprint(d.value), ...(material ? { key: material } : {}) };
    case 'smime':
      return { kind: 'smime', value: normaliseFingerprint(d.value), ...(material ? { certificate: material } : {}) };
    case 'fax':
    case 'accord':
      return { kind: d.kind, value: d.value.trim() };
  }
}

/**
 * The i18n key of what is wrong with a channel's fingerprint, or null (the server checks the
 * same, and that a pasted key or certificate has it): OpenPGP v4 is 40 hex digits, v5 and v6
 * are 64; an S/MIME certificate's SHA-256 fingerprint is 64.
 */
export function fingerprintProblem(d: ChannelDraft): string | null {
  if (!d.value.trim()) return null;
  const fp = normaliseFingerprint(d.value);
  if (d.kind === 'pgp' && !/^([0-9A-F]{40}|[0-9A-F]{64})$/.test(fp)) return 'directory.pgpFingerprintInvalid';
  if (d.kind === 'smime' && !/^[0-9A-F]{64}$/.test(fp)) return 'directory.smimeFingerprintInvalid';
  return null;
}

function ChannelRow({ value, pointer, onChange, onRemove }: { value: ChannelDraft; pointer: string; onChange: (next: ChannelDraft) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const set = <K extends keyof ChannelDraft>(key: K, v: ChannelDraft[K]) => onChange({ ...value, [key]: v });
  const fingerprint = value.kind === 'pgp' || value.kind === 'smime';
  const problem = fingerprintProblem(value);
  return (
    <div className="channel-row" data-channel-form={value.kind}>
      <div className="form-grid">
        <SelectField label={t('directory.channelKind')} value={value.kind} onChange={(e) => set('kind', e.target.value as ExtraChannelKind)}>
          <Options values={EXTRA_CHANNEL_KINDS} label={(k) => t(`directory.channel.${k}`)} />
        </SelectField>
        {value.kind === 'messenger' && (
          <SelectField label={t('directory.messengerLabel')} pointer={`${pointer}/messenger`} value={value.messenger} onChange={(e) => set('messenger', e.target.value as Messenger)}>
            <Options values={MESSENGERS} label={(m) => t(`directory.messenger.${m}`)} />
          </SelectField>
        )}
        <Field
          label={t(`directory.channelValue.${value.kind}`)}
          pointer={`${pointer}/value`}
          hint={problem ? t(problem) : fingerprint ? t(`directory.fingerprintHint.${value.kind}`) : undefined}
          invalid={Boolean(problem)}
          required
          maxLength={fingerprint ? 120 : 200}
          spellCheck={false}
          value={value.value}
          onChange={(e) => set('value', e.target.value)}
        />
      </div>
      {fingerprint && (
        <TextAreaField label={t(`directory.material.${value.kind}`)} pointer={`${pointer}/${value.kind === 'pgp' ? 'key' : 'certificate'}`} rows={4} spellCheck={false} maxLength={16_384} value={value.material} onChange={(e) => set('material', e.target.value)} />
      )}
      <button type="button" className="secondary small" onClick={onRemove}>
        {t('directory.removeChannel')}
      </button>
    </div>
  );
}

/**
 * The contact's other channels: secure messengers, fax, PGP keys and S/MIME certificates
 * (fingerprint required, the key or certificate optional), Accord. On the wire they follow the
 * phone and e-mail (`first` of them) and empty rows are left out: `pointer` and that place
 * name each row's server errors.
 */
export function ChannelFields({ value, onChange, pointer, first }: { value: ChannelDraft[]; onChange: (next: ChannelDraft[]) => void; pointer: string; first: number }) {
  const { t } = useTranslation();
  let sent = first;
  const places = value.map((ch) => (ch.value.trim() ? sent++ : sent));
  return (
    <div className="channel-fields">
      <p className="field-label">{t('directory.otherChannels')}</p>
      {value.map((ch, i) => (
        <ChannelRow key={ch.id} value={ch} pointer={`${pointer}/${places[i]}`} onChange={(next) => onChange(value.map((x) => (x.id === ch.id ? next : x)))} onRemove={() => onChange(value.filter((x) => x.id !== ch.id))} />
      ))}
      <button type="button" className="secondary small" onClick={() => onChange([...value, newChannel()])}>
        {t('directory.addChannel')}
      </button>
    </div>
  );
}
