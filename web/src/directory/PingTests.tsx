import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PingHistory } from './PingHistory.js';
import { PingSchedules } from './PingSchedules.js';
import { PingTestExport } from './PingTestExport.js';
import { PingTestForm } from './PingTestForm.js';
import { IncomingTests, OutgoingTests } from './PingTestLists.js';
import { PingTestResults } from './PingTestResults.js';
import { PING_ANSWER, PING_START, usePingTests } from './usePingTests.js';

/**
 * Directory → Ping tests: do the points of contact answer? Tests asked of us first, then
 * starting and scheduling ours, our tests of others, their results now and over time, and export.
 */
export function PingTests({ groups }: { groups: Group[] }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { peers } = useNodeDirectory();
  const { data, error, loading, incoming, outgoing, stats, start, confirm } = usePingTests();
  const mayStart = PING_START.includes(user.role);
  const mayAnswer = PING_ANSWER.includes(user.role);
  // the history is reloaded when the results change, not on a timer of its own
  const resultsVersion = useMemo(() => JSON.stringify(stats), [stats]);

  if (loading && data === undefined) return <LoadState loading />;
  return (
    <div className="ping-tests">
      <p className="hint ping-tests-intro">{t('pingTests.intro')}</p>
      <ErrorAlert error={error} />
      <IncomingTests tests={incoming} mayAnswer={mayAnswer} onConfirm={confirm} />
      {mayStart && <PingTestForm peers={peers} groups={groups} onStart={start} />}
      <PingSchedules peers={peers} groups={groups} mayEdit={mayStart} />
      <OutgoingTests tests={outgoing} />
      <PingTestResults nodes={stats.nodes} groups={stats.groups} outgoing={outgoing} groupList={groups} />
      <PingHistory groups={groups} version={resultsVersion} />
      <PingTestExport />
    </div>
  );
}
