import { useTranslation } from 'react-i18next';
import { useResource } from '../shared/hooks/useResource.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { normsApi } from './normsApi.js';

type Lang = 'en' | 'ru' | 'uz';

/** The 11 norms with their A/RES/73/27 items, and the agreed confidence-building measures, each with its source and flags. */
export function CataloguePanel() {
  const { t, i18n } = useTranslation();
  const { data, error, loading } = useResource(normsApi.catalogue);
  const lang: Lang = (['en', 'ru', 'uz'] as const).find((l) => i18n.language.startsWith(l)) ?? 'en';
  return (
    <section className="card" aria-labelledby="norms-catalogue-title">
      <h2 id="norms-catalogue-title">{t('norms.catalogue.title')}</h2>
      <p className="intro">{t('norms.catalogue.intro')}</p>
      <LoadState error={error} loading={loading && !data} />
      {data && (
        <>
          <ol className="norms-catalogue" data-testid="norms-catalogue">
            {data.norms.map((n) => (
              <li key={n.id} data-norm={n.id}>
                <h3>
                  ({n.id}) {n.title[lang]}
                </h3>
                <p>{n.paraphrase[lang]}</p>
                <p className="muted">
                  {t('norms.catalogue.items', { items: n.res_73_27.join(' + ') })}
                  {n.res_73_27_note ? ` (${n.res_73_27_note})` : ''} · {t('norms.catalogue.source', { source: data.sources[n.source]?.title ?? n.source })}
                  {!n.letter_confirmed && <span className="norms-flag"> · {t('norms.catalogue.letterSecondary')}</span>}
                </p>
              </li>
            ))}
          </ol>
          <h2>{t('norms.catalogue.cbms')}</h2>
          <ul className="norms-catalogue">
            {data.cbms.map((m) => (
              <li key={m.id} data-cbm={m.id}>
                <h3>
                  {m.title[lang]} {!m.confirmed && <span className="norms-flag">{t('norms.catalogue.unconfirmed')}</span>}
                </h3>
                <p>{m.paraphrase[lang]}</p>
                <p className="muted">{m.reference}</p>
              </li>
            ))}
          </ul>
          <p className="muted">{data.source_note}</p>
        </>
      )}
    </section>
  );
}
