import { useTranslation } from 'react-i18next';
import type { Group } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory, type NodeLabel } from '../federation/useNodeDirectory.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { PRIORITIES } from './AgreementFields.js';
import { GroupStatusBadge, LevelBadge, NodeRef } from './GroupBadges.js';
import { GroupHistory } from './GroupHistory.js';
import { ProposalCard, type ProposalActions } from './ProposalCard.js';
import { proposedMembers } from './proposalTally.js';
import { ProposeForm } from './ProposeForm.js';
import { useQuorumText } from './QuorumField.js';
import { GROUPS_EDIT, GROUPS_REFRESH_MS, useGroup } from './useGroups.js';

/** Members of an active group; for a proposed one, the members it will have and their answers. */
function Members({ group, label }: { group: Group; label: (id: string) => NodeLabel }) {
  const { t } = useTranslation();
  const proposed = proposedMembers(group);
  return (
    <>
      {group.members.length === 0 && <p className="muted">{t('groups.noMembersYet')}</p>}
      <ul className="plain node-list" data-testid="group-members">
        {group.members.map((m) => (
          <li key={m} data-member={m}>
            <NodeRef id={m} label={label} /> <code className="hint">{m}</code>
          </li>
        ))}
      </ul>
      {proposed.length > 0 && (
        <>
          <h3>{t('groups.proposedMembers')}</h3>
          <ul className="plain node-list" data-testid="group-proposed-members">
            {proposed.map(({ node, answer }) => (
              <li key={node} data-member={node} data-answer={answer}>
                <NodeRef id={node} label={label} /> <code className="hint">{node}</code> <span className="hint">{t(`groups.answer.${answer}`)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** A list from an agreement, or "any" for `*` and a dash for none. */
function AllowList({ items }: { items: string[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return <span className="muted">{t('common.none')}</span>;
  return <>{items.map((i) => (i === '*' ? t('groups.any') : i)).join(', ')}</>;
}

/** The hours to acknowledge a request per priority that the agreement sets, or nothing. */
function AckHours({ agreement }: { agreement: NonNullable<Group['agreement']> }) {
  const { t } = useTranslation();
  const h = agreement.acknowledgement_hours;
  const set = PRIORITIES.filter((p) => h?.[p] !== undefined);
  if (!h || set.length === 0) return <span className="muted">{t('groups.ackDefault')}</span>;
  return <>{set.map((p) => t('groups.ackWithin', { priority: t(`groups.priority.${p}`), hours: h[p] })).join(' · ')}</>;
}

/** The agreements the group had in force, newest first, each with its term and, when it came from an adopted agreement, a link to it. */
function AgreementTimeline({ group }: { group: Group }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  if (group.agreements.length < 2 && !group.agreements.some((a) => a.source)) return null;
  return (
    <>
      <h3>{t('groups.agreementsInForce')}</h3>
      <ol className="plain agreement-timeline" data-testid="group-agreements" reversed>
        {[...group.agreements].reverse().map((a) => (
          <li key={a.proposal_id} data-current={String(a.until === null)}>
            <strong>{a.agreement.title}</strong> <span className="hint">{a.until ? t('groups.inForceFromTo', { since: formatDate(a.since), until: formatDate(a.until) }) : t('groups.inForceSince', { since: formatDate(a.since) })}</span>
            {a.source && (
              <>
                {' · '}
                <a href={`/statements/${encodeURIComponent(a.source.statement_id)}`} data-testid="agreement-source">
                  {t('groups.fromAdoptedAgreement')}
                </a>
              </>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

/** One group: members, agreement, charter, open proposals, the propose form and the signed history. */
export function GroupDetailPage({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { data: g, error, loading, propose, consent, refuse } = useGroup(id);
  const directory = useNodeDirectory();
  const quorumText = useQuorumText();
  const editable = GROUPS_EDIT.includes(user.role);
  const actions: ProposalActions = { onConsent: consent, onRefuse: refuse };
  const open = g?.proposals.filter((p) => p.status === 'open') ?? [];

  return (
    <>
      <PageHeader title={g?.name ?? t('groups.title')} intro={t('groups.detailIntro')}>
        <button type="button" className="secondary" onClick={onBack}>
          {t('groups.back')}
        </button>
      </PageHeader>
      <LoadState error={error} loading={loading && !g} />
      {g && (
        <>
          <p className="group-summary" data-testid="group-summary">
            <LevelBadge level={g.level} /> <GroupStatusBadge status={g.status} /> <span className="hint">{t(`groups.role.${g.my_role}`)}</span>
          </p>
          <div className="card-grid">
            <section className="card" aria-labelledby="group-members-title">
              <h2 id="group-members-title">{t('groups.members')}</h2>
              <Members group={g} label={directory.label} />
              <h3>{t('groups.charter')}</h3>
              <p data-testid="group-quorum">{quorumText(g.charter.quorum)}</p>
            </section>
            <section className="card" aria-labelledby="group-agreement-title">
              <h2 id="group-agreement-title">{t('groups.agreement')}</h2>
              {g.agreement ? (
                <dl className="facts" data-testid="group-agreement">
                  <dt>{t('groups.agreementTitle')}</dt>
                  <dd>{g.agreement.title}</dd>
                  <dt>{t('groups.instrument')}</dt>
                  <dd>{g.agreement.instrument}</dd>
                  <dt>{t('groups.channels')}</dt>
                  <dd>
                    <AllowList items={g.agreement.channels} />
                  </dd>
                  <dt>{t('groups.requestTypes')}</dt>
                  <dd>
                    <AllowList items={g.agreement.request_types} />
                  </dd>
                  <dt>{t('groups.languages')}</dt>
                  <dd>
                    <AllowList items={g.agreement.languages} />
                  </dd>
                  <dt>{t('groups.confidentiality')}</dt>
                  <dd>{g.agreement.confidentiality || t('common.none')}</dd>
                  <dt>{t('groups.ackTimes')}</dt>
                  <dd data-testid="group-ack-hours">
                    <AckHours agreement={g.agreement} />
                  </dd>
                </dl>
              ) : (
                <p className="muted">{t('common.none')}</p>
              )}
              <AgreementTimeline group={g} />
            </section>
          </div>
          <section className="card" aria-labelledby="group-proposals-title">
            <h2 id="group-proposals-title">{t('groups.openProposals')}</h2>
            <p className="hint refresh-note">{t('groups.autoRefresh', { seconds: GROUPS_REFRESH_MS / 1000 })}</p>
            {open.length === 0 && <p className="muted">{t('groups.noOpenProposals')}</p>}
            {open.map((p) => (
              <ProposalCard key={p.id} proposal={p} label={directory.label} editable={editable} actions={actions} />
            ))}
          </section>
          {editable && g.status === 'active' && g.my_role === 'member' && (
            <section className="card">
              <ProposeForm key={g.agreements.at(-1)?.proposal_id ?? 'none'} group={g} peers={directory.peers} label={directory.label} onPropose={propose} />
            </section>
          )}
          <section className="card" aria-labelledby="group-history-title">
            <h2 id="group-history-title">{t('groups.history')}</h2>
            <p className="intro">{t('groups.historyIntro')}</p>
            <GroupHistory history={g.history} label={directory.label} />
          </section>
        </>
      )}
    </>
  );
}
