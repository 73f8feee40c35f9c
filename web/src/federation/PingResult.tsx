import { useTranslation } from 'react-i18next';
import type { PingResult as PingResultData } from '../api/types.js';
import { groupFingerprint } from '../node/useNodeInfo.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';

/** The round-trip time of a ping and a summary of the peer's signed receipt, with the receipt itself. */
export function PingResult({ result }: { result: PingResultData }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { receipt } = result;
  const accepted = receipt.items.every((i) => i.status === 'accepted');

  return (
    <div className="alert alert-success ping-result" role="status" data-testid="ping-result">
      <p className="alert-title">{t('peers.pingOk', { id: result.peer, rtt: result.rtt_ms, by: receipt.by })}</p>
      <dl className="facts">
        <dt>{t('peers.receivedAt')}</dt>
        <dd>{formatDate(receipt.received_at)}</dd>
        <dt>{t('peers.batchId')}</dt>
        <dd>
          <code className="wrap">{receipt.batch_id}</code>
        </dd>
        <dt>{t('peers.signature')}</dt>
        <dd>
          <code>{receipt.sig.suite}</code> <code className="fingerprint muted">{groupFingerprint(receipt.sig.key)}</code>
        </dd>
        <dt>{t('peers.itemStatus')}</dt>
        <dd>{accepted ? t('peers.itemsAccepted') : receipt.items.map((i) => i.status).join(', ')}</dd>
      </dl>
      <details>
        <summary>{t('peers.receiptJson')}</summary>
        <pre className="json">{JSON.stringify(receipt, null, 2)}</pre>
      </details>
    </div>
  );
}
