import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import type { Resource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { CASES_ASSIGN } from './paths.js';
import { casesApi, type CaseTeam as CaseTeamT } from './useCases.js';

type Candidate = Awaited<ReturnType<typeof casesApi.teamCandidates>>[number];

/**
 * The case's team on this node: who is assigned, who drafted the request, whether the case is
 * open to every officer and analyst or restricted to its team; admins and coordinators add and
 * remove members.
 */
export function CaseTeam({ caseId, team }: { caseId: string; team: Resource<CaseTeamT> }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const formatDateTime = useFormatDate();
  const canAssign = CASES_ASSIGN.includes(user.role);
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const data = team.data;

  async function loadCandidates() {
    setError(null);
    try {
      const list = await casesApi.teamCandidates(caseId);
      setCandidates(list);
      setChosen(list[0]?.user_id ?? '');
    } catch (e) {
      setError(e);
    }
  }

  async function run(change: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await change();
      await team.reload();
      if (candidates) await loadCandidates();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const handleAdd = () => chosen && void run(() => casesApi.assign(caseId, chosen));
  const handleRemove = (userId: string) => void run(() => casesApi.unassign(caseId, userId));

  return (
    <section className="card case-team" aria-labelledby="team-title" data-testid="case-team">
      <h2 id="team-title">{t('cases.team.title')}</h2>
      <ErrorAlert error={team.error ?? error} />
      {data && (
        <>
          <p className="hint" data-restricted={data.restricted ? 'true' : 'false'}>
            {data.restricted ? t('cases.team.restricted') : t('cases.team.open')}
          </p>
          {data.members.length > 0 && (
            <table className="table compact">
              <thead>
                <tr>
                  <th>{t('cases.team.member')}</th>
                  <th>{t('cases.team.role')}</th>
                  <th>{t('cases.team.assigned')}</th>
                  {canAssign && <th />}
                </tr>
              </thead>
              <tbody>
                {data.members.map((m) => (
                  <tr key={m.user_id} data-member={m.user_id}>
                    <td>
                      {m.display_name}
                      {m.disabled && <span className="status status-off"> {t('cases.team.disabled')}</span>}
                    </td>
                    <td>{t(`roles.${m.role}`, { defaultValue: m.role })}</td>
                    <td>{t('cases.team.assignedBy', { by: m.assigned_by_name ?? m.assigned_by, at: formatDateTime(m.assigned_at) })}</td>
                    {canAssign && (
                      <td>
                        <button type="button" className="secondary" disabled={busy} onClick={() => handleRemove(m.user_id)} data-action="unassign">
                          {t('cases.team.remove')}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.authors.length > 0 && <p className="hint">{t('cases.team.authors', { names: data.authors.map((a) => a.display_name).join(', ') })}</p>}
          {canAssign &&
            (candidates === null ? (
              <button type="button" className="secondary" onClick={() => void loadCandidates()} data-action="team-add-open">
                {t('cases.team.add')}
              </button>
            ) : candidates.length === 0 ? (
              <p className="hint">{t('cases.team.noCandidates')}</p>
            ) : (
              <div className="button-row">
                <label>
                  {t('cases.team.choose')}{' '}
                  <select value={chosen} onChange={(e) => setChosen(e.target.value)} data-testid="team-candidate">
                    {candidates.map((c) => (
                      <option key={c.user_id} value={c.user_id}>
                        {c.display_name} ({t(`roles.${c.role}`, { defaultValue: c.role })})
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" disabled={busy || !chosen} onClick={handleAdd} data-action="assign">
                  {t('cases.team.assign')}
                </button>
              </div>
            ))}
        </>
      )}
    </section>
  );
}
