import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Options, SelectField, TextAreaField } from '../shared/ui/Field.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { NORMS_EDIT } from './DraftsPanel.js';
import { NORM_IDS, normsApi, reportPath } from './normsApi.js';
import { StatusLegend, StatusMark } from './StatusCell.js';

/** One version of a state's report: its norms, its versions over time, what changed since another version, and comments. */
export function ReportPage({ node, version, navigate }: { node: string; version: number; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const loadVersion = useCallback(() => normsApi.version(node, version), [node, version]);
  const loadVersions = useCallback(() => normsApi.versions(node), [node]);
  const v = useResource(loadVersion, `${node}/${version}`);
  const versions = useResource(loadVersions, node);
  const earlier = (versions.data ?? []).filter((x) => x.version < version).map((x) => String(x.version));
  const [from, setFrom] = useState<string>('');
  const base = from || earlier[earlier.length - 1] || '';
  const loadDiff = useCallback(() => (base ? normsApi.diff(node, Number(base), version) : Promise.resolve(null)), [node, base, version]);
  const diff = useResource(loadDiff, `${node}/${base}/${version}`);
  const r = v.data?.report;

  return (
    <>
      <section className="card" aria-labelledby="norms-report-title">
        <h2 id="norms-report-title">{t('norms.report.title', { node, version })}</h2>
        <LoadState error={v.error} loading={v.loading && !r} />
        {r && (
          <>
            <p className="muted">
              {r.country} · {formatDate(r.published_at)} · {v.data!.signed_by ? t('norms.report.signedBy', { key: v.data!.signed_by }) : t('norms.report.own')}
            </p>
            <p>{r.summary}</p>
            <StatusLegend />
            <table className="table" data-testid="norms-report">
              <thead>
                <tr>
                  <th>{t('norms.report.norm')}</th>
                  <th>{t('norms.editor.status')}</th>
                  <th>{t('norms.editor.measures')}</th>
                  <th>{t('norms.editor.legislation')}</th>
                  <th>{t('norms.editor.institutions')}</th>
                  <th>{t('norms.editor.links')}</th>
                </tr>
              </thead>
              <tbody>
                {r.norms.map((n) => (
                  <tr key={n.norm} data-norm={n.norm}>
                    <th scope="row">({n.norm})</th>
                    <td>
                      <StatusMark status={n.status} withText />
                    </td>
                    <td>{n.measures}</td>
                    <td>{n.legislation}</td>
                    <td>{n.institutions}</td>
                    <td>
                      {n.links.map((l) => (
                        <a key={l.url} href={l.url} rel="noreferrer noopener" target="_blank">
                          {l.title || l.url}
                        </a>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="norms-history-title">
        <h2 id="norms-history-title">{t('norms.report.overTime')}</h2>
        <table className="table norms-matrix" data-testid="norms-versions">
          <thead>
            <tr>
              <th>{t('norms.matrix.version')}</th>
              {NORM_IDS.map((n) => (
                <th key={n}>({n})</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(versions.data ?? []).map((x) => (
              <tr key={x.version}>
                <th scope="row">
                  <a href={reportPath(node, x.version)} onClick={(e) => (e.preventDefault(), navigate(reportPath(node, x.version)))} aria-current={x.version === version ? 'page' : undefined}>
                    {x.version} · {formatDate(x.published_at)}
                  </a>
                </th>
                {NORM_IDS.map((n) => (
                  <td key={n}>
                    <StatusMark status={x.statuses[n] ?? 'not_started'} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {earlier.length > 0 && (
          <>
            <h3>{t('norms.diff.title', { version })}</h3>
            <SelectField label={t('norms.diff.from')} name="diff-from" value={base} onChange={(e) => setFrom(e.target.value)}>
              <Options values={earlier} label={(x) => t('norms.diff.version', { version: x })} />
            </SelectField>
            <ErrorAlert error={diff.error} />
            {diff.data && (
              <div data-testid="norms-diff">
                {diff.data.summary_changed && <p>{t('norms.diff.summaryChanged')}</p>}
                {diff.data.norms.length === 0 && <p>{t('norms.diff.none')}</p>}
                <ul>
                  {diff.data.norms.map((d) => (
                    <li key={d.norm} className="norms-diff-changed" data-norm={d.norm}>
                      <strong>({d.norm})</strong> {d.changed.map((f) => t(`norms.diff.field.${f}`)).join(', ')}
                      {d.status.from !== d.status.to && (
                        <>
                          {' '}
                          — <StatusMark status={d.status.from} withText /> → <StatusMark status={d.status.to} withText />
                        </>
                      )}
                      {d.links_added.length > 0 && ` +${d.links_added.join(' +')}`}
                      {d.links_removed.length > 0 && ` −${d.links_removed.join(' −')}`}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </>
        )}
      </section>
      {r && <Comments node={node} version={version} own={v.data!.own} />}
    </>
  );
}

function Comments({ node, version, own }: { node: string; version: number; own: boolean }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const load = useCallback(() => normsApi.comments(node, version), [node, version]);
  const { data, reload } = useResource(load, `${node}/${version}`);
  const [text, setText] = useState('');
  const [norm, setNorm] = useState('');
  const { busy, error, run } = useAction();

  async function handleSend(e: FormEvent) {
    e.preventDefault();
    const sent = await run(() => normsApi.comment(node, version, norm ? { text, norm: norm as (typeof NORM_IDS)[number] } : { text }));
    if (sent) {
      setText('');
      await reload();
    }
  }

  return (
    <section className="card" aria-labelledby="norms-comments-title">
      <h2 id="norms-comments-title">{t('norms.comments.title')}</h2>
      {(data ?? []).length === 0 && <p className="muted">{t('norms.comments.none')}</p>}
      <ul data-testid="norms-comments">
        {(data ?? []).map((c) => (
          <li key={c.id}>
            <strong>{c.author_name}</strong> ({c.author_node}){c.norm ? ` · (${c.norm})` : ''}: {c.text}
          </li>
        ))}
      </ul>
      {!own && NORMS_EDIT.includes(user.role) && (
        <form onSubmit={handleSend}>
          <ErrorAlert error={error} />
          <SelectField label={t('norms.comments.norm')} name="comment-norm" value={norm} onChange={(e) => setNorm(e.target.value)}>
            <option value="">{t('norms.comments.whole')}</option>
            <Options values={NORM_IDS} label={(n) => `(${n})`} />
          </SelectField>
          <TextAreaField label={t('norms.comments.text')} name="comment-text" rows={3} required maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" disabled={busy || !text.trim()}>
            {t('norms.comments.send')}
          </button>
        </form>
      )}
    </section>
  );
}
