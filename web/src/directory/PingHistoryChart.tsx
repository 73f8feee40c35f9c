import { useTranslation } from 'react-i18next';
import type { HistoryBucket, PingHistoryPoint, PingHistorySeries } from '../api/types.js';
import { useFormatDuration, useFormatPeriod } from '../shared/hooks/useFormat.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';

/** Geometry of one chart: a response-rate panel above a response-time panel, a column per period. */
const G = { left: 52, col: 60, bar: 32, rateTop: 18, rateH: 56, timeTop: 100, timeH: 56, labelY: 174, height: 182, minWidth: 340 };
const RATE_BASE = G.rateTop + G.rateH;
const TIME_BASE = G.timeTop + G.timeH;

function toneOf(rate: number): 'good' | 'fair' | 'poor' {
  return rate >= 0.9 ? 'good' : rate >= 0.5 ? 'fair' : 'poor';
}

/** The text of a period's tooltip: its rate and times, or that no test of it closed. */
function usePointTitle(): (p: PingHistoryPoint) => string {
  const { t } = useTranslation();
  const formatPeriod = useFormatPeriod();
  const formatDuration = useFormatDuration();
  return (p) => {
    const period = formatPeriod(p.period);
    if (p.response_rate === null) return t('pingTests.history.noClosed', { period, started: p.started });
    return t('pingTests.history.pointTitle', {
      period,
      pct: Math.round(p.response_rate * 100),
      answered: p.answered,
      closed: p.answered + p.unanswered,
      median: formatDuration(p.median_ms),
      p90: formatDuration(p.p90_ms),
    });
  };
}

/** One period's column: the rate bar, the median bar and the 90th-percentile mark. */
function PeriodColumn({ p, i, maxMs, title }: { p: PingHistoryPoint; i: number; maxMs: number; title: string }) {
  const formatPeriod = useFormatPeriod();
  const x = G.left + i * G.col + (G.col - G.bar) / 2;
  const pct = p.response_rate === null ? null : Math.round(p.response_rate * 100);
  const rateH = p.response_rate === null ? 0 : Math.max(2, Math.round(p.response_rate * G.rateH));
  const medianH = p.median_ms === null ? 0 : Math.max(2, Math.round((p.median_ms / maxMs) * G.timeH));
  const p90Y = p.p90_ms === null ? null : TIME_BASE - Math.max(2, Math.round((p.p90_ms / maxMs) * G.timeH));
  return (
    <g data-period={p.period} data-rate={pct ?? ''} data-median={p.median_ms ?? ''} data-p90={p.p90_ms ?? ''}>
      <title>{title}</title>
      {pct === null ? (
        <rect x={x} y={RATE_BASE - 8} width={G.bar} height={8} className="chart-empty" />
      ) : (
        <rect x={x} y={RATE_BASE - rateH} width={G.bar} height={rateH} rx={2} className={`chart-rate chart-rate-${toneOf(p.response_rate!)}`} />
      )}
      {p.median_ms !== null && <rect x={x} y={TIME_BASE - medianH} width={G.bar} height={medianH} rx={2} className="chart-bar chart-median" />}
      {p90Y !== null && (
        <>
          <line x1={x + G.bar / 2} x2={x + G.bar / 2} y1={TIME_BASE - medianH} y2={p90Y} className="chart-whisker" />
          <line x1={x - 3} x2={x + G.bar + 3} y1={p90Y} y2={p90Y} className="chart-p90" />
        </>
      )}
      <text x={x + G.bar / 2} y={G.labelY} textAnchor="middle" className="chart-label">
        {formatPeriod(p.period)}
      </text>
    </g>
  );
}

/** The response rate and median / 90th-percentile response time of one node or group, period by period, as inline SVG. */
export function PingHistoryChart({ series, name, bucket }: { series: PingHistorySeries; name: string; bucket: HistoryBucket }) {
  const { t } = useTranslation();
  const formatDuration = useFormatDuration();
  const pointTitle = usePointTitle();
  const maxMs = Math.max(1, ...series.points.map((p) => Math.max(p.p90_ms ?? 0, p.median_ms ?? 0)));
  const width = Math.max(G.minWidth, G.left + series.points.length * G.col + 8);
  return (
    <svg className="history-chart" viewBox={`0 0 ${width} ${G.height}`} width={width} height={G.height} role="img" aria-label={t(`pingTests.history.chartLabel.${bucket}`, { name })}>
      <text x={0} y={G.rateTop - 6} className="chart-label chart-panel">
        {t('pingTests.history.legendRate')}
      </text>
      <text x={G.left - 6} y={G.rateTop + 8} textAnchor="end" className="chart-label">
        100%
      </text>
      <text x={G.left - 6} y={RATE_BASE} textAnchor="end" className="chart-label">
        0
      </text>
      <line x1={G.left} x2={width} y1={G.rateTop} y2={G.rateTop} className="chart-grid" />
      <line x1={G.left} x2={width} y1={RATE_BASE + 0.5} y2={RATE_BASE + 0.5} className="chart-axis" />
      <text x={0} y={G.timeTop - 6} className="chart-label chart-panel">
        {t('pingTests.history.panelTime')}
      </text>
      <text x={G.left - 6} y={G.timeTop + 8} textAnchor="end" className="chart-label">
        {formatDuration(maxMs)}
      </text>
      <line x1={G.left} x2={width} y1={G.timeTop} y2={G.timeTop} className="chart-grid" />
      <line x1={G.left} x2={width} y1={TIME_BASE + 0.5} y2={TIME_BASE + 0.5} className="chart-axis" />
      {series.points.map((p, i) => (
        <PeriodColumn key={p.period} p={p} i={i} maxMs={maxMs} title={pointTitle(p)} />
      ))}
    </svg>
  );
}

/** The figures behind a chart, as a table (for screen readers, and for reading exact values). */
export function PingHistoryTable({ series }: { series: PingHistorySeries }) {
  const { t } = useTranslation();
  const formatPeriod = useFormatPeriod();
  const formatDuration = useFormatDuration();
  return (
    <details className="history-figures">
      <summary>{t('pingTests.history.showTable')}</summary>
      <ResourceTable
        rows={series.points}
        columns={[t('pingTests.history.colPeriod'), t('pingTests.history.colStarted'), t('pingTests.colRate'), t('pingTests.colMedian'), t('pingTests.colP90'), t('pingTests.history.colOpen')]}
        renderRow={(p) => (
          <tr key={p.period} data-period={p.period}>
            <th scope="row">{formatPeriod(p.period)}</th>
            <td className="number">{p.started}</td>
            <td className="number" data-cell="rate">
              {p.response_rate === null ? t('common.none') : `${Math.round(p.response_rate * 100)}\u00a0%`} <span className="hint">{t('pingTests.countsText', { answered: p.answered, sent: p.answered + p.unanswered })}</span>
            </td>
            <td className="number">{formatDuration(p.median_ms)}</td>
            <td className="number">{formatDuration(p.p90_ms)}</td>
            <td className="number">{p.pending}</td>
          </tr>
        )}
      />
    </details>
  );
}
