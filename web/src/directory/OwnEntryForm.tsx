import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntry, DirectoryEntryInput, Group, NodeInfo, PublishedListing } from '../api/types.js';
import { useNodeInfo } from '../node/useNodeInfo.js';
import { useAction } from '../shared/hooks/useResource.js';
import { CheckList } from '../shared/ui/CheckList.js';
import { ErrorAlert, ValidationError } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { TimeZoneField } from '../shared/ui/TimeZoneField.js';
import { codesOf, contactDraftOf, ContactFields, contactOf, newContact, type ContactDraft } from './ContactFields.js';
import { fingerprintProblem } from './ChannelFields.js';
import { kindLabel } from './directoryText.js';
import { requirementsDraftOf, RequirementsFields, requirementsOf, type RequirementsDraft } from './RequirementsFields.js';
import { AUTHORITY_KINDS, DEFAULT_VALID_DAYS } from './useDirectory.js';

interface EntryDraft {
  names: { en: string; ru: string; uz: string };
  kinds: string[];
  timeZone: string;
  languages: string;
  contacts: ContactDraft[];
  validDays: string;
  groups: string[];
  requirements: RequirementsDraft;
}

/**
 * The editor's starting point: the published entry, or — before the first publication — what
 * the node's identity already says (its names in en/ru/uz and its kinds of authority).
 */
function draftOf(entry: DirectoryEntry | null, node: NodeInfo | undefined): EntryDraft {
  if (!entry) {
    const n = node?.names ?? {};
    const kinds = (node?.authority_kinds ?? []).filter((k) => (AUTHORITY_KINDS as readonly string[]).includes(k));
    return { names: { en: n.en ?? '', ru: n.ru ?? '', uz: n.uz ?? '' }, kinds, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, languages: 'en, ru', contacts: [newContact()], validDays: String(DEFAULT_VALID_DAYS), groups: [], requirements: requirementsDraftOf(undefined) };
  }
  const n = entry.authority_names;
  return { names: { en: n.en ?? '', ru: n.ru ?? '', uz: n.uz ?? '' }, kinds: entry.authority_kinds, timeZone: entry.time_zone, languages: entry.languages.join(', '), contacts: entry.contacts.map(contactDraftOf), validDays: String(DEFAULT_VALID_DAYS), groups: [], requirements: requirementsDraftOf(entry.requirements) };
}

