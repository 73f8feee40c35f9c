import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseFieldValue, CaseHandling, RequestContent } from '../api/types.js';
import { formatDate } from '../i18n/format.js';
import { fieldLabel, offenceText, sourceText, TEXT_FIELD_TYPES, type CaseCatalogue, type CatalogueField } from './catalogue.js';
import { languageName } from './languages.js';
import type { TFunction } from 'i18next';

/** A field's value as text in `language` (the translation's text for text fields, the original elsewhere). */
export function valueText(t: TFunction, field: CatalogueField | undefined, value: CaseFieldValue | undefined, catalogue: CaseCatalogue | undefined, language: string): string {
  if (value === undefined) return t('common.none');
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (Array.isArray(value)) return value.map((id) => {
    const o = catalogue?.offences.find((x) => x.id === id);
    return o ? offenceText(t, o) : id;
  }).join('; ');
  if (typeof value === 'object') return t('cases.period', { from: formatDate(`${value.from}T00:00:00`, language), to: formatDate(`${value.to}T00:00:00`, language) });
  if (field?.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(`${value}T00:00:00`, language);
  return value;
}

/** The fields of a request in one language: the original's, with a translation's text where it has one. */
export function fieldsIn(request: RequestContent, language: string): RequestContent['fields'] {
  const tr = request.translations.find((x) => x.language === language);
  return tr ? { ...request.fields, ...tr.fields } : request.fields;
}

/** The handling codes, prominently: do not notify, use limited to the proceedings, onward passing. */
export function HandlingCodes({ handling, t }: { handling: CaseHandling; t: TFunction }) {
  return (
    <ul className="handling-codes" data-handling>
      {handling.do_not_notify && <li data-code="do_not_notify">{t('cases.handling.do_not_notify')}</li>}
      {handling.use_limited_to_proceedings && <li data-code="use_limited_to_proceedings">{t('cases.handling.use_limited_to_proceedings')}</li>}
      <li data-code={`onward_${handling.onward}`}>
        {t('cases.handling.onwardLabel')}: {t(`cases.handling.onward.${handling.onward}`)}
      </li>
    </ul>
  );
}

function FieldList({ request, language, catalogue }: { request: RequestContent; language: string; catalogue: CaseCatalogue | undefined }) {
  const { t, i18n } = useTranslation();
  const type = catalogue?.request_types.find((r) => r.id === request.type);
  const fields = fieldsIn(request, language);
  const ids = type ? type.fields.map((f) => f.id).filter((id) => fields[id] !== undefined) : Object.keys(fields);
  return (
    <dl className="facts request-fields" lang={language} data-language={language}>
      {ids.map((id) => {
        const f = type?.fields.find((x) => x.id === id);
        const untranslated = language !== request.language && f && TEXT_FIELD_TYPES.includes(f.type) && !request.translations.find((x) => x.language === language)?.fields[id];
        return (
          <div key={id} className="fact" data-field={id}>
            <dt>
              {fieldLabel(t, id)}
              {f && <span className="hint field-source"> {sourceText(t, f.source)}</span>}
            </dt>
            <dd className="pre-wrap">
              {valueText(t, f, fields[id], catalogue, i18n.resolvedLanguage ?? 'en')}
              {untranslated && <span className="hint"> ({t('cases.request.notTranslated')})</span>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** The request's content: the original and its translations, one at a time or two side by side. */
export function RequestView({ request, catalogue }: { request: RequestContent; catalogue: CaseCatalogue | undefined }) {
  const { t } = useTranslation();
  const languages = [request.language, ...request.translations.map((x) => x.language)];
  const [shown, setShown] = useState(languages[0]!);
  const [sideBySide, setSideBySide] = useState(false);
  const other = languages.find((l) => l !== shown) ?? shown;
  return (
    <section className="card request-view" aria-labelledby="request-title">
      <div className="section-header">
        <h2 id="request-title">{t('cases.request.title')}</h2>
        {languages.length > 1 && (
          <div className="button-row" role="group" aria-label={t('cases.request.languages')}>
            {languages.map((l) => (
              <button key={l} type="button" className={l === shown ? undefined : 'secondary'} aria-pressed={l === shown} onClick={() => setShown(l)} data-language={l}>
                {languageName(l)}
                {l === request.language ? ` (${t('cases.request.original')})` : ''}
              </button>
            ))}
            <label className="checkbox">
              <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} /> {t('cases.request.sideBySide')}
            </label>
          </div>
        )}
      </div>
      <div className={sideBySide ? 'side-by-side' : undefined}>
        <FieldList request={request} language={shown} catalogue={catalogue} />
        {sideBySide && <FieldList request={request} language={other} catalogue={catalogue} />}
      </div>
    </section>
  );
}
