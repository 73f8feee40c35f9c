import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, AuditVerification } from '../api/types.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { describeAuditEntry } from './auditText.js';
import { useAudit } from './useAudit.js';

/** The action's name (its code beside it for searching) and the details in words. */
function AuditActionCells({ entry }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const text = describeAuditEntry(entry, t, i18n.resolvedLanguage ?? 'en');
  const hasDetails = text.sentence !== null || text.pairs.length > 0;
  return (
    <>
      <td data-cell="action" data-action={entry.action}>
        {text.label}
        <br />
        <code className="hint">{entry.action}</code>
      </td>
      <td>{entry.target ? <code>{entry.target}</code> : t('common.none')}</td>
      <td>{entry.ip ?? t('common.none')}</td>
      <td data-cell="details">
        {text.sentence && <p className="plain">{text.sentence}</p>}
        {text.pairs.length > 0 && (
          <dl className="facts compact">
            {text.pairs.map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd className="wrap">{v}</dd>
              </Fragment>
            ))}
          </dl>
        )}
        {!hasDetails && t('common.none')}
      </td>
    </>
  );
}

function VerificationResult({ result }: { result: AuditVerification }) {
  const { t } = useTranslation();
  if (result.ok) {
    return (
      <p className="alert alert-success" role="status" data-testid="audit-verify">
        {t('audit.verifyOk', { checked: result.checked, lastSeq: result.lastSeq })}
      </p>
    );
  }
  const broken = result.firstBroken;
  return (
    <p className="alert alert-error" role="alert" data-testid="audit-verify">
      {t('audit.verifyBroken', { seq: broken?.seq ?? '?', reason: broken?.reason ?? '', detail: broken?.detail ?? '' })}
    </p>
  );
}

/** The hash-chained audit log, newest first, with chain verification. */
export function AuditPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const audit = useAudit();
  const entries = audit.data?.entries;

  function handleVerify() {
    void audit.verify();
  }

  return (
    <>
      <PageHeader title={t('audit.title')} intro={t('audit.intro')}>
        <button type="button" onClick={handleVerify} disabled={audit.verifying}>
          {audit.verifying ? t('audit.verifying') : t('audit.verify')}
        </button>
      </PageHeader>
      {audit.verification && <VerificationResult result={audit.verification} />}
      <ErrorAlert error={audit.verifyError ?? audit.error} />
      <section className="card table-card">
        <ResourceTable
          rows={entries}
          loading={audit.loading}
          emptyText={t('audit.empty')}
          className="audit-table"
          caption={t('audit.tableCaption')}
          columns={[t('audit.seq'), t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.ip'), t('audit.details'), t('audit.hash')]}
          renderRow={(e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td className="nowrap">{formatDate(e.at)}</td>
              <td>
                <code>{e.actor}</code>
              </td>
              <AuditActionCells entry={e} />
              <td>
                <code title={e.hash}>{e.hash.slice(0, 12)}…</code>
              </td>
            </tr>
          )}
        />
        <nav className="pager" aria-label={t('audit.title')}>
          <button type="button" className="secondary" onClick={audit.newest}>
            {t('audit.newest')}
          </button>
          <button type="button" className="secondary" onClick={audit.newer} disabled={!audit.hasNewer}>
            {t('audit.newer')}
          </button>
          <span>{t('audit.page', { n: audit.page + 1 })}</span>
          <button type="button" className="secondary" onClick={audit.older} disabled={!audit.hasOlder}>
            {t('audit.older')}
          </button>
        </nav>
      </section>
    </>
  );
}
