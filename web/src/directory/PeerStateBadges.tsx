import { useTranslation } from 'react-i18next';
import type { PingTest } from '../api/types.js';

/** Warnings about the peer of a ping test: it does not answer federation traffic, or its directory entry is stale or expired. */
export function PeerStateBadges({ test }: { test: Pick<PingTest, 'peer_reachable' | 'peer_freshness'> }) {
  const { t } = useTranslation();
  const freshness = test.peer_freshness === 'stale' || test.peer_freshness === 'expired' ? test.peer_freshness : null;
  if (test.peer_reachable !== false && !freshness) return null;
  return (
    <span className="peer-state">
      {test.peer_reachable === false && (
        <span className="status status-off" data-peer-state="unreachable" title={t('pingTests.peer.unreachableTitle')}>
          {t('pingTests.peer.unreachable')}
        </span>
      )}
      {freshness && (
        <span className={freshness === 'expired' ? 'status status-off' : 'status status-warn'} data-peer-state={freshness} title={t('pingTests.peer.freshnessTitle')}>
          {t(`pingTests.peer.${freshness}`)}
        </span>
      )}
    </span>
  );
}
