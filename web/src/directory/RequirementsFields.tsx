import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { DirectoryEntry } from '../api/types.js';
import { useResource } from '../shared/hooks/useResource.js';
import { CheckList } from '../shared/ui/CheckList.js';
import { Field, SelectField, TextAreaField } from '../shared/ui/Field.js';
import { codesOf } from './ContactFields.js';

export type Requirements = NonNullable<DirectoryEntry['requirements']>;

/** One extra field as the editor holds it: the request types as typed, the labels per language. */
interface ExtraFieldDraft {
  key: string;
  id: string;
  types: string;
  en: string;
  ru: string;
  uz: string;
}

/** The requirements profile as the editor holds it: text as typed, per-type settings by type id. */
export interface RequirementsDraft {
  languages: string;
  types: string[];
  extra: ExtraFieldDraft[];
  days: Record<string, string>;
  sendTo: Record<string, string>;
  notesEn: string;
  notesRu: string;
}

let keys = 0;
const newExtra = (): ExtraFieldDraft => ({ key: `extra-${++keys}`, id: '', types: '*', en: '', ru: '', uz: '' });

export function requirementsDraftOf(r: Requirements | undefined): RequirementsDraft {
  return {
    languages: (r?.languages ?? []).join(', '),
    types: r?.request_types ?? [],
    extra: (r?.extra_fields ?? []).map((f) => ({ key: `extra-${++keys}`, id: f.id, types: f.request_types.join(', '), en: f.label.en ?? '', ru: f.label.ru ?? '', uz: f.label.uz ?? '' })),
    days: Object.fromEntries((r?.typical_days ?? []).map((d) => [d.request_type, String(d.days)])),
    sendTo: Object.fromEntries((r?.send_to ?? []).map((s) => [s.request_type, s.contact])),
    notesEn: r?.notes?.en ?? '',
    notesRu: r?.notes?.ru ?? '',
  };
}

/** The profile to publish, or undefined when nothing was filled in (the entry then carries none). */
export function requirementsOf(d: RequirementsDraft): Requirements | undefined {
  const notes = Object.fromEntries(
    [
      ['en', d.notesEn.trim()],
      ['ru', d.notesRu.trim()],
    ].filter(([, v]) => v),
  );
  const r: Requirements = {
    languages: codesOf(d.languages),
    request_types: d.types,
    extra_fields: d.extra
      .filter((f) => f.id.trim())
      .map((f) => ({
        id: f.id.trim(),
        request_types: f.types.split(',').map((s) => s.trim()).filter(Boolean),
        label: Object.fromEntries(Object.entries({ en: f.en.trim(), ru: f.ru.trim(), uz: f.uz.trim() }).filter(([, v]) => v)),
      })),
    send_to: Object.entries(d.sendTo)
      .filter(([, c]) => c)
      .map(([request_type, contact]) => ({ request_type, contact })),
    typical_days: Object.entries(d.days)
      .filter(([, v]) => v.trim() !== '')
      .map(([request_type, v]) => ({ request_type, days: Number(v) })),
    ...(Object.keys(notes).length ? { notes } : {}),
  };
  const empty = !r.languages.length && !r.request_types.length && !r.extra_fields.length && !r.send_to.length && !r.typical_days.length && !r.notes;
  return empty ? undefined : r;
}

interface CatalogueTypes {
  request_types: { id: string; title: string }[];
}

/**
 * The requirements profile for cooperation requests sent to this node, edited with its
 * directory entry: the languages and request types it accepts, the fields its law requires
 * beyond the instrument, which contact takes which type and how long a type usually takes.
 */
