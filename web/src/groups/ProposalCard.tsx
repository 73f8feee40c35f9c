import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import type { GroupProposal } from '../api/types.js';
import type { NodeLabel } from '../federation/useNodeDirectory.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { statementsApi } from '../statements/useStatements.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { TextAreaField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { agreementSourceProblem } from './agreementSource.js';
import { ConsentDialog } from './ConsentDialog.js';
import { NodeRef, ProposalStatusBadge } from './GroupBadges.js';
import { tallyProposal } from './proposalTally.js';
import { useQuorumText } from './QuorumField.js';

export interface ProposalActions {
  onConsent: (pid: string) => Promise<unknown>;
  onRefuse: (pid: string, reason?: string) => Promise<unknown>;
}

/** The change a proposal makes, in words. */
function ChangeText({ proposal, label }: { proposal: GroupProposal; label: (id: string) => NodeLabel }) {
  const { t } = useTranslation();
  const quorumText = useQuorumText();
  const c = proposal.change;
  const kind = t(`groups.change.${c.kind}`);
  switch (c.kind) {
    case 'add_member':
    case 'remove_member':
      return (
        <>
          {kind}: <NodeRef id={c.node} label={label} />
        </>
      );
    case 'change_agreement':
      return (
        <>
          {`${kind}: ${c.agreement.title}`}
          {c.source && (
            <>
              {' · '}
              <a href={`/statements/${encodeURIComponent(c.source.statement_id)}`} data-testid="proposal-source">
                {t('groups.fromAdoptedAgreement')}
              </a>
            </>
          )}
        </>
      );
    case 'change_charter':
      return <>{`${kind}: ${quorumText(c.charter.quorum)}`}</>;
    case 'create':
      return <>{`${kind}: ${c.name}`}</>;
  }
}

function NodeList({ ids, label, empty }: { ids: string[]; label: (id: string) => NodeLabel; empty: string }) {
  if (ids.length === 0) return <span className="muted">{empty}</span>;
  return (
    <ul className="plain node-list">
      {ids.map((id) => (
        <li key={id}>
          <NodeRef id={id} label={label} />
        </li>
      ))}
    </ul>
  );
}

/**
 * Warns before consent when the adopted agreement a proposal names as its source is not, on this
 * node, an agreement adopted in that version and signed by every party.
 */
function SourceWarning({ source }: { source: { statement_id: string; digest: string } }) {
  const { t } = useTranslation();
  const load = useCallback(
    () =>
      statementsApi.get(source.statement_id).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [source.statement_id],
  );
  const held = useResource(load, source.statement_id);
  if (held.loading || held.error || held.data === undefined) return null;
  const problem = agreementSourceProblem(held.data, source.digest);
  if (!problem) {
    return (
      <p className="hint" data-testid="proposal-source-check" data-problem="none">
        {t('groups.sourceProblem.none')}
      </p>
    );
  }
  return (
    <p className="alert alert-warn" data-testid="proposal-source-check" data-problem={problem}>
      {t(`groups.sourceProblem.${problem}`)}
    </p>
  );
}

/** A proposal: who consented, who is still asked, and this node's answer when it is asked. */
export function ProposalCard({ proposal: p, label, editable, actions }: { proposal: GroupProposal; label: (id: string) => NodeLabel; editable: boolean; actions: ProposalActions }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { busy, error, run } = useAction();
  const [refusing, setRefusing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const tally = tallyProposal(p);

  async function handleConsent() {
    await run(() => actions.onConsent(p.id));
    // Closed either way: a failure shows in the card's alert.
    setConfirming(false);
  }
  async function handleRefuse() {
    const done = await run(() => actions.onRefuse(p.id, reason.trim() || undefined));
    if (done) setRefusing(false);
  }

  return (
    <article className="proposal" data-proposal={p.id} aria-labelledby={`proposal-${p.id}`}>
      <h3 id={`proposal-${p.id}`}>
        <ChangeText proposal={p} label={label} /> <ProposalStatusBadge status={p.status} />
      </h3>
      <p className="hint">{t('groups.proposedBy', { at: formatDate(p.created_at) })} <NodeRef id={p.author} label={label} /></p>
      {p.status === 'open' && p.change.kind === 'change_agreement' && p.change.source && <SourceWarning source={p.change.source} />}
      <dl className="facts">
        <dt>{t('groups.consentsCount')}</dt>
        <dd data-cell="progress">{t('groups.progress', { yes: tally.yes, needed: tally.needed })}</dd>
        <dt>{t('groups.consented')}</dt>
        <dd data-cell="consented">
          <NodeList ids={tally.consentedVoters} label={label} empty={t('common.none')} />
        </dd>
        {tally.invitee && (
          <>
            <dt>{t('groups.joining')}</dt>
            <dd data-cell="joining" data-answer={tally.invitee.answer}>
              <NodeRef id={tally.invitee.node} label={label} /> <span className="hint">{t(`groups.answer.${tally.invitee.answer}`)}</span>
            </dd>
          </>
        )}
        <dt>{t('groups.stillNeeded')}</dt>
        <dd data-cell="pending">
          <NodeList ids={tally.pending} label={label} empty={t('common.none')} />
        </dd>
        {p.refusals.length > 0 && (
          <>
            <dt>{t('groups.refusedBy')}</dt>
            <dd data-cell="refused">
              <ul className="plain node-list">
                {p.refusals.map((r) => (
                  <li key={r.node}>
                    <NodeRef id={r.node} label={label} />
                    {r.reason && <span className="hint">{r.reason}</span>}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {p.awaiting_me && (
        <div className="proposal-answer">
          <p className="alert alert-info">{editable ? t('groups.askedYou') : t('groups.askedYouReadOnly')}</p>
          <ErrorAlert error={error} />
          {editable && !refusing && (
            <FormActions label={t('groups.consent')} busy={busy} onConfirm={() => setConfirming(true)}>
              <button type="button" className="secondary danger" onClick={() => setRefusing(true)} disabled={busy}>
                {t('groups.refuse')}
              </button>
            </FormActions>
          )}
          {editable && refusing && (
            <TextAreaField label={t('groups.refuseReason')} rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)}>
              <FormActions label={t('groups.refuseYes')} danger busy={busy} onConfirm={() => void handleRefuse()} onCancel={() => setRefusing(false)} />
            </TextAreaField>
          )}
        </div>
      )}
      <ConsentDialog open={confirming} busy={busy} change={<ChangeText proposal={p} label={label} />} onConfirm={() => void handleConsent()} onCancel={() => setConfirming(false)} />
    </article>
  );
}