/** Edits this node's directory entry and publishes it as a new signed version. */
export function OwnEntryForm({ entry, groups, onPublish }: { entry: DirectoryEntry | null; groups: Group[]; onPublish: (input: DirectoryEntryInput) => Promise<PublishedListing> }) {
  const { t } = useTranslation();
  const node = useNodeInfo();
  const [draft, setDraft] = useState<EntryDraft>(() => draftOf(entry, node));
  // The node's identity may arrive after the form: fill a new entry's untouched fields from it once.
  const [prefilled, setPrefilled] = useState(Boolean(entry || node));
  if (!prefilled && node) {
    setPrefilled(true);
    const from = draftOf(null, node);
    setDraft((d) => ({ ...d, names: { en: d.names.en || from.names.en, ru: d.names.ru || from.names.ru, uz: d.names.uz || from.names.uz }, kinds: d.kinds.length ? d.kinds : from.kinds }));
  }
  const { busy, error, run } = useAction();
  const kindsId = useId();
  const member = groups.filter((g) => g.status === 'active');

  const set = <K extends keyof EntryDraft>(key: K, v: EntryDraft[K]) => setDraft((d) => ({ ...d, [key]: v }));

  function inputOf(d: EntryDraft): DirectoryEntryInput {
    const names = Object.fromEntries(Object.entries(d.names).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
    if (!names.en) throw new ValidationError(t('directory.needNameEn'));
    if (d.kinds.length === 0) throw new ValidationError(t('directory.needKind'));
    if (d.contacts.length === 0) throw new ValidationError(t('directory.needContact'));
    for (const c of d.contacts) {
      if (!c.phone.trim() && !c.email.trim() && !c.channels.some((ch) => ch.value.trim())) throw new ValidationError(t('directory.needChannel'));
      for (const ch of c.channels) {
        const problem = fingerprintProblem(ch);
        if (problem) throw new ValidationError(t(problem));
      }
      if (!c.always && c.days.length === 0) throw new ValidationError(t('directory.needDays'));
    }
    const requirements = requirementsOf(d.requirements);
    const validDays = Number(d.validDays);
    if (!Number.isInteger(validDays) || validDays < 1 || validDays > 730) throw new ValidationError(t('directory.validDaysRange'));
    return {
      authority_names: names,
      authority_kinds: d.kinds,
      time_zone: d.timeZone.trim(),
      languages: codesOf(d.languages),
      contacts: d.contacts.map((c, i) => contactOf(c, i)),
      valid_days: validDays,
      ...(requirements ? { requirements } : {}),
      ...(d.groups.length ? { groups: d.groups } : {}),
    };
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    await run(() => onPublish(inputOf(draft)));
  }

  return (
    <form className="form own-entry-form" onSubmit={handleSubmit} aria-labelledby="own-entry-form-title">
      <FormErrors error={error} operation="PUT /api/v1/directory/own">
      <h2 id="own-entry-form-title">{t('directory.editTitle')}</h2>
      <p className="intro">{t('directory.editIntro')}</p>
      <fieldset className="fieldset">
        <legend>{t('directory.authority')}</legend>
        <div className="form-grid">
          <Field label={t('directory.authorityEn')} pointer="/authority_names/en" required maxLength={200} value={draft.names.en} onChange={(e) => set('names', { ...draft.names, en: e.target.value })} />
          <Field label={t('directory.authorityRu')} pointer="/authority_names/ru" maxLength={200} value={draft.names.ru} onChange={(e) => set('names', { ...draft.names, ru: e.target.value })} />
          <Field label={t('directory.authorityUz')} pointer="/authority_names/uz" maxLength={200} value={draft.names.uz} onChange={(e) => set('names', { ...draft.names, uz: e.target.value })} />
          <TimeZoneField label={t('directory.timeZone')} hint={t('directory.timeZoneHint')} value={draft.timeZone} onChange={(zone) => set('timeZone', zone)} />
          <Field label={t('directory.authorityLanguages')} pointer="/languages" hint={t('directory.languagesHint')} required value={draft.languages} onChange={(e) => set('languages', e.target.value)} />
        </div>
        <p className="field-label" id={kindsId}>
          {t('directory.kinds')}
        </p>
        <CheckList items={AUTHORITY_KINDS} checked={draft.kinds} onChange={(kinds) => set('kinds', kinds)} name="authority-kind" label={(k) => kindLabel(t, k)} aria-labelledby={kindsId} />
      </fieldset>
      <h3>{t('directory.contacts')}</h3>
      {draft.contacts.map((c, i) => (
        <ContactFields
          key={c.id}
          index={i}
          value={c}
          onChange={(next) => set('contacts', draft.contacts.map((x) => (x.id === c.id ? next : x)))}
          onRemove={draft.contacts.length > 1 ? () => set('contacts', draft.contacts.filter((x) => x.id !== c.id)) : undefined}
        />
      ))}
      <div className="button-row add-contact">
        <button type="button" className="secondary" onClick={() => set('contacts', [...draft.contacts, newContact()])}>
          {t('directory.addContact')}
        </button>
      </div>
      <RequirementsFields value={draft.requirements} onChange={(r) => set('requirements', r)} contactIds={draft.contacts.map((c) => c.id)} />
      <fieldset className="fieldset">
        <legend>{t('directory.publication')}</legend>
        <div className="form-grid">
          <Field label={t('directory.validDays')} pointer="/valid_days" type="number" min={1} max={730} required value={draft.validDays} onChange={(e) => set('validDays', e.target.value)} />
        </div>
        <p className="hint">{t('directory.groupsHint')}</p>
        {member.length === 0 ? (
          <p className="muted">{t('directory.noGroups')}</p>
        ) : (
          <CheckList
            items={member.map((g) => g.id)}
            checked={draft.groups}
            onChange={(ids) => set('groups', ids)}
            name="publish-group"
            label={(id) => member.find((g) => g.id === id)?.name ?? id}
          />
        )}
      </fieldset>
      <ErrorAlert error={error} />
      <FormActions label={t('directory.publish')} busyLabel={t('directory.publishing')} busy={busy} />
      </FormErrors>
    </form>
  );
}