export function RequirementsFields({ value, onChange, contactIds }: { value: RequirementsDraft; onChange: (next: RequirementsDraft) => void; contactIds: string[] }) {
  const { t } = useTranslation();
  const catalogue = useResource(() => api.get('/api/v1/cases/catalogue') as Promise<CatalogueTypes>);
  const types = catalogue.data?.request_types ?? [];
  const typeLabel = (id: string) => t(`cases.types.${id}`, { defaultValue: types.find((x) => x.id === id)?.title ?? id });
  const set = <K extends keyof RequirementsDraft>(key: K, v: RequirementsDraft[K]) => onChange({ ...value, [key]: v });
  const setExtra = (key: string, patch: Partial<ExtraFieldDraft>) => set('extra', value.extra.map((f) => (f.key === key ? { ...f, ...patch } : f)));

  return (
    <fieldset className="fieldset requirements-fields">
      <legend>{t('directory.requirements.title')}</legend>
      <p className="hint">{t('directory.requirements.intro')}</p>
      <div className="form-grid">
        <Field label={t('directory.requirements.languages')} pointer="/requirements/languages" hint={t('directory.languagesHint')} required={false} value={value.languages} onChange={(e) => set('languages', e.target.value)} />
      </div>
      <p className="field-label">{t('directory.requirements.types')}</p>
      <p className="hint">{t('directory.requirements.typesHint')}</p>
      <CheckList items={types.map((x) => x.id)} checked={value.types} onChange={(next) => set('types', next)} name="accepted-type" label={typeLabel} />
      {value.types.length > 0 && (
        <table className="table compact requirements-per-type">
          <thead>
            <tr>
              <th>{t('directory.requirements.type')}</th>
              <th>{t('directory.requirements.sendTo')}</th>
              <th>{t('directory.requirements.typicalDays')}</th>
            </tr>
          </thead>
          <tbody>
            {value.types.map((id) => (
              <tr key={id}>
                <td>{typeLabel(id)}</td>
                <td>
                  <SelectField label={t('directory.requirements.sendTo')} value={value.sendTo[id] ?? ''} onChange={(e) => set('sendTo', { ...value.sendTo, [id]: e.target.value })}>
                    <option value="">—</option>
                    {contactIds.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </SelectField>
                </td>
                <td>
                  <Field label={t('directory.requirements.typicalDays')} type="number" min={0} max={3650} value={value.days[id] ?? ''} onChange={(e) => set('days', { ...value.days, [id]: e.target.value })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="field-label">{t('directory.requirements.extraFields')}</p>
      <p className="hint">{t('directory.requirements.extraFieldsHint')}</p>
      {value.extra.map((f, i) => (
        <div className="form-grid extra-field" key={f.key}>
          <Field label={t('directory.requirements.fieldId')} pointer={`/requirements/extra_fields/${i}/id`} pattern="[a-z0-9][a-z0-9_]*" value={f.id} onChange={(e) => setExtra(f.key, { id: e.target.value })} />
          <Field label={t('directory.requirements.fieldTypes')} hint={t('directory.requirements.fieldTypesHint')} value={f.types} onChange={(e) => setExtra(f.key, { types: e.target.value })} />
          <Field label={t('directory.requirements.labelEn')} value={f.en} onChange={(e) => setExtra(f.key, { en: e.target.value })} />
          <Field label={t('directory.requirements.labelRu')} value={f.ru} onChange={(e) => setExtra(f.key, { ru: e.target.value })} />
          <Field label={t('directory.requirements.labelUz')} value={f.uz} onChange={(e) => setExtra(f.key, { uz: e.target.value })} />
          <div className="button-row">
            <button type="button" className="secondary" onClick={() => set('extra', value.extra.filter((x) => x.key !== f.key))}>
              {t('directory.requirements.removeField')}
            </button>
          </div>
        </div>
      ))}
      <div className="button-row">
        <button type="button" className="secondary" onClick={() => set('extra', [...value.extra, newExtra()])}>
          {t('directory.requirements.addField')}
        </button>
      </div>
      <div className="form-grid">
        <TextAreaField label={t('directory.requirements.notesEn')} value={value.notesEn} onChange={(e) => set('notesEn', e.target.value)} />
        <TextAreaField label={t('directory.requirements.notesRu')} value={value.notesRu} onChange={(e) => set('notesRu', e.target.value)} />
      </div>
    </fieldset>
  );
}
