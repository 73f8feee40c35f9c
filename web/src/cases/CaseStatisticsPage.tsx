import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseStatisticsRow } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { groundInstrument, groundText, typeTitle } from './catalogue.js';
import { CASES_PATH, onLink } from './paths.js';
import { casesApi, STATISTICS_CSV, useCatalogue } from './useCases.js';

const G = { left: 330, width: 760, bar: 16, gap: 8, top: 8 };

interface Bar {
  key: string;
  label: string;
  value: number | null;
}

/** One horizontal bar chart: a bar per item with its value in words (inline SVG, as the ping-test history draws). */
function BarChart({ bars, format, name }: { bars: Bar[]; format: (v: number) => string; name: string }) {
  const { t } = useTranslation();
  const max = Math.max(1e-9, ...bars.map((b) => b.value ?? 0));
  const height = G.top + bars.length * (G.bar + G.gap) + 4;
  const plot = G.width - G.left - 70;
  return (
    <figure className="stats-chart">
      <figcaption>{name}</figcaption>
      <div className="chart-scroll">
        <svg className="history-chart" viewBox={`0 0 ${G.width} ${height}`} width={G.width} height={height} role="img" aria-label={name}>
          <line x1={G.left} x2={G.left} y1={0} y2={height} className="chart-axis" />
          {bars.map((b, i) => {
            const y = G.top + i * (G.bar + G.gap);
            const w = b.value === null ? 0 : Math.max(2, Math.round((b.value / max) * plot));
            return (
              <g key={b.key} data-bar={b.key} data-value={b.value ?? ''}>
                <title>{`${b.label}: ${b.value === null ? t('common.none') : format(b.value)}`}</title>
                <text x={G.left - 6} y={y + G.bar - 4} textAnchor="end" className="chart-label">
                  {b.label.length > 52 ? `${b.label.slice(0, 51)}…` : b.label}
                </text>
                {b.value === null ? <rect x={G.left} y={y + G.bar / 2 - 1} width={plot} height={2} className="chart-empty" /> : <rect x={G.left} y={y} width={w} height={G.bar} rx={2} className="chart-bar chart-median" />}
                <text x={G.left + w + 6} y={y + G.bar - 4} className="chart-label">
                  {b.value === null ? t('common.none') : format(b.value)}
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
  const bars = (value: (r: CaseStatisticsRow) => number | null): Bar[] => (rows ?? []).map((r) => ({ key: `${r.peer} ${r.type} ${r.direction}`, label: label(r), value: value(r) }));
  /** Refusals by ground, over every peer and type. */
  const byGround = new Map<string, number>();
  for (const r of rows ?? []) for (const [g, n] of Object.entries(r.refusal_grounds)) byGround.set(g, (byGround.get(g) ?? 0) + n);
  const grounds: Bar[] = [...byGround.entries()].sort((x, y) => y[1] - x[1]).map(([g, n]) => ({ key: g, label: groundText(t, g, groundInstrument(g, catalogue.data)).split(':')[0] ?? g, value: n }));
  return (
    <>
      <PageHeader title={t('cases.statistics.title')} intro={t('cases.statistics.intro')}>
        <div className="button-row case-actions">
          <a className="button" href={CASES_PATH} onClick={onLink(navigate)}>
            {t('cases.allCases')}
          </a>
          <a className="button" href={STATISTICS_CSV} download data-action="csv">
            {t('cases.statistics.csv')}
          </a>
        </div>
      </PageHeader>
      <ErrorAlert error={stats.error} />
      {rows && rows.length > 0 && (
        <section className="card stats-charts">
          <BarChart bars={bars((r) => r.median_hours_to_acknowledge)} format={hours} name={t('cases.statistics.chartAck')} />
          <BarChart bars={bars((r) => r.median_days_to_execute)} format={days} name={t('cases.statistics.chartExecute')} />
          <BarChart bars={bars((r) => (r.cases ? r.refused / r.cases : null))} format={pct} name={t('cases.statistics.chartRefused')} />
          {grounds.length > 0 && <BarChart bars={grounds} format={(v) => String(v)} name={t('cases.statistics.chartGrounds')} />}
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
                  .map(([g, n]) => `${groundText(t, g, groundInstrument(g, catalogue.data))} × ${n}`)
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
