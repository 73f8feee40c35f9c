import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { timeZoneOptions } from '../forms/time-zones.js';
import { Field } from './Field.js';

/**
 * A time zone, typed or picked from the IANA zones with their current UTC offsets (a searchable
 * list: typing "tash" or "+05" narrows it). The zone chosen shows its offset under the field.
 */
export function TimeZoneField({ label, value, onChange, pointer = '/time_zone', hint }: { label: string; value: string; onChange: (zone: string) => void; pointer?: string; hint?: string }) {
  const { t } = useTranslation();
  const listId = useId();
  const options = useMemo(() => timeZoneOptions(), []);
  const offset = options.find((o) => o.zone === value)?.offset;
  const shown = [hint, offset ? t('validation.zoneOffset', { offset }) : undefined].filter(Boolean).join(' · ');
  return (
    <>
      <Field
        label={label}
        hint={shown || undefined}
        pointer={pointer}
        list={listId}
        autoComplete="off"
        spellCheck={false}
        placeholder={t('validation.zonePlaceholder')}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid="time-zone"
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.zone} value={o.zone} label={o.offset} />
        ))}
      </datalist>
    </>
  );
}
