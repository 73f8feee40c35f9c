import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import { CASE_PRIORITIES, ONWARD_USES, type CaseDraft, type CaseFieldValue, type CasePriority, type OnwardUse, type RequestContent, type RequestedSide } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { pickName } from '../i18n/names.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { fieldErrorText } from '../shared/forms/field-errors.js';
import { FormErrors, useFieldErrors } from '../shared/forms/FormErrors.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field, Options, SelectField, TextAreaField } from '../shared/ui/Field.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { basisText, fieldLabel, offenceText, sourceText, TEXT_FIELD_TYPES, typeTitle, type CaseCatalogue, type CatalogueField, type RequestType } from './catalogue.js';
import { draftLimits } from './draft-limits.js';
import { accepts, languageName, REQUEST_LANGUAGES } from './languages.js';
import { CASES_APPROVE, CASES_PATH, casePath, draftPath, onLink } from './paths.js';
import { problemPlace, problemsAsError } from './problems.js';
import { casesApi, useCatalogue } from './useCases.js';

const OPERATION = 'POST /api/v1/cases/drafts' as const;

function emptyContent(language: string): RequestContent {
  return {
    type: '',
    priority: 'routine',
    subject: '',
    reference: '',
    legal_basis: { instrument: '' },
    language,
    fields: {},
    translations: [],
    handling: { do_not_notify: false, use_limited_to_proceedings: true, onward: 'none' },
  };
}

/** The fields a type starts with: yes/no fields answered "no" (a checkbox has no "not answered"). */
function initialFields(type: RequestType | undefined, fields: RequestContent['fields']): RequestContent['fields'] {
  if (!type) return fields;
  const out: RequestContent['fields'] = {};
  for (const f of type.fields) {
    const v = fields[f.id];
    if (v !== undefined) out[f.id] = v;
    else if (f.type === 'boolean') out[f.id] = false;
  }
  return out;
}

/** The content as sent: empty text and half-filled periods left out, translations only of text fields. */
function cleaned(c: RequestContent, type: RequestType | undefined): RequestContent {
  const fields: RequestContent['fields'] = {};
  for (const [k, v] of Object.entries(c.fields)) {
    if (typeof v === 'string' && v.trim() === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && (!v.from || !v.to)) continue;
    fields[k] = v;
  }
  const textIds = new Set((type?.fields ?? []).filter((f) => TEXT_FIELD_TYPES.includes(f.type)).map((f) => f.id));
  const translations = c.translations.map((tr) => ({ language: tr.language, fields: Object.fromEntries(Object.entries(tr.fields).filter(([k, v]) => textIds.has(k) && v.trim() !== '')) }));
  const { reference, ...rest } = c;
  return { ...rest, ...(reference?.trim() ? { reference: reference.trim() } : {}), fields, translations };
}

const basisKey = (b: { instrument: string; article?: number }) => `${b.instrument}|${b.article ?? ''}`;

