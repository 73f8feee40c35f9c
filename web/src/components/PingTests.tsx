import { useTranslation } from 'react-i18next';
import type { Group } from '../api/types.js';
import { useNodeDirectory } from '../hooks/useGroups.js';
import { PING_ANSWER, PING_START, usePingTests } from '../hooks/usePingTests.js';
import { useSignedIn } from '../hooks/useSession.js';
import { ErrorAlert } from './ErrorAlert.js';
import { PingTestForm } from './PingTestForm.js';
import { IncomingTests, OutgoingTests } from './PingTestLists.js';
import { PingTestResults } from './PingTestResults.js';

/** Directory → Ping tests: do the points of contact answer? Tests asked of us first, then ours of others and their results. */
export function PingTests({ groups }: { groups: Group[] }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { peers } = useNodeDirectory();
  const { data, error, loading, incoming, outgoing, stats, start, confirm } = usePingTests();
  const mayStart = PING_START.includes(user.role);
  const mayAnswer = PING_ANSWER.includes(user.role);

  if (loading && data === undefined) return <p role="status">{t('app.loading')}</p>;
  return (
    <div className="ping-tests">
      <p className="hint ping-tests-intro">{t('pingTests.intro')}</p>
      <ErrorAlert error={error} />
      <IncomingTests tests={incoming} mayAnswer={mayAnswer} onConfirm={confirm} />
      {mayStart && <PingTestForm peers={peers} groups={groups} onStart={start} />}
      <OutgoingTests tests={outgoing} />
      <PingTestResults nodes={stats.nodes} groups={stats.groups} outgoing={outgoing} groupList={groups} />
    </div>
  );
}
