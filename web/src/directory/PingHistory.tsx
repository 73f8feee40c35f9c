import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { HISTORY_BUCKETS, type Group, type PingHistorySeries } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PingHistoryChart, PingHistoryTable } from './PingHistoryChart.js';
import { usePingHistory } from './usePingHistory.js';

/** Month or quarter. */
function BucketToggle({ value, onChange }: { value: string; onChange: (bucket: (typeof HISTORY_BUCKETS)[number]) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="segmented">
      <legend>{t('pingTests.history.bucket')}</legend>
      {HISTORY_BUCKETS.map((b) => (
        <label key={b}>
          <input type="radio" name={`${id}-bucket`} value={b} checked={value === b} onChange={() => onChange(b)} /> {t(`pingTests.history.${b}`)}
        </label>
      ))}
    </fieldset>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <ul className="plain chart-legend" aria-hidden="true">
      <li>
        <span className="swatch swatch-rate" /> {t('pingTests.history.legendRate')}
      </li>
      <li>
        <span className="swatch swatch-median" /> {t('pingTests.history.legendMedian')}
      </li>
      <li>
        <span className="swatch swatch-p90" /> {t('pingTests.history.legendP90')}
      </li>
    </ul>
  );
}

/** Results over time: for every node and group tested, a chart of response rate and median / 90th-percentile time per month or quarter. */
export function PingHistory({ groups, version }: { groups: Group[]; version: string }) {
  const { t } = useTranslation();
  const { label } = useNodeDirectory();
  const { data, error, bucket, setBucket } = usePingHistory(version);
  const nameOf = (s: PingHistorySeries) => (s.kind === 'node' ? label(s.id).name : (groups.find((g) => g.id === s.id)?.name ?? s.id));
  const series = [...(data?.series ?? [])].sort((a, b) => (a.kind === b.kind ? nameOf(a).localeCompare(nameOf(b)) : a.kind === 'node' ? -1 : 1));

  return (
    <section className="card ping-history-charts" aria-labelledby="ping-history-title" data-testid="ping-history">
      <div className="section-head">
        <h2 id="ping-history-title">{t('pingTests.history.title')}</h2>
        <BucketToggle value={bucket} onChange={setBucket} />
      </div>
      <p className="hint">{t('pingTests.history.intro')}</p>
      <LoadState error={error} empty={Boolean(data) && series.length === 0} emptyText={t('pingTests.history.none')} emptyClassName="hint" />
      {series.length > 0 && (
        <>
          <Legend />
          <div className="history-grid">
            {series.map((s) => (
              <figure key={s.key} className="history-figure" data-series={s.key}>
                <figcaption>
                  <strong>{nameOf(s)}</strong> <span className="hint">{s.kind === 'node' ? s.id : t('pingTests.schedules.groupDetail')}</span>
                </figcaption>
                <div className="chart-scroll">
                  <PingHistoryChart series={s} name={nameOf(s)} bucket={data?.bucket ?? bucket} />
                </div>
                <PingHistoryTable series={s} />
              </figure>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
