import { useTranslation } from 'react-i18next';
import { pingTests } from '../api/endpoints.js';

/** Download every ping test, sent and received, as CSV or JSON. */
export function PingTestExport() {
  const { t } = useTranslation();
  return (
    <section className="card ping-export" aria-labelledby="ping-export-title">
      <h2 id="ping-export-title">{t('pingTests.export.title')}</h2>
      <p className="hint">{t('pingTests.export.intro')}</p>
      <div className="button-row">
        <a className="button secondary" href={pingTests.exportUrl('csv')} download data-testid="ping-export-csv">
          {t('pingTests.export.csv')}
        </a>
        <a className="button secondary" href={pingTests.exportUrl('json')} download data-testid="ping-export-json">
          {t('pingTests.export.json')}
        </a>
      </div>
    </section>
  );
}
