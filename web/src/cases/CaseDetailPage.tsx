import { useCallback, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { formatDate } from '../i18n/format.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ActionPanel } from './ActionPanel.js';
import { CaseStatusBadge, Deadline, PriorityBadge } from './CaseBadges.js';
import { CaseTeam } from './CaseTeam.js';
import { basisText, groundText, typeTitle } from './catalogue.js';
import { CASES_PATH, CASES_WRITE, letterPath, onLink } from './paths.js';
import { HandlingCodes, RequestView } from './RequestView.js';
import { Timeline } from './Timeline.js';
import { CASES_REFRESH_MS, casesApi, useCatalogue, type CaseAccess, type CaseTeam as CaseTeamT } from './useCases.js';

/**
 * A section another capability adds to the case page (given by app/, which knows every
 * capability), e.g. the attachments; `access` is what the reader may reach of the case's
 * evidence under its team (undefined while loading).
 */
export type CaseSection = ComponentType<{ detail: CaseDetail; label: (node: string) => { name: string }; access?: CaseAccess | undefined }>;

/** One case: header with deadlines, the request, handling codes, the actions open to this node and the signed timeline. */
export function CaseDetailPage({ id, navigate, sections = [] }: { id: string; navigate: (path: string) => void; sections?: readonly CaseSection[] }) {
  const { t, i18n } = useTranslation();
  const { user } = useSignedIn();
  const catalogue = useCatalogue();
  const directory = useNodeDirectory();
  const formatDateTime = useFormatDate();
  const load = useCallback(() => casesApi.get(id), [id]);
  const res = useResource<CaseDetail>(load, id);
  useAutoRefresh(res.reload, CASES_REFRESH_MS);
  const loadTeam = useCallback(() => casesApi.team(id), [id]);
  const team = useResource<CaseTeamT>(loadTeam, id);
  const c = res.data;
  const language = i18n.resolvedLanguage ?? 'en';
  // Kept here: the panel starts afresh when the actions open to this node change.
  const [done, setDone] = useState<string | null>(null);

  if (!c) {
    return (
      <>
        <PageHeader title={t('cases.caseTitle')} />
        <ErrorAlert error={res.error} />
        {res.loading && <p role="status">{t('app.loading')}</p>}
      </>
    );
  }
  const d = c.deadlines;
  const day = (iso: string) => formatDate(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00` : iso, language);
  const name = (node: string) => {
    const l = directory.label(node);
    return l.self ? t('cases.timeline.thisNode', { name: l.name }) : l.name;
  };

  return (
    <>
      <PageHeader title={c.request.subject} intro={typeTitle(t, c.request.type, catalogue.data)}>
        <div className="button-row case-actions">
          <a className="button" href={CASES_PATH} onClick={onLink(navigate)}>
            {t('cases.allCases')}
          </a>
          <a className="button" href={letterPath(c.id)} onClick={onLink(navigate)} data-action="letter">
            {t('cases.letter.open')}
          </a>
          <button type="button" className="secondary" onClick={() => window.print()}>
            {t('cases.print')}
          </button>
        </div>
      </PageHeader>
      <ErrorAlert error={res.error} />
      <section className={`card case-summary${d.overdue ? ' case-overdue' : ''}`} data-case={c.id} data-status={c.status} aria-label={t('cases.summaryLabel')}>
        <p className="case-badges">
          <PriorityBadge priority={c.request.priority} /> <CaseStatusBadge status={c.status} />
          {d.overdue && <span className="status status-off" data-overdue="true">{t('cases.overdue')}</span>}
        </p>
        <dl className="facts">
          <dt>{t('cases.party.requesting')}</dt>
          <dd data-cell="requesting" title={c.requesting}>{name(c.requesting)}</dd>
          <dt>{t('cases.party.requested')}</dt>
          <dd data-cell="requested" title={c.requested}>{name(c.requested)}</dd>
          <dt>{t('cases.legalBasis')}</dt>
          <dd data-cell="basis">{basisText(t, c.request.legal_basis)}</dd>
          {c.request.reference && (
            <>
              <dt>{t('cases.reference')}</dt>
              <dd>{c.request.reference}</dd>
            </>
          )}
          <dt>{t('cases.opened')}</dt>
          <dd>{formatDateTime(c.opened_at)}</dd>
          {!c.acknowledged_at && d.ack_due && (
            <>
              <dt>{t('cases.deadline.ack')}</dt>
              <dd data-cell="ack-due">
                <Deadline at={d.ack_due} />
              </dd>
            </>
          )}
          {c.acknowledged_at && (
            <>
              <dt>{t('cases.acknowledged')}</dt>
              <dd>{formatDateTime(c.acknowledged_at)}</dd>
            </>
          )}
          {d.preservation_until && (
            <>
              <dt>{t('cases.deadline.preservation')}</dt>
              <dd data-cell="preservation" data-expiring={d.preservation_expiring ? 'true' : 'false'}>
                {day(d.preservation_until)}
                {d.preservation_expiring && <span className="status status-warn"> {t('cases.deadline.expiring')}</span>}
              </dd>
            </>
          )}
          {d.target_date && (
            <>
              <dt>{t('cases.deadline.target')}</dt>
              <dd data-cell="target">{day(d.target_date)}</dd>
            </>
          )}
          {d.next_due && (
            <>
              <dt>{t('cases.nextDeadline')}</dt>
              <dd data-cell="next-due">
                <Deadline at={d.next_due} overdue={d.overdue} />
              </dd>
            </>
          )}
          {c.verification_code && (
            <>
              <dt>{t('cases.verificationCode')}</dt>
              <dd>
                <code data-cell="verification">{c.verification_code}</code>
              </dd>
            </>
          )}
        </dl>
        <div className="handling-box">
          <h2>{t('cases.handling.title')}</h2>
          <HandlingCodes handling={c.request.handling} t={t} />
        </div>
      </section>

      <CaseState detail={c} />
      {CASES_WRITE.includes(user.role) && (
        <ActionPanel
          key={`${c.id} ${c.available_actions.join(' ')}`}
          detail={c}
          catalogue={catalogue.data}
          done={done}
          onDone={(next, message) => {
            if (next) res.setData(() => next);
            setDone(message);
          }}
        />
      )}
      <RequestView request={c.request} catalogue={catalogue.data} />
      <CaseTeam caseId={c.id} team={team} />
      {sections.map((Section, i) => (
        <Section key={i} detail={c} label={directory.label} access={team.data?.access} />
      ))}
      <Timeline detail={c} label={directory.label} />
    </>
  );
}

/** What the parties said that shapes the case now: information asked, conditions, postponement, refusal, execution. */
function CaseState({ detail: c }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const formatDateTime = useFormatDate();
  const items: [string, string][] = [];
  if (c.information_requested) items.push([t('cases.state.informationRequested'), c.information_requested]);
  if (c.conditions) items.push([t('cases.state.conditions', { status: t(`cases.conditionStatus.${c.conditions.status}`, { defaultValue: c.conditions.status }) }), c.conditions.text]);
  if (c.postponement) items.push([t('cases.state.postponed'), c.postponement.reasons + (c.postponement.until ? ` (${c.postponement.until})` : '')]);
  if (c.refusal) items.push([t('cases.state.refused'), `${c.refusal.grounds.map((g) => groundText(t, g, c.request.legal_basis.instrument)).join('; ')}. ${c.refusal.reasons}`]);
  if (c.handed_over_to) items.push([t('cases.state.handedOver'), c.handed_over_to]);
  if (c.withdrawal) items.push([t('cases.state.withdrawn'), c.withdrawal]);
  if (c.extension_requested) items.push([t('cases.state.extension'), t('cases.timeline.days', { count: c.extension_requested })]);
  for (const e of c.executions) items.push([`${t(`cases.extent.${e.extent}`, { defaultValue: e.extent })} · ${formatDateTime(e.at)}`, e.text]);
  if (items.length === 0 && c.equivocations.length === 0) return null;
  return (
    <section className="card" aria-labelledby="state-title">
      <h2 id="state-title">{t('cases.state.title')}</h2>
      <dl className="facts">
        {items.map(([k, v], i) => (
          <div key={i} className="fact">
            <dt>{k}</dt>
            <dd className="pre-wrap">{v}</dd>
          </div>
        ))}
      </dl>
      {c.equivocations.length > 0 && (
        <p className="alert alert-error" role="alert">
          {t('cases.state.equivocation', { count: c.equivocations.length, authors: [...new Set(c.equivocations.map((e) => e.author))].join(', ') })}
        </p>
      )}
    </section>
  );
}
