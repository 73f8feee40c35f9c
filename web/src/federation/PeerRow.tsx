import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Peer, PeerStatus, PingResult as PingResultData } from '../api/types.js';
import { nodeName } from '../node/useNodeInfo.js';
import { useFormatDate, useFormatRelative } from '../shared/hooks/useFormat.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { useAction } from '../shared/hooks/useResource.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PingResult } from './PingResult.js';
import { SendNoticeForm } from './SendNoticeForm.js';
import type { PeerStatusAction } from './usePeers.js';

export interface PeerRowActions {
  onChange: (peer: Peer, action: PeerStatusAction) => Promise<unknown>;
  onPing: (peer: Peer) => Promise<PingResultData>;
  onSendNotice: (peer: Peer, subject: string, text: string) => Promise<string[]>;
}

type Panel = 'ping' | 'notice' | 'sent' | 'remove' | null;

const STATUS_CLASS: Record<PeerStatus, string> = { active: 'status status-on', suspended: 'status status-warn', removed: 'status status-off' };

/** Reachability in colour and in words: yes, no or not known yet. */
function Reachable({ value }: { value: boolean | null }) {
  const { t } = useTranslation();
  const [className, label] = value === null ? ['status', t('peers.reachableUnknown')] : value ? ['status status-on', t('peers.reachableYes')] : ['status status-off', t('peers.reachableNo')];
  return (
    <span className={className} data-reachable={String(value)}>
      <span aria-hidden="true">{value === null ? '? ' : value ? '● ' : '○ '}</span>
      {label}
    </span>
  );
}

/** A time as "3 minutes ago", the exact date and time on hover. */
function When({ iso, empty }: { iso: string | null; empty: string }) {
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={formatDate(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

/** One peer and its delivery state; admins get the actions, with their results in a row below. */
export function PeerRow({ peer, editable, busy, columns, actions }: { peer: Peer; editable: boolean; busy: boolean; columns: number; actions: PeerRowActions }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const formatDate = useFormatDate();
  const [panel, setPanel] = useState<Panel>(null);
  const [ping, setPing] = useState<PingResultData | null>(null);
  const pinging = useAction();
  const removed = peer.status === 'removed';

  async function handlePing() {
    setPanel('ping');
    setPing(null);
    const result = await pinging.run(() => actions.onPing(peer));
    if (result) setPing(result);
  }
  function handleNotice() {
    setPanel('notice');
  }
  function handleNoticeSent() {
    setPanel('sent');
  }
  function handleClosePanel() {
    setPanel(null);
  }
  function handleRetry() {
    void actions.onChange(peer, 'retry');
  }
  function handleSuspendResume() {
    void actions.onChange(peer, peer.status === 'suspended' ? 'resume' : 'suspend');
  }
  function handleRemove() {
    setPanel('remove');
  }
  async function handleConfirmRemove() {
    setPanel(null);
    await actions.onChange(peer, 'remove');
  }
  function sendNotice(subject: string, text: string) {
    return actions.onSendNotice(peer, subject, text);
  }

  const name = nodeName(peer, language);
  return (
    <>
      <tr data-peer={peer.node_id}>
        <td>
          <span data-cell="name">{name}</span>
          <span className="hint nowrap">
            <code data-cell="node-id" title={t('peers.nodeId')}>
              {peer.node_id}
            </code>
            {' · '}
            <abbr data-cell="country" title={t('peers.country')}>
              {peer.country}
            </abbr>
          </span>
        </td>
        <td data-cell="status">
          <span className={STATUS_CLASS[peer.status]}>{t(`peers.state.${peer.status}`)}</span>
        </td>
        <td data-cell="reachable">
          <Reachable value={peer.reachable ?? null} />
        </td>
        <td data-cell="last-contact">
          <When iso={peer.last_contact_at} empty={t('common.never')} />
        </td>
        <td data-cell="queue" className="number">
          {peer.queue_length}
        </td>
        <td data-cell="oldest">
          <When iso={peer.oldest_undelivered_at ?? null} empty={t('common.none')} />
        </td>
        <td data-cell="error">
          {peer.last_error ? (
            <>
              <span className={peer.reachable ? 'truncate muted' : 'truncate'} title={peer.last_error} tabIndex={0}>
                {peer.last_error}
              </span>
              {peer.last_error_at && <span className="hint nowrap">{formatDate(peer.last_error_at)}</span>}
            </>
          ) : (
            <span className="muted">{t('common.none')}</span>
          )}
        </td>
        {editable && (
          <td className="actions">
            {!removed && (
              <div className="button-row">
                <button type="button" className="secondary small" onClick={handlePing} disabled={pinging.busy}>
                  {pinging.busy ? t('peers.pinging') : t('peers.ping')}
                </button>
                {peer.status === 'active' && (
                  <button type="button" className="secondary small" onClick={handleRetry} disabled={busy}>
                    {t('peers.retry')}
                  </button>
                )}
                <button type="button" className="secondary small" onClick={handleNotice}>
                  {t('peers.sendNotice')}
                </button>
                <button type="button" className="secondary small" onClick={handleSuspendResume} disabled={busy}>
                  {peer.status === 'suspended' ? t('peers.resume') : t('peers.suspend')}
                </button>
                <button type="button" className="secondary small danger" onClick={handleRemove} disabled={busy}>
                  {t('peers.remove')}
                </button>
              </div>
            )}
          </td>
        )}
      </tr>
      {editable && panel && (
        <tr className="peer-panel" data-panel-for={peer.node_id}>
          <td colSpan={columns}>
            {panel === 'ping' && (
              <>
                <LoadState error={pinging.error} loading={pinging.busy} loadingText={t('peers.pinging')} />
                {ping && <PingResult result={ping} />}
                <button type="button" className="secondary small" onClick={handleClosePanel}>
                  {t('common.close')}
                </button>
              </>
            )}
            {panel === 'sent' && (
              <div className="alert alert-success" role="status">
                <p>{t('peers.noticeQueued')}</p>
                <button type="button" className="secondary small" onClick={handleClosePanel}>
                  {t('common.close')}
                </button>
              </div>
            )}
            {panel === 'notice' && <SendNoticeForm peerId={peer.node_id} onSend={sendNotice} onSent={handleNoticeSent} onCancel={handleClosePanel} />}
            {panel === 'remove' && (
              <div className="alert alert-error" role="alertdialog" aria-labelledby={`remove-${peer.node_id}`}>
                <p id={`remove-${peer.node_id}`}>{t('peers.removeConfirm', { name, id: peer.node_id })}</p>
                <FormActions label={t('peers.removeYes')} danger busy={busy} onConfirm={() => void handleConfirmRemove()} onCancel={handleClosePanel} />
              </div>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
