import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../api/types.js';
import { useSignedIn } from '../../auth/useSession.js';
import { useAutoRefresh } from '../../shared/hooks/useAutoRefresh.js';
import { useFormatDate } from '../../shared/hooks/useFormat.js';
import { useResource } from '../../shared/hooks/useResource.js';
import { ErrorAlert } from '../../shared/ui/ErrorAlert.js';
import { AttachUpload } from './AttachUpload.js';
import {
  attachmentsApi,
  bundlePath,
  CASE_OVER,
  contentPath,
  EVIDENCE_DOWNLOAD,
  EVIDENCE_RETAIN,
  EVIDENCE_WRITE,
  formatBytes,
  type Attachment,
  type CustodyEntry,
  type TransferView,
} from './attachmentsApi.js';
import './attachments.css';

const REFRESH_MS = 5000;

/**
 * A case's attachments: each file with its hash, who added it, hold, deletion and transfer
 * state; its custody log on demand; download, legal hold and deletion where the role allows;
 * attaching a file (resumable upload); the case bundle for export and the offline check.
 */
export function AttachmentsSection({ detail, label, access }: { detail: CaseDetail; label: (node: string) => { name: string }; access?: { attachments: boolean; content: boolean; reason: string } | undefined }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const caseId = detail.id;
  const load = useCallback(async () => {
    const [list, transfers] = await Promise.all([attachmentsApi.list(caseId), attachmentsApi.transfers(caseId).catch(() => [] as TransferView[])]);
    return { attachments: list.attachments, transfers: new Map(transfers.map((x) => [x.attachment_id, x])) };
  }, [caseId]);
  const res = useResource(load, caseId);
  useAutoRefresh(res.reload, REFRESH_MS);
  const [error, setError] = useState<unknown>(null);
  const [hashesOnly, setHashesOnly] = useState(false);
  // A reader outside the case's team never gets here (the case answers 404); an auditor
  // without the content right sees names and hashes only (docs/cases.md, "Case team").
  const noContent = access?.content === false;
  const canWrite = EVIDENCE_WRITE.includes(user.role) && access?.attachments !== false;

  async function act(a: Attachment, what: 'hold' | 'release' | 'remove') {
    if (what === 'remove' && !window.confirm(t('evidence.confirmDelete', { name: a.name }))) return;
    setError(null);
    try {
      const next = await attachmentsApi[what](caseId, a.id);
      res.setData((d) => d && { ...d, attachments: d.attachments.map((x) => (x.id === next.id ? next : x)) });
    } catch (e) {
      setError(e);
    }
  }

  const list = res.data?.attachments ?? [];
  return (
    <section className="card attachments" aria-labelledby="attachments-title" data-testid="attachments">
      <h2 id="attachments-title">{t('evidence.title')}</h2>
      <ErrorAlert error={res.error ?? error} />
      {res.data && list.length === 0 && <p className="hint">{t('evidence.none')}</p>}
      {list.length > 0 && (
        <ul className="attachment-list">
          {list.map((a) => (
            <AttachmentItem
              key={a.id}
              caseId={caseId}
              a={a}
              transfer={res.data?.transfers.get(a.id)}
              label={label}
              canDownload={EVIDENCE_DOWNLOAD.includes(user.role) && !noContent}
              canView={!noContent}
              canRetain={EVIDENCE_RETAIN.includes(user.role)}
              caseOver={CASE_OVER.includes(detail.status)}
              onAct={(what) => void act(a, what)}
            />
          ))}
        </ul>
      )}
      {canWrite && <AttachUpload caseId={caseId} onUploaded={() => void res.reload()} />}
      <div className="bundle-export" data-testid="bundle-export">
        <h3>{t('evidence.bundle.title')}</h3>
        <p className="hint">{t('evidence.bundle.intro')}</p>
        <div className="button-row">
          <a className="button" href={bundlePath(caseId, hashesOnly || noContent)} download data-action="export-bundle">
            {t('evidence.bundle.export')}
          </a>
          <label className="checkbox">
            <input type="checkbox" checked={hashesOnly || noContent} disabled={noContent} onChange={(e) => setHashesOnly(e.target.checked)} data-testid="bundle-hashes-only" /> {t('evidence.bundle.hashesOnly')}
          </label>
          <a href="/verify" target="_blank" rel="noopener" data-action="verify-page">
            {t('evidence.bundle.verify')}
          </a>
        </div>
      </div>
    </section>
  );
}

