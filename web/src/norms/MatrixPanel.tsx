import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useResource } from '../shared/hooks/useResource.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { NORM_IDS, normsApi, reportPath } from './normsApi.js';
import { StatusLegend, StatusMark } from './StatusCell.js';

/** States × norms: each state's latest published report, one coloured cell per norm, with totals. */
export function MatrixPanel({ navigate }: { navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { data, error, loading, reload } = useResource(normsApi.matrix);
  useAutoRefresh(reload, 10_000);

  function handleOpen(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(e.currentTarget.getAttribute('href')!);
  }

  return (
    <section className="card" aria-labelledby="norms-matrix-title">
      <h2 id="norms-matrix-title">{t('norms.matrix.title')}</h2>
      <p className="intro">{t('norms.matrix.intro')}</p>
      <StatusLegend />
      <ResourceTable
        rows={data?.rows}
        loading={loading}
        error={error}
        emptyText={t('norms.matrix.empty')}
        className="norms-matrix"
        testId="norms-matrix"
        caption={t('norms.matrix.caption')}
        columns={[t('norms.matrix.state'), ...NORM_IDS.map((n) => `(${n})`), t('norms.matrix.version')]}
        renderRow={(r) => (
          <tr key={r.node_id} data-node={r.node_id}>
            <th scope="row">
              <a href={reportPath(r.node_id, r.version)} onClick={handleOpen}>
                {r.country} · {r.node_id}
              </a>
            </th>
            {r.statuses.map((s, i) => (
              <td key={NORM_IDS[i]} data-norm={NORM_IDS[i]} data-status={s}>
                <StatusMark status={s} />
              </td>
            ))}
            <td>
              {r.version} · {formatDate(r.published_at)}
            </td>
          </tr>
        )}
      />
      {data && data.rows.length > 0 && (
        <p className="muted">
          {NORM_IDS.map((n) => `(${n}) ${data.totals[n]?.implemented ?? 0}/${data.rows.length}`).join(' · ')} — {t('norms.matrix.totals')}
        </p>
      )}
    </section>
  );
}
