import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PingTest, PingTestRecord, PingTestStatus } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useFormatDate, useFormatDuration, useFormatRelative } from '../shared/hooks/useFormat.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { StatusBadge } from '../shared/ui/StatusBadge.js';
import { PeerStateBadges } from './PeerStateBadges.js';

const STATUS_CLASS: Record<PingTestStatus, string> = { pending: 'status status-warn', answered: 'status status-on', unanswered: 'status status-off status-strong' };

/** Pending, answered or unanswered: colour and text. */
export function PingStatusBadge({ status }: { status: PingTestStatus }) {
  return <StatusBadge value={status} classes={STATUS_CLASS} messages="pingTests.status" />;
}

/** The current time, ticking every second (for countdowns). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "Waiting for our answer": received tests still open, with a big Confirm button; the earlier ones below. */
export function IncomingTests({ tests, mayAnswer, onConfirm }: { tests: PingTest[]; mayAnswer: boolean; onConfirm: (id: string) => Promise<PingTestRecord> }) {
  const { t } = useTranslation();
  const { label } = useNodeDirectory();
  const formatDate = useFormatDate();
  const formatDuration = useFormatDuration();
  const { busy, error, run } = useAction();
  const now = useNow();
  const waiting = tests.filter((x) => x.status === 'pending');
  const history = tests.filter((x) => x.status !== 'pending');

  return (
    <section className="card ping-incoming" data-testid="ping-incoming">
      <h2>{t('pingTests.incomingTitle')}</h2>
      <ErrorAlert error={error} />
      {waiting.length === 0 ? (
        <p className="hint">{t('pingTests.incomingNone')}</p>
      ) : (
        <ul className="plain ping-waiting">
          {waiting.map((x) => {
            const left = Date.parse(x.deadline_at) - now;
            return (
              <li key={x.id} className="alert alert-warn ping-request" data-test={x.id} data-peer={x.peer_node}>
                <p className="ping-request-text">
                  <strong>{t('pingTests.asks', { node: label(x.peer_node).name })}</strong> <PeerStateBadges test={x} />
                </p>
                <p>
                  <span className="ping-countdown" data-testid="countdown">
                    {left > 0 ? t('pingTests.timeLeft', { time: formatDuration(left) }) : t('pingTests.windowClosed')}
                  </span>{' '}
                  <span className="hint">{t('pingTests.deadline', { date: formatDate(x.deadline_at) })}</span>
                </p>
                {mayAnswer ? (
                  <button type="button" className="prominent" disabled={busy || left <= 0} onClick={() => void run(() => onConfirm(x.id))}>
                    {t('pingTests.confirm')}
                  </button>
                ) : (
                  <p className="hint">{t('pingTests.mayNotAnswer')}</p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {history.length > 0 && (
        <>
          <h3>{t('pingTests.incomingHistory')}</h3>
          <ul className="plain ping-history">
            {history.map((x) => (
              <li key={x.id} data-test={x.id} data-peer={x.peer_node}>
                <PingStatusBadge status={x.status} /> {label(x.peer_node).name} · {formatDate(x.started_at)} <PeerStateBadges test={x} />
                {x.confirmed_by && <span className="hint"> · {t('pingTests.confirmedBy', { name: x.confirmed_by })}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** "Our tests of others": every test we sent, newest first. */
export function OutgoingTests({ tests }: { tests: PingTest[] }) {
  const { t } = useTranslation();
  const { label } = useNodeDirectory();
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  const formatDuration = useFormatDuration();

  return (
    <section className="card" data-testid="ping-outgoing">
      <h2>{t('pingTests.outgoingTitle')}</h2>
      <ResourceTable
        rows={tests}
        emptyText={t('pingTests.outgoingNone')}
        emptyClassName="hint"
        className="ping-tests-table"
        columns={[t('pingTests.colNode'), t('pingTests.colStatus'), t('pingTests.colResponse'), t('pingTests.colStarted'), t('pingTests.colDeadline')]}
        renderRow={(x) => (
          <tr key={x.id} data-test={x.id} data-peer={x.peer_node}>
            <td data-cell="node">
              {label(x.peer_node).name} <span className="hint">{x.peer_node}</span> <PeerStateBadges test={x} />
            </td>
            <td data-cell="status">
              <PingStatusBadge status={x.status} />
            </td>
            <td data-cell="response">{x.response_ms === null ? t('common.none') : formatDuration(x.response_ms)}</td>
            <td data-cell="started" title={formatDate(x.started_at)}>
              {formatRelative(x.started_at)}
            </td>
            <td data-cell="deadline">{formatDate(x.deadline_at)}</td>
          </tr>
        )}
      />
    </section>
  );
}
