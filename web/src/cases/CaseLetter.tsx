import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.js';
import type { CaseDetail, RequestedSide } from '../api/types.js';
import { formatDate } from '../i18n/format.js';
import { isLanguage } from '../i18n/languages.js';
import { pickName } from '../i18n/names.js';
import { nodeName, useNodeInfo } from '../node/useNodeInfo.js';
import { useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { fieldLabel, keyOf, sourceText, typeTitle } from './catalogue.js';
import { accepts, languageName } from './languages.js';
import { casePath, onLink } from './paths.js';
import { fieldsIn, HandlingCodes, valueText } from './RequestView.js';
import { casesApi, useCatalogue } from './useCases.js';

/** The authority of a node as the directory names it in `language`, or null when the directory has no entry. */
function useAuthority(node: string | undefined, language: string): string | null {
  const info = useNodeInfo();
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setName(null);
    if (!node) return;
    if (info && info.node_id === node) {
      setName(nodeName(info, language));
      void api.get('/api/v1/directory/own').then((own) => live && own && setName(pickName(own.entry.authority_names, language) || nodeName(info, language)), () => undefined);
    } else {
      void api.get('/api/v1/directory/nodes/{id}', { path: { id: node } }).then((l) => live && setName(pickName(l.entry.authority_names, language) || null), () => undefined);
    }
    return () => {
      live = false;
    };
  }, [node, language, info]);
  return name;
}

/** The language a letter opens in: the first translation the requested side accepts, else the original. */
function defaultLanguage(c: CaseDetail, side: RequestedSide | undefined): string {
  const accepted = side?.languages ?? [];
  return c.request.translations.find((tr) => accepted.length > 0 && accepts(accepted, tr.language))?.language ?? c.request.language;
}

/** The formal request letter, print-ready (A4, no app chrome), in the original or a translation; the footer carries the case id and verification code. */
export function CaseLetter({ id, navigate }: { id: string; navigate: (path: string) => void }) {
  const { t: tUi, i18n } = useTranslation();
  const catalogue = useCatalogue();
  const load = useCallback(() => casesApi.get(id), [id]);
  const res = useResource<CaseDetail>(load, id);
  const c = res.data;
  const [side, setSide] = useState<RequestedSide | undefined>(undefined);
  const [chosen, setChosen] = useState<string | null>(null);

  useEffect(() => {
    // The agreements shared with the other party say which languages the requested side works in (seen from either side).
    if (!c) return;
    let live = true;
    void casesApi.requestedSide(c.peer).then((s) => live && setSide(s), () => undefined);
    return () => {
      live = false;
    };
  }, [c]);

  const language = c ? (chosen ?? defaultLanguage(c, side)) : 'en';
  /** Labels in the letter's language where the app has it, else English. */
  const t = i18n.getFixedT(isLanguage(language) ? language : 'en');
  const requesting = useAuthority(c?.requesting, language);
  const requested = useAuthority(c?.requested, language);

  useEffect(() => {
    if (c) document.title = `${tUi('cases.letter.title')} · ${c.request.subject}`;
  }, [c, tUi]);

  if (!c) {
    return (
      <main className="letter-page">
        <ErrorAlert error={res.error} />
        {res.loading && <p role="status">{tUi('app.loading')}</p>}
      </main>
    );
  }
  const type = catalogue.data?.request_types.find((r) => r.id === c.request.type);
  const fields = fieldsIn(c.request, language);
  const languages = [c.request.language, ...c.request.translations.map((tr) => tr.language)];
  const dateLanguage = isLanguage(language) ? language : 'en';
  const instrumentName = t(`cases.instrument.${keyOf(c.request.legal_basis.instrument)}`, { defaultValue: c.request.legal_basis.instrument });

  return (
    <div className="letter-page">
      <div className="letter-toolbar no-print">
        <a className="button" href={casePath(c.id)} onClick={onLink(navigate)}>
          {tUi('cases.letter.back')}
        </a>
        <label htmlFor="letter-language">{tUi('cases.letter.language')}</label>
        <select id="letter-language" value={language} onChange={(e) => setChosen(e.target.value)}>
          {languages.map((l) => (
            <option key={l} value={l}>
              {languageName(l)}
              {l === c.request.language ? ` (${tUi('cases.request.original')})` : ''}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => window.print()} data-action="print">
          {tUi('cases.letter.print')}
        </button>
      </div>
      <article className="letter" lang={language} data-language={language}>
        <div className="letter-head">
          <p className="letter-from" data-cell="from">
            {requesting ?? c.requesting}
          </p>
          <p className="letter-to" data-cell="to">
            {t('cases.letter.to')}: {requested ?? c.requested}
          </p>
          <p className="letter-meta">
            {t('cases.letter.date')}: {formatDate(c.opened_at, dateLanguage)}
            {c.request.reference && (
              <>
                <br />
                {t('cases.reference')}: {c.request.reference}
              </>
            )}
            <br />
            {t('cases.priorityLabel')}: {t(`cases.priority.${c.request.priority}`)}
          </p>
        </div>
        <h1 className="letter-title">{typeTitle(t, c.request.type, catalogue.data)}</h1>
        <p className="letter-subject">
          <strong>{t('cases.subject')}:</strong> {c.request.subject}
        </p>
        <p className="letter-basis" data-cell="basis">
          <strong>{t('cases.legalBasis')}:</strong> {instrumentName}
          {c.request.legal_basis.article !== undefined && `, ${t('cases.letter.article', { article: c.request.legal_basis.article })}`}
        </p>
        {(type?.fields ?? []).filter((f) => fields[f.id] !== undefined).map((f) => (
          <section key={f.id} className="letter-section" data-field={f.id}>
            <h2>{fieldLabel(t, f.id)}</h2>
            <p className="letter-source">{sourceText(t, f.source)}</p>
            <p className="pre-wrap">{valueText(t, f, fields[f.id], catalogue.data, dateLanguage)}</p>
          </section>
        ))}
        <section className="letter-section">
          <h2>{t('cases.handling.title')}</h2>
          <HandlingCodes handling={c.request.handling} t={t} />
        </section>
        <section className="letter-signature">
          <p>{t('cases.letter.signature')}</p>
          <p className="signature-line">{requesting ?? c.requesting}</p>
          <p className="hint">{t('cases.letter.signedElectronically')}</p>
        </section>
        <footer className="letter-footer" data-cell="verify">
          {t('cases.letter.verify', { id: c.id, code: c.verification_code ?? '—' })}
        </footer>
      </article>
    </div>
  );
}