function AttachmentItem({
  caseId,
  a,
  transfer,
  label,
  canDownload,
  canView,
  canRetain,
  caseOver,
  onAct,
}: {
  caseId: string;
  a: Attachment;
  transfer: TransferView | undefined;
  label: (node: string) => { name: string };
  canDownload: boolean;
  canView: boolean;
  canRetain: boolean;
  caseOver: boolean;
  onAct: (what: 'hold' | 'release' | 'remove') => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const formatDateTime = useFormatDate();
  const [custody, setCustody] = useState<CustodyEntry[] | null>(null);
  const [custodyError, setCustodyError] = useState<unknown>(null);
  const [copied, setCopied] = useState(false);
  const deleted = a.deleted_at !== null;

  async function toggleCustody(open: boolean) {
    if (!open) return;
    setCustodyError(null);
    try {
      setCustody((await attachmentsApi.detail(caseId, a.id)).custody);
    } catch (e) {
      setCustodyError(e);
    }
  }

  function copy() {
    void navigator.clipboard?.writeText(a.sha256).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  }

  return (
    <li className="attachment" data-attachment={a.id} data-sha256={a.sha256} data-deleted={deleted ? 'true' : 'false'}>
      <div className="attachment-head">
        <strong className="attachment-name">{a.name}</strong>
        <span className="attachment-meta">
          {formatBytes(a.size, language)} · <code>{a.media_type}</code>
        </span>
        {a.hold && (
          <span className="status status-warn" data-hold="true">
            {t('evidence.hold')}
          </span>
        )}
        {deleted && (
          <span className="status status-off" data-state="deleted">
            {t('evidence.deleted', { at: formatDateTime(a.deleted_at) })}
          </span>
        )}
        <TransferBadge state={a.transfer_state as string} transfer={transfer} />
      </div>
      {a.description && <p className="pre-wrap">{a.description}</p>}
      <p className="attachment-hash">
        SHA-256{' '}
        <code title={a.sha256} data-testid="attachment-sha256">
          {a.sha256.slice(0, 12)}…{a.sha256.slice(-8)}
        </code>{' '}
        <button type="button" className="link" onClick={copy} aria-label={t('evidence.copyHash')}>
          {copied ? t('evidence.copied') : t('evidence.copy')}
        </button>
      </p>
      <p className="hint">{t('evidence.added', { by: addedBy(a.added_by, label, t), at: formatDateTime(a.added_at) })}</p>
      <div className="button-row">
        {canDownload && !deleted && (
          <a className="button" href={contentPath(caseId, a.id)} download={a.name} data-action="download">
            {t('evidence.download')}
          </a>
        )}
        {canRetain && !deleted && (
          <button type="button" className="secondary" onClick={() => onAct(a.hold ? 'release' : 'hold')} data-action={a.hold ? 'release' : 'hold'}>
            {a.hold ? t('evidence.release') : t('evidence.putOnHold')}
          </button>
        )}
        {canRetain && !deleted && (
          <button type="button" className="danger" disabled={a.hold || !caseOver} title={a.hold ? t('evidence.deleteOnHold') : !caseOver ? t('evidence.deleteOpen') : undefined} onClick={() => onAct('remove')} data-action="delete">
            {t('evidence.delete')}
          </button>
        )}
      </div>
      {canView && (
      <details onToggle={(e) => void toggleCustody(e.currentTarget.open)} data-testid="custody">
        <summary>{t('evidence.custody.title')}</summary>
        <ErrorAlert error={custodyError} />
        {custody && (
          <table className="table compact">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('evidence.custody.at')}</th>
                <th>{t('evidence.custody.action')}</th>
                <th>{t('evidence.custody.actor')}</th>
                <th>{t('evidence.custody.from')}</th>
              </tr>
            </thead>
            <tbody>
              {custody.map((e) => (
                <tr key={e.id} data-custody-action={e.body.action}>
                  <td>{e.body.seq}</td>
                  <td>{formatDateTime(e.body.at)}</td>
                  <td>{t(`evidence.custody.actions.${e.body.action}`, { defaultValue: e.body.action })}</td>
                  <td>{addedBy(e.body.actor, label, t)}</td>
                  <td>{e.body.from ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
      )}
    </li>
  );
}

/** Who: a user of this node, the local operator (CLI) or another node. */
function addedBy(ref: string, label: (node: string) => { name: string }, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (ref === 'cli') return t('evidence.by.cli');
  if (ref.startsWith('node:')) return label(ref.slice(5)).name;
  if (ref.startsWith('user:')) return t('evidence.by.user', { id: ref.slice(5, 13) });
  return ref;
}

/** Where the file stands with the other party: offered, transferring n of m, received, failed. */
function TransferBadge({ state, transfer }: { state: string | undefined; transfer: TransferView | undefined }) {
  const { t } = useTranslation();
  const s = transfer?.state ?? state;
  if (!s || s === 'local') return null;
  const cls = s === 'failed' ? 'status status-off' : s === 'received' ? 'status status-on' : 'status status-warn';
  const text =
    s === 'transferring' && transfer?.chunks !== undefined
      ? t('evidence.transfer.transferringOf', { done: transfer.chunks_done ?? 0, total: transfer.chunks })
      : s === 'received' && transfer?.direction === 'out'
        ? t('evidence.transfer.delivered')
        : t(`evidence.transfer.${s}`, { defaultValue: s });
  return (
    <span className={cls} data-transfer={s} title={transfer?.error ?? undefined}>
      {text}
    </span>
  );
}
