import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseStatisticsRow } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { groundText, typeTitle } from './catalogue.js';
import { CASES_PATH, onLink } from './paths.js';
import { casesApi, STATISTICS_CSV, useCatalogue } from './useCases.js';

const G = { left: 230, width: 560, bar: 16, gap: 8, top: 8 };

/** One horizontal bar chart: a row per peer and type, its value as a bar and in words (inline SVG, as the ping-test history draws). */
function BarChart({ rows, value, format, label, name }: { rows: CaseStatisticsRow[]; value: (r: CaseStatisticsRow) => number | null; format: (v: number) => string; label: (r: CaseStatisticsRow) => string; name: string }) {
  const { t } = useTranslation();
  const max = Math.max(1e-9, ...rows.map((r) => value(r) ?? 0));
  const height = G.top + rows.length * (G.bar + G.gap) + 4;
  const plot = G.width - G.left - 70;
  return (
    <figure className="stats-chart">
      <figcaption>{name}</figcaption>
      <div className="chart-scroll">
        <svg className="history-chart" viewBox={`0 0 ${G.width} ${height}`} width={G.width} height={height} role="img" aria-label={name}>
          <line x1={G.left} x2={G.left} y1={0} y2={height} className="chart-axis" />
          {rows.map((r, i) => {
            const v = value(r);
            const y = G.top + i * (G.bar + G.gap);
            const w = v === null ? 0 : Math.max(2, Math.round((v / max) * plot));
            return (
              <g key={`${r.peer} ${r.type} ${r.direction}`} data-row={`${r.peer} ${r.type} ${r.direction}`} data-value={v ?? ''}>
                <title>{`${label(r)}: ${v === null ? t('common.none') : format(v)}`}</title>
                <text x={G.left - 6} y={y + G.bar - 4} textAnchor="end" className="chart-label">
                  {label(r).length > 34 ? `${label(r).slice(0, 33)}…` : label(r)}
                </text>
                {v === null ? <rect x={G.left} y={y + G.bar / 2 - 1} width={plot} height={2} className="chart-empty" /> : <rect x={G.left} y={y} width={w} height={G.bar} rx={2} className="chart-bar chart-median" />}
                <text x={G.left + w + 6} y={y + G.bar - 4} className="chart-label">
                  {v === null ? t('common.none') : format(v)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}

/** Per peer and type: time to acknowledge, time to execute, share refused and on which grounds; charts, a table and the CSV. */
export function CaseStatisticsPage({ navigate }: { navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const directory = useNodeDirectory();
  const catalogue = useCatalogue();
  const load = useCallback(() => casesApi.statistics(), []);
  const stats = useResource(load);
  const rows = stats.data?.rows;
  const label = (r: CaseStatisticsRow) => `${directory.label(r.peer).name} · ${typeTitle(t, r.type, catalogue.data)} ${r.direction === 'incoming' ? '↓' : '↑'}`;
  const hours = (v: number) => t('cases.statistics.hours', { value: v.toFixed(1) });
  const days = (v: number) => t('cases.statistics.days', { value: v.toFixed(1) });
  const pct = (v: number) => `${Math.round(v * 100)}\u00a0%`;
  return (
    <>
      <PageHeader title={t('cases.statistics.title')} intro={t('cases.statistics.intro')}>
        <a className="button" href={CASES_PATH} onClick={onLink(navigate)}>
          {t('cases.allCases')}
        </a>
        <a className="button" href={STATISTICS_CSV} download data-action="csv">
          {t('cases.statistics.csv')}
        </a>
      </PageHeader>
      <ErrorAlert error={stats.error} />
      {rows && rows.length > 0 && (
        <section className="card stats-charts">
          <BarChart rows={rows} value={(r) => r.median_hours_to_acknowledge} format={hours} label={label} name={t('cases.statistics.chartAck')} />
          <BarChart rows={rows} value={(r) => r.median_days_to_execute} format={days} label={label} name={t('cases.statistics.chartExecute')} />
          <BarChart rows={rows} value={(r) => (r.cases ? r.refused / r.cases : null)} format={pct} label={label} name={t('cases.statistics.chartRefused')} />
        </section>
      )}
      <section className="card table-card">
        <ResourceTable
          rows={rows}
          loading={stats.loading}
          emptyText={t('cases.statistics.empty')}
          caption={t('cases.statistics.tableCaption')}
          columns={[t('cases.peer'), t('cases.type'), t('cases.statistics.direction'), t('cases.statistics.cases'), t('cases.statistics.ack'), t('cases.statistics.execute'), t('cases.statistics.refused'), t('cases.statistics.grounds'), t('cases.statistics.open')]}
          renderRow={(r) => (
            <tr key={`${r.peer} ${r.type} ${r.direction}`} data-peer={r.peer} data-type={r.type} data-direction={r.direction}>
              <td title={r.peer}>{directory.label(r.peer).name}</td>
              <td>{typeTitle(t, r.type, catalogue.data)}</td>
              <td>{t(`cases.direction.${r.direction}`, { defaultValue: r.direction })}</td>
              <td className="number">{r.cases}</td>
              <td className="number" data-cell="ack">
                {r.median_hours_to_acknowledge === null ? t('common.none') : hours(r.median_hours_to_acknowledge)} <span className="hint">({r.acknowledged})</span>
              </td>
              <td className="number" data-cell="execute">
                {r.median_days_to_execute === null ? t('common.none') : days(r.median_days_to_execute)} <span className="hint">({r.executed})</span>
              </td>
              <td className="number" data-cell="refused">
                {r.refused} {r.cases > 0 && <span className="hint">({pct(r.refused / r.cases)})</span>}
              </td>
              <td data-cell="grounds">
                {Object.entries(r.refusal_grounds)
                  .map(([g, n]) => `${groundText(t, g)} × ${n}`)
                  .join('; ') || t('common.none')}
              </td>
              <td className="number">
                {r.open}
                {r.overdue > 0 && <span className="deadline-overdue"> ({t('cases.statistics.overdueN', { count: r.overdue })})</span>}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
