import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Peer, PeerRecord } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { groupFingerprint, useNodeInfo } from '../node/useNodeInfo.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { AddPeerForm } from './AddPeerForm.js';
import { PeerRow, type PeerRowActions } from './PeerRow.js';
import { PEERS_REFRESH_MS, usePeers, type PeerStatusAction } from './usePeers.js';

/** This node's key fingerprint, for the other side's operators to compare before they add it. */
function OwnFingerprint() {
  const { t } = useTranslation();
  const info = useNodeInfo();
  if (!info) return null;
  return (
    <section className="card own-fingerprint" aria-labelledby="own-fingerprint-title">
      <h2 id="own-fingerprint-title">{t('peers.ownFingerprint')}</h2>
      <p className="intro">{t('peers.ownFingerprintIntro', { id: info.node_id })}</p>
      <code className="fingerprint secret" data-testid="own-fingerprint">
        {groupFingerprint(info.fingerprint)}
      </code>
    </section>
  );
}

/** Federation peers: who this node exchanges signed messages with, and how delivery to each is going. */
export function PeersPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { data, error, loading, addPeer, changePeer, pingPeer, sendNotice } = usePeers();
  const { busy, error: actionError, run } = useAction();
  const [added, setAdded] = useState<string | null>(null);
  const editable = user.role === 'admin';

  function handleAdded(peer: PeerRecord) {
    setAdded(peer.node_id);
  }

  const headings = [t('peers.peer'), t('peers.status'), t('peers.reachable'), t('peers.lastContact'), t('peers.queue'), t('peers.oldest'), t('peers.lastError'), ...(editable ? [t('peers.actions')] : [])];

  const actions: PeerRowActions = {
    onChange: (peer: Peer, action: PeerStatusAction) => run(() => changePeer(peer.node_id, action)),
    onPing: (peer: Peer) => pingPeer(peer.node_id),
    onSendNotice: (peer: Peer, subject: string, text: string) => sendNotice(peer.node_id, subject, text),
  };

  return (
    <>
      <PageHeader title={t('peers.title')} intro={editable ? t('peers.intro') : t('peers.readOnly')} />
      <OwnFingerprint />
      {added && (
        <p className="alert alert-success" role="status">
          {t('peers.added', { id: added })}
        </p>
      )}
      <ErrorAlert error={actionError ?? error} />
      {editable && (
        <section className="card">
          <AddPeerForm onAdd={addPeer} onAdded={handleAdded} />
        </section>
      )}
      <section className="card table-card">
        <p className="hint refresh-note">{t('peers.autoRefresh', { seconds: PEERS_REFRESH_MS / 1000 })}</p>
        <ResourceTable
          rows={data}
          loading={loading}
          emptyText={t('peers.empty')}
          className="peers-table"
          caption={t('peers.tableCaption')}
          columns={headings}
          renderRow={(p) => <PeerRow key={p.node_id} peer={p} editable={editable} busy={busy} columns={headings.length} actions={actions} />}
        />
      </section>
    </>
  );
}
