import { useTranslation } from 'react-i18next';
import type { NodeInfo } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { OwnEntryPanel } from '../desk/OwnEntryPanel.js';
import { PeersPanel } from '../desk/PeersPanel.js';
import { SoundToggle } from '../desk/SoundToggle.js';
import { useDesk, useNow } from '../desk/useDesk.js';
import { WaitingList } from '../desk/WaitingList.js';
import '../desk/desk.css';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { NodeIdentityCard } from './NodeIdentityCard.js';

/**
 * The duty desk: what waits for the officer on watch, from every capability, most pressing
 * first, kept current live; the peers in trouble; this node's own directory entry; and,
 * smaller, the node's identity.
 */
export function OverviewPage({ info, error, navigate }: { info: NodeInfo | undefined; error: unknown; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const state = useDesk();
  const now = useNow(30_000);
  const view = state?.desk.data;

  return (
    <>
      <PageHeader title={t('desk.title')} intro={t('overview.welcome', { name: user.display_name })}>
        {state && (
          <>
            <span className={state.live ? 'status status-on' : 'status status-warn'} data-testid="desk-live" data-live={state.live}>
              {state.live ? t('desk.live') : t('desk.offline')}
            </span>
            <SoundToggle on={state.sound} onChange={state.setSound} />
          </>
        )}
      </PageHeader>
      <ErrorAlert error={state?.desk.error} />
      {view && view.unavailable.length > 0 && (
        <p className="alert alert-info" role="status">
          {t('desk.unavailable', { parts: view.unavailable.join(', ') })}
        </p>
      )}
      {view && (
        <div className="desk-layout">
          <WaitingList items={view.items} canConfirm={user.role !== 'auditor'} onNavigate={navigate} onDone={() => void state?.desk.reload()} />
          <div className="desk-side">
            {view.own_entry && <OwnEntryPanel entry={view.own_entry} now={now} onOpen={() => navigate('/directory/own')} />}
            {view.peers && <PeersPanel peers={view.peers} now={now} onOpen={() => navigate('/federation')} />}
          </div>
        </div>
      )}
      <ErrorAlert error={error} />
      {info && <NodeIdentityCard info={info} />}
    </>
  );
}