/** A new request, or a saved draft: the guided form of its type's fields, its problems, and review, approval and sending. */
export function DraftForm({ id, navigate }: { id: string | null; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { user } = useSignedIn();
  const catalogue = useCatalogue();
  const loadDraft = useCallback(() => (id ? casesApi.draft(id) : Promise.resolve(null)), [id]);
  const saved = useResource<CaseDraft | null>(loadDraft, id);
  const draft = saved.data ?? null;
  // Kept here: saving a new draft moves to its own path, and the editor starts again from what was saved.
  const [notice, setNotice] = useState<string | null>(null);

  if (id && !draft) {
    return (
      <>
        <PageHeader title={t('cases.draft.title')} />
        <ErrorAlert error={saved.error} />
        {saved.loading && <p role="status">{t('app.loading')}</p>}
      </>
    );
  }
  if (!catalogue.data) {
    return (
      <>
        <PageHeader title={t('cases.draft.title')} />
        <ErrorAlert error={catalogue.error} />
        {catalogue.loading && <p role="status">{t('app.loading')}</p>}
      </>
    );
  }
  return <DraftEditor key={draft?.id ?? 'new'} catalogue={catalogue.data} draft={draft} language={language} userRef={`user:${user.id}`} onSaved={(d) => saved.setData(() => d)} navigate={navigate} notice={notice} setNotice={setNotice} />;
}

function DraftEditor({
  catalogue,
  draft,
  language,
  userRef,
  onSaved,
  navigate,
  notice,
  setNotice,
}: {
  catalogue: CaseCatalogue;
  draft: CaseDraft | null;
  language: string;
  userRef: string;
  onSaved: (d: CaseDraft) => void;
  navigate: (path: string) => void;
  notice: string | null;
  setNotice: (notice: string | null) => void;
}) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const directory = useNodeDirectory();
  const [requested, setRequested] = useState(draft?.requested ?? '');
  const [content, setContent] = useState<RequestContent>(() => draft?.content ?? emptyContent(REQUEST_LANGUAGES[language] ? language : 'en'));
  const [dirty, setDirty] = useState(false);
  const [newLanguage, setNewLanguage] = useState('');
  const action = useAction();
  const sending = useAction();
  const [side, setSide] = useState<RequestedSide | undefined>(undefined);
  const listings = useResource(useCallback(() => api.get('/api/v1/directory', { query: {} }).catch(() => []), []));

  useEffect(() => {
    let live = true;
    setSide(undefined);
    if (requested) void casesApi.requestedSide(requested).then((s) => live && setSide(s), () => undefined);
    return () => {
      live = false;
    };
  }, [requested]);

  const type = catalogue.request_types.find((r) => r.id === content.type);
  const limits = draftLimits(catalogue, side);
  const allowed = limits.typeAllowed;
  // Only what the agreements in force and the peer's profile allow is offered; a saved choice they do not allow stays, marked.
  const types = catalogue.request_types.filter((r) => allowed(r.id) || r.id === content.type);
  const hiddenTypes = catalogue.request_types.length - catalogue.request_types.filter((r) => allowed(r.id)).length;
  const typeBases = type ? type.legal_bases.filter((b, i, all) => all.findIndex((x) => basisKey(x) === basisKey(b)) === i) : [];
  const bases = typeBases.filter((b) => limits.basisAllowed(type!.id, b) || basisKey(b) === basisKey(content.legal_basis));
  const basisLimited = typeBases.some((b) => !limits.basisAllowed(type!.id, b));
  const accepted = type ? limits.languagesFor(type.id, content.legal_basis) : side?.languages;
  const textFields = (type?.fields ?? []).filter((f) => TEXT_FIELD_TYPES.includes(f.type));
  const problems = dirty ? [] : (draft?.problems ?? []);
  // A refused save or send (e.g. 400 not_agreed) shows its errors at their fields in the form's own words.
  const refusal = sending.error ?? action.error;
  const error = useMemo(() => problemsAsError(t, problems, refusal, type, side), [t, problems, refusal, type, side]);
  const peerOptions = useMemo(() => {
    const ids = new Map<string, string>();
    for (const p of directory.peers) if (p.status !== 'removed') ids.set(p.node_id, directory.label(p.node_id).name);
    for (const l of listings.data ?? []) if (!ids.has(l.entry.node_id) && !directory.label(l.entry.node_id).self) ids.set(l.entry.node_id, pickName(l.entry.authority_names, language) || l.entry.node_id);
    if (requested && !ids.has(requested)) ids.set(requested, requested);
    return [...ids.entries()];
  }, [directory, listings.data, language, requested]);

  function change(update: (c: RequestContent) => RequestContent) {
    setContent(update);
    setDirty(true);
    setNotice(null);
  }
  function setField(fieldId: string, value: CaseFieldValue | undefined) {
    change((c) => {
      const fields = { ...c.fields };
      if (value === undefined) delete fields[fieldId];
      else fields[fieldId] = value;
      return { ...c, fields };
    });
  }
  function chooseType(typeId: string) {
    const next = catalogue.request_types.find((r) => r.id === typeId);
    const first = next?.legal_bases.find((b) => limits.basisAllowed(typeId, b)) ?? next?.legal_bases[0];
    // Another type: a refusal of the previous one (its fields, its legal basis) no longer applies.
    action.clearError();
    sending.clearError();
    change((c) => ({ ...c, type: typeId, legal_basis: first ? { instrument: first.instrument, ...(first.article ? { article: first.article } : {}) } : { instrument: '' }, fields: initialFields(next, c.fields) }));
  }
  function setTranslation(index: number, fieldId: string, text: string) {
    change((c) => ({ ...c, translations: c.translations.map((tr, i) => (i === index ? { ...tr, fields: { ...tr.fields, [fieldId]: text } } : tr)) }));
  }

  async function save(): Promise<CaseDraft | undefined> {
    const body = cleaned(content, type);
    const result = await action.run(() => (draft ? casesApi.updateDraft(draft.id, requested, body) : casesApi.createDraft(requested, body)));
    if (!result) return undefined;
    setDirty(false);
    onSaved(result);
    if (!draft) navigate(draftPath(result.id));
    return result;
  }
  async function handleSave(e: FormEvent) {
    e.preventDefault();
    sending.clearError();
    if (await save()) setNotice(t('cases.draft.saved'));
  }
  async function handleSend() {
    const current = dirty || !draft ? await save() : draft;
    if (!current || current.problems.length > 0) return;
    const sent = await sending.run(() => casesApi.send(current.id));
    if (sent) navigate(casePath(sent.id));
  }
  async function handleReview() {
    if (!draft) return;
    const d = await action.run(() => casesApi.review(draft.id));
    if (d) {
      onSaved(d);
      setNotice(t('cases.draft.reviewAsked'));
    }
  }
  async function handleApprove() {
    if (!draft) return;
    const d = await action.run(() => casesApi.approve(draft.id));
    if (d) {
      onSaved(d);
      setNotice(t('cases.draft.approvedNotice'));
    }
  }
  async function handleDelete() {
    if (!draft || !window.confirm(t('cases.draft.confirmDelete'))) return;
    const done = await action.run(async () => {
      await casesApi.deleteDraft(draft.id);
      return true;
    });
    if (done) navigate(CASES_PATH);
  }

  const mayApprove = draft && CASES_APPROVE.includes(user.role) && draft.created_by !== userRef && draft.status !== 'approved';
  const canSend = Boolean(requested && content.type) && !(draft && !dirty && draft.problems.length > 0) && draft?.status !== 'sent';

  return (
    <>
      <PageHeader title={draft ? t('cases.draft.editTitle', { subject: draft.content.subject }) : t('cases.draft.title')} intro={t('cases.draft.intro')}>
        <div className="button-row case-actions">
          <a className="button" href={CASES_PATH} onClick={onLink(navigate)}>
            {t('cases.allCases')}
          </a>
        </div>
      </PageHeader>
      {draft && (
        <p className="draft-state" data-draft-status={draft.status}>
          {t(`cases.draft.status.${draft.status}`)}
          {draft.approved_by && ` · ${t('cases.draft.approvedBy', { who: draft.approved_by })}`}
        </p>
      )}
      {notice && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      {problems.length > 0 && (
        <section className="alert alert-warn draft-problems" aria-labelledby="draft-problems-title" data-problems={problems.length}>
          <p id="draft-problems-title" className="alert-title">
            {t('cases.draft.problemsTitle', { count: problems.length })}
          </p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.pointer} ${p.code}`} data-pointer={`/content${p.pointer}`}>
                {problemPlace(t, p.pointer)}: {error && (error.problem as { errors?: { pointer: string; code: string; text?: string }[] }).errors?.find((e) => e.pointer === `/content${p.pointer}` && e.code === p.code)?.text}
              </li>
            ))}
          </ul>
        </section>
      )}
      <FormErrors error={error ?? action.error} operation={OPERATION}>
        <ErrorAlert error={action.error ?? (sending.error && !error ? sending.error : null)} />
        <form className="card form draft-form" onSubmit={(e) => void handleSave(e)} noValidate>
          <h2>{t('cases.draft.addressee')}</h2>
          <div className="form-grid">
            <SelectField label={t('cases.draft.peer')} pointer="/requested" value={requested} onChange={(e) => { setRequested(e.target.value); setDirty(true); }} required>
              <option value="">{t('cases.draft.choose')}</option>
              {peerOptions.map(([nodeId, name]) => (
                <option key={nodeId} value={nodeId}>
                  {name === nodeId ? nodeId : `${name} (${nodeId})`}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('cases.type')}
              pointer="/content/type"
              value={content.type}
              onChange={(e) => chooseType(e.target.value)}
              required
              hint={side && side.agreements.length > 0 ? `${t('cases.draft.agreements', { list: side.agreements.join(', ') })}${hiddenTypes > 0 ? ` ${t('cases.draft.typesHidden', { count: hiddenTypes })}` : ''}` : requested && side ? `${t('cases.draft.noAgreement')}${hiddenTypes > 0 ? ` ${t('cases.draft.typesHidden', { count: hiddenTypes })}` : ''}` : undefined}
            >
              <option value="">{t('cases.draft.choose')}</option>
              {types.map((r) => (
                <option key={r.id} value={r.id} data-allowed={allowed(r.id) ? 'true' : 'false'}>
                  {typeTitle(t, r.id, catalogue)}
                  {allowed(r.id) ? '' : ` — ${t('cases.draft.notAllowed')}`}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('cases.legalBasis')} pointer="/content/legal_basis" value={basisKey(content.legal_basis)} disabled={!type} hint={type && basisLimited ? t('cases.draft.basesLimited') : undefined} onChange={(e) => {
              const b = bases.find((x) => basisKey(x) === e.target.value);
              if (b) change((c) => ({ ...c, legal_basis: { instrument: b.instrument, ...(b.article ? { article: b.article } : {}) } }));
            }}>
              {!type && <option value="|">{t('cases.draft.chooseTypeFirst')}</option>}
              {bases.map((b) => (
                <option key={basisKey(b)} value={basisKey(b)} data-allowed={limits.basisAllowed(type!.id, b) ? 'true' : 'false'}>
                  {basisText(t, b)}
                  {b.confirmed ? '' : ` (${t('cases.unconfirmed')})`}
                  {limits.basisAllowed(type!.id, b) ? '' : ` — ${t('cases.draft.notAllowed')}`}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('cases.priorityLabel')} pointer="/content/priority" value={content.priority} onChange={(e) => change((c) => ({ ...c, priority: e.target.value as CasePriority }))}>
              <Options values={CASE_PRIORITIES} label={(p) => t(`cases.priority.${p}`)} />
            </SelectField>
          </div>
          <Field label={t('cases.subject')} pointer="/content/subject" value={content.subject} onChange={(e) => change((c) => ({ ...c, subject: e.target.value }))} />
          <div className="form-grid">
            <Field label={t('cases.reference')} pointer="/content/reference" value={content.reference ?? ''} onChange={(e) => change((c) => ({ ...c, reference: e.target.value }))} hint={t('cases.draft.referenceHint')} />
            <SelectField label={t('cases.draft.language')} pointer="/content/language" value={content.language} onChange={(e) => change((c) => ({ ...c, language: e.target.value }))}>
              <Options values={Object.keys(REQUEST_LANGUAGES)} label={languageName} />
            </SelectField>
          </div>

          {type && (
            <>
              <h2>{typeTitle(t, type.id, catalogue)}</h2>
              {type.fields.map((f) => (
                <RequestField key={f.id} field={f} catalogue={catalogue} value={content.fields[f.id]} onChange={(v) => setField(f.id, v)} />
              ))}
            </>
          )}

          <h2>{t('cases.translations.title')}</h2>
          <p className="hint" data-accepted={accepted?.join(' ') ?? ''}>{accepted?.length ? t('cases.translations.accepted', { list: accepted.map(languageName).join(', ') }) : t('cases.translations.intro')}</p>
          <div data-pointer="/content/translations">
            {content.translations.map((tr, i) => (
              <fieldset key={tr.language} className="translation" data-language={tr.language}>
                <legend>{t('cases.translations.legend', { language: languageName(tr.language) })}</legend>
                {textFields.map((f) => (
                  <TextAreaField key={f.id} label={`${fieldLabel(t, f.id)} (${languageName(tr.language)})`} pointer={`/content/translations/${i}/fields/${f.id}`} rows={3} value={tr.fields[f.id] ?? ''} onChange={(e) => setTranslation(i, f.id, e.target.value)} hint={content.fields[f.id] ? String(content.fields[f.id]) : undefined} />
                ))}
                <button type="button" className="secondary danger" onClick={() => change((c) => ({ ...c, translations: c.translations.filter((_, j) => j !== i) }))}>
                  {t('cases.translations.remove')}
                </button>
              </fieldset>
            ))}
            <div className="button-row translation-add">
              <label htmlFor="translation-language" className="visually-hidden">
                {t('cases.translations.language')}
              </label>
              <select id="translation-language" value={newLanguage} onChange={(e) => setNewLanguage(e.target.value)}>
                <option value="">{t('cases.translations.language')}</option>
                {Object.keys(REQUEST_LANGUAGES)
                  // A translation is offered only in a language the requested side accepts, when it names some.
                  .filter((l) => l !== content.language && !content.translations.some((tr) => tr.language === l) && (!accepted?.length || accepts(accepted, l)))
                  .map((l) => (
                    <option key={l} value={l}>
                      {languageName(l)}
                      {accepted?.length && !accepted.includes('*') ? ` ★` : ''}
                    </option>
                  ))}
              </select>
              <button
                type="button"
                className="secondary"
                disabled={!newLanguage}
                onClick={() => {
                  change((c) => ({ ...c, translations: [...c.translations, { language: newLanguage, fields: {} }] }));
                  setNewLanguage('');
                }}
              >
                {t('cases.translations.add')}
              </button>
            </div>
          </div>

          <h2>{t('cases.handling.title')}</h2>
          <p className="hint">{t('cases.handling.intro')}</p>
          <label className="checkbox">
            <input type="checkbox" checked={content.handling.do_not_notify} onChange={(e) => change((c) => ({ ...c, handling: { ...c.handling, do_not_notify: e.target.checked } }))} /> {t('cases.handling.do_not_notify')}
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={content.handling.use_limited_to_proceedings} onChange={(e) => change((c) => ({ ...c, handling: { ...c.handling, use_limited_to_proceedings: e.target.checked } }))} /> {t('cases.handling.use_limited_to_proceedings')}
          </label>
          <SelectField label={t('cases.handling.onwardLabel')} pointer="/content/handling/onward" value={content.handling.onward} onChange={(e) => change((c) => ({ ...c, handling: { ...c.handling, onward: e.target.value as OnwardUse } }))}>
            <Options values={ONWARD_USES} label={(o) => t(`cases.handling.onward.${o}`)} />
          </SelectField>

          <div className="button-row">
            <button type="submit" disabled={action.busy || !requested || !content.type}>
              {t('cases.draft.save')}
            </button>
            <button type="button" onClick={() => void handleSend()} disabled={!canSend || action.busy || sending.busy} data-action="send" title={canSend ? undefined : t('cases.draft.sendDisabled')}>
              {t('cases.draft.send')}
            </button>
            {draft && draft.status === 'draft' && (
              <button type="button" className="secondary" onClick={() => void handleReview()} disabled={action.busy || dirty}>
                {t('cases.draft.askReview')}
              </button>
            )}
            {mayApprove && (
              <button type="button" className="secondary" onClick={() => void handleApprove()} disabled={action.busy || dirty}>
                {t('cases.draft.approve')}
              </button>
            )}
            {draft && (
              <button type="button" className="secondary danger" onClick={() => void handleDelete()} disabled={action.busy}>
                {t('cases.draft.delete')}
              </button>
            )}
          </div>
          {dirty && draft && <p className="hint">{t('cases.draft.unsaved')}</p>}
        </form>
      </FormErrors>
    </>
  );
}

/** One field of the request type, by its kind, labelled with its legal source and whether that is confirmed. */
function RequestField({ field, catalogue, value, onChange }: { field: CatalogueField; catalogue: CaseCatalogue; value: CaseFieldValue | undefined; onChange: (v: CaseFieldValue | undefined) => void }) {
  const { t } = useTranslation();
  const pointer = `/content/fields/${field.id}`;
  const label = fieldLabel(t, field.id);
  const hint = (
    <span className="field-source" data-source>
      {sourceText(t, field.source)}
      {!field.confirmed && (
        <>
          {' '}
          <span className="badge badge-unconfirmed" data-unconfirmed>
            {t('cases.unconfirmed')}
          </span>
        </>
      )}
    </span>
  );
  switch (field.type) {
    case 'authority':
    case 'text':
      return <TextAreaField label={label} pointer={pointer} required={field.required} rows={field.type === 'authority' ? 2 : 4} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} hint={hint} />;
    case 'boolean':
      return (
        <div className={`field field-check${field.required ? ' field-required' : ''}`} data-field={field.id}>
          <label className="checkbox">
            <input type="checkbox" data-pointer={pointer} checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {label}
          </label>
          <FieldProblems pointer={pointer} />
          <p className="hint">{hint}</p>
        </div>
      );
    case 'date':
      return <Field label={label} pointer={pointer} type="date" required={field.required} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || undefined)} hint={hint} />;
    case 'date_range': {
      const range = value && typeof value === 'object' && !Array.isArray(value) ? value : { from: '', to: '' };
      return (
        <fieldset className={`field-range${field.required ? ' field-required' : ''}`} data-field={field.id}>
          <legend>{label}</legend>
          <div className="form-grid">
            <Field label={t('cases.draft.from')} pointer={`${pointer}/from`} type="date" value={range.from} onChange={(e) => onChange({ ...range, from: e.target.value })} />
            <Field label={t('cases.draft.to')} pointer={`${pointer}/to`} type="date" value={range.to} onChange={(e) => onChange({ ...range, to: e.target.value })} />
          </div>
          <FieldProblems pointer={pointer} />
          <p className="hint">{hint}</p>
        </fieldset>
      );
    }
    case 'offence_refs':
      return <OffenceField field={field} catalogue={catalogue} label={label} hint={hint} value={Array.isArray(value) ? value : []} onChange={onChange} />;
  }
}

/** The errors of a field drawn without Field (a checkbox, a period): the problems about the field as a whole. */
function FieldProblems({ pointer }: { pointer: string }) {
  const { t } = useTranslation();
  const { errors } = useFieldErrors(pointer);
  const own = errors.filter((e) => e.pointer === pointer);
  if (own.length === 0) return null;
  return <p className="field-error">{own.map((e) => fieldErrorText(t, e)).join(' ')}</p>;
}

/** Offences as a multi-select grouped by instrument; each chosen one shows the corresponding offence in the other convention. */
function OffenceField({ field, catalogue, label, hint, value, onChange }: { field: CatalogueField; catalogue: CaseCatalogue; label: string; hint: ReactNode; value: string[]; onChange: (v: string[] | undefined) => void }) {
  const { t } = useTranslation();
  const byId = new Map(catalogue.offences.map((o) => [o.id, o]));
  const groups = catalogue.instruments.filter((i) => catalogue.offences.some((o) => o.instrument === i.id));
  const counterpart = (id: string) => [...(byId.get(id)?.maps_to ?? []), ...catalogue.offences.filter((o) => o.maps_to.some((m) => m.id === id)).map((o) => ({ id: o.id, confirmed: o.maps_to.find((m) => m.id === id)!.confirmed }))];
  return (
    <>
      <SelectField label={label} pointer={`/content/fields/${field.id}`} multiple size={8} required={field.required} value={value} onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))} hint={hint}>
        {groups.map((i) => (
          <optgroup key={i.id} label={t(`cases.instrument.${i.id.replace(/[^a-z0-9]+/g, '_')}`, { defaultValue: i.names.en })}>
            {catalogue.offences
              .filter((o) => o.instrument === i.id)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {offenceText(t, o)}
                </option>
              ))}
          </optgroup>
        ))}
      </SelectField>
      {value.length > 0 && (
        <ul className="offence-map" data-offences>
          {value.map((id) => {
            const o = byId.get(id);
            const other = counterpart(id);
            return (
              <li key={id} data-offence={id}>
                {o ? offenceText(t, o) : id}
                {other.length > 0 && (
                  <span className="hint">
                    {' '}
                    ≈ {other.map((m) => (byId.get(m.id) ? offenceText(t, byId.get(m.id)!) : m.id)).join('; ')}
                    {other.some((m) => !m.confirmed) && ` (${t('cases.unconfirmed')})`}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
