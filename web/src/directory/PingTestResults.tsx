import { useTranslation } from 'react-i18next';
import type { Group, PingStats, PingTest } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useFormatDuration } from '../shared/hooks/useFormat.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';

/** How many of a node's latest tests the little chart shows. */
const CHART_TESTS = 12;
const CHART = { width: 240, height: 60, bar: 14, gap: 6 };

/** The response rate as a horizontal bar: green when most answer, amber, red when few do. */
export function RateBar({ rate }: { rate: number | null }) {
  const { t } = useTranslation();
  if (rate === null) return <span className="hint">{t('pingTests.noRate')}</span>;
  const pct = Math.round(rate * 100);
  const tone = rate >= 0.9 ? 'good' : rate >= 0.5 ? 'fair' : 'poor';
  return (
    <span className="rate" data-rate={pct}>
      <span className="rate-track" role="img" aria-label={t('pingTests.rateLabel', { pct })}>
        <span className={`rate-fill rate-${tone}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="rate-text">{`${pct}\u00a0%`}</span>
    </span>
  );
}

/** Response times of a node's latest tests, oldest on the left; unanswered ones as red marks. */
export function ResponseChart({ tests, name }: { tests: PingTest[]; name: string }) {
  const { t } = useTranslation();
  const formatDuration = useFormatDuration();
  const latest = tests.filter((x) => x.status !== 'pending').slice(0, CHART_TESTS).reverse();
  if (latest.length === 0) return null;
  const max = Math.max(1, ...latest.map((x) => x.response_ms ?? 0));
  const width = latest.length * (CHART.bar + CHART.gap);
  return (
    <svg className="response-chart" viewBox={`0 0 ${Math.max(width, CHART.width)} ${CHART.height}`} width={Math.max(width, CHART.width)} height={CHART.height} role="img" aria-label={t('pingTests.chartLabel', { node: name, n: latest.length })}>
      <line x1={0} y1={CHART.height - 0.5} x2={Math.max(width, CHART.width)} y2={CHART.height - 0.5} className="chart-axis" />
      {latest.map((x, i) => {
        const x0 = i * (CHART.bar + CHART.gap);
        const answered = x.status === 'answered' && x.response_ms !== null;
        const h = answered ? Math.max(3, Math.round(((x.response_ms ?? 0) / max) * (CHART.height - 4))) : CHART.height - 4;
        const tip = answered ? formatDuration(x.response_ms) : t('pingTests.status.unanswered');
        return (
          <rect key={x.id} x={x0} y={CHART.height - 1 - h} width={CHART.bar} height={h} rx={2} className={answered ? 'chart-bar' : 'chart-miss'} data-test={x.id}>
            <title>{tip}</title>
          </rect>
        );
      })}
    </svg>
  );
}

function StatsCells({ s }: { s: PingStats }) {
  const { t } = useTranslation();
  const formatDuration = useFormatDuration();
  return (
    <>
      <td data-cell="rate">
        <RateBar rate={s.response_rate} />
      </td>
      <td data-cell="median" className="number">
        {formatDuration(s.median_ms)}
      </td>
      <td data-cell="p90" className="number">
        {formatDuration(s.p90_ms)}
      </td>
      <td data-cell="counts" className="number">
        <span>{t('pingTests.countsText', { answered: s.answered, sent: s.sent })}</span>{' '}
        {s.unanswered > 0 && <span className="status status-off">{t('pingTests.nUnanswered', { n: s.unanswered })}</span>}
        {s.pending > 0 && <span className="status status-warn">{t('pingTests.nPending', { n: s.pending })}</span>}
      </td>
    </>
  );
}


/** Results per node (with a chart of the latest response times) and per group. */
export function PingTestResults({ nodes, groups, outgoing, groupList }: { nodes: Record<string, PingStats>; groups: Record<string, PingStats>; outgoing: PingTest[]; groupList: Group[] }) {
  const { t } = useTranslation();
  const { label } = useNodeDirectory();
  const nodeIds = Object.keys(nodes).sort((a, b) => label(a).name.localeCompare(label(b).name));
  const groupIds = Object.keys(groups);
  const groupName = (id: string) => groupList.find((g) => g.id === id)?.name ?? id;
  const statsColumns = [t('pingTests.colRate'), t('pingTests.colMedian'), t('pingTests.colP90'), t('pingTests.colCounts')];

  return (
    <section className="card ping-results" data-testid="ping-results">
      <h2>{t('pingTests.resultsTitle')}</h2>
      <p className="hint">{t('pingTests.resultsIntro')}</p>
      <ResourceTable
        rows={nodeIds}
        emptyText={t('pingTests.resultsNone')}
        emptyClassName="hint"
        className="ping-stats-table"
        testId="ping-stats-nodes"
        caption={t('pingTests.byNode')}
        columns={[t('pingTests.colNode'), ...statsColumns, t('pingTests.colChart')]}
        renderRow={(id) => (
          <tr key={id} data-node={id}>
            <th scope="row" data-cell="name">
              {label(id).name} <span className="hint">{id}</span>
            </th>
            <StatsCells s={nodes[id]!} />
            <td data-cell="chart">
              <ResponseChart tests={outgoing.filter((x) => x.peer_node === id)} name={label(id).name} />
            </td>
          </tr>
        )}
      />
      {groupIds.length > 0 && (
        <ResourceTable
          rows={groupIds}
          className="ping-stats-table"
          testId="ping-stats-groups"
          caption={t('pingTests.byGroup')}
          columns={[t('pingTests.colGroup'), ...statsColumns]}
          renderRow={(id) => (
            <tr key={id} data-group={id}>
              <th scope="row" data-cell="name">
                {groupName(id)}
              </th>
              <StatsCells s={groups[id]!} />
            </tr>
          )}
        />
      )}
    </section>
  );
}
