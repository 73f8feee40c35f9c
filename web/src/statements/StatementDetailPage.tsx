import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeInfo } from '../node/useNodeInfo.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { agreementOf, AgreementFields, EMPTY_AGREEMENT, type AgreementDraft } from '../groups/AgreementFields.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { LanguageTexts } from './LanguageTexts.js';
import { StatementHistory } from './StatementHistory.js';
import { documentUrl, statementsApi, STATEMENTS_EDIT, useStatement, type Amendment, type StatementDetail, type Verification } from './useStatements.js';

type Actions = ReturnType<typeof useStatement>;

/** Texts side by side, one column per language (stacked on narrow screens). */
function Columns({ texts, testId }: { texts: Record<string, string>; testId: string }) {
  const langs = Object.keys(texts).sort();
  return (
    <div className="statement-columns" data-testid={testId}>
      {langs.map((l) => (
        <div key={l} className="statement-column" data-lang={l}>
          <h3>{l}</h3>
          <p className="statement-text" lang={l}>
            {texts[l]}
          </p>
        </div>
      ))}
    </div>
  );
}

function AmendmentItem({ a, me, editable, actions }: { a: Amendment; me: string; editable: boolean; actions: Actions }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const answered = a.accepts.includes(me) || a.refusals.some((r) => r.node === me);
  return (
    <li className="amendment" data-amendment={a.id} data-status={a.status}>
      <p>
        <strong>{t('statements.amendmentBy', { author: a.author, date: a.created_at.slice(0, 16).replace('T', ' ') })}</strong> — <span data-cell="amendment-status">{t(`statements.amendmentStates.${a.status}`, { defaultValue: a.status })}</span>
      </p>
      <Columns texts={a.texts} testId={`amendment-texts-${a.id}`} />
      <p className="hint">
        {t('statements.accepted', { nodes: a.accepts.join(', ') || '—' })}
        {a.refusals.length > 0 && <> · {t('statements.refused', { nodes: a.refusals.map((r) => (r.reason ? `${r.node} (${r.reason})` : r.node)).join(', ') })}</>}
      </p>
      {editable && a.status === 'open' && !answered && (
        <div className="inline-form">
          <ErrorAlert error={error} />
          <button type="button" disabled={busy} onClick={() => void run(() => actions.answer(a.id, 'accept'))}>
            {t('statements.accept')}
          </button>{' '}
          <button type="button" className="secondary" disabled={busy} onClick={() => void run(() => actions.answer(a.id, 'refuse'))}>
            {t('statements.refuse')}
          </button>
        </div>
      )}
    </li>
  );
}

function AmendForm({ s, onAmend }: { s: StatementDetail; onAmend: Actions['amend'] }) {
  const { t } = useTranslation();
  const [texts, setTexts] = useState<Record<string, string>>(() => ({ ...s.texts }));
  const [done, setDone] = useState(false);
  const { busy, error, run } = useAction();
  const changed = Object.fromEntries(Object.entries(texts).filter(([l, v]) => v.trim() !== '' && v !== s.texts[l]));

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await run(() => onAmend(changed, s.digest));
    if (r) {
      setDone(true);
      setTexts({ ...r.texts });
    }
  }

  return (
    <form onSubmit={handleSubmit} aria-labelledby="amend-title" data-testid="amend-form">
      <h2 id="amend-title">{t('statements.proposeAmendment')}</h2>
      {done && (
        <p className="alert alert-success" role="status">
          {t('statements.amendmentSent')}
        </p>
      )}
      <ErrorAlert error={error} />
      <LanguageTexts idPrefix="amend-text" texts={texts} onChange={setTexts} required={false} hint={t('statements.amendHint')} />
      <div className="form-actions">
        <button type="submit" disabled={busy || Object.keys(changed).length === 0}>
          {t('statements.sendAmendment')}
        </button>
      </div>
    </form>
  );
}

function AdoptionSection({ s, editable, actions }: { s: StatementDetail; editable: boolean; actions: Actions }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const proposed = s.adoption_proposals.some((p) => p.digest === s.digest);
  const consents = s.consents[s.digest] ?? [];
  return (
    <section className="card statement-actions" aria-labelledby="adoption-title" data-testid="adoption">
      <h2 id="adoption-title">{t('statements.adoption')}</h2>
      {s.status === 'adopted' ? (
        <p data-testid="adopted">{t('statements.adoptedOn', { date: (s.adopted_at ?? '').slice(0, 16).replace('T', ' '), parties: s.parties.join(', ') })}</p>
      ) : (
        <>
          <p>{proposed ? t('statements.consentsOf', { consents: consents.join(', ') || '—', got: consents.length, needed: s.needed }) : t('statements.notProposed')}</p>
          <ErrorAlert error={error} />
          {editable && !s.i_consented && (
            <button type="button" disabled={busy} onClick={() => void run(() => actions.adopt(s.digest))}>
              {proposed ? t('statements.consent') : t('statements.proposeAdoption')}
            </button>
          )}
          {s.i_consented && <p className="hint">{t('statements.youConsented')}</p>}
        </>
      )}
    </section>
  );
}

/** The offline check of the co-signed document: every text's hash, the digest, every signature and every party. */
function VerifyResult({ s, v }: { s: StatementDetail; v: Verification }) {
  const { t } = useTranslation();
  const fault = (part: string) => v.problems.filter((p) => p.part === part);
  const signers = [...new Set([...s.signatures.map((x) => x.node), ...v.signed_by])].sort();
  const rows: { part: string; label: string }[] = [
    ...v.languages.map((l) => ({ part: `texts.${l}`, label: t('statements.checkText', { lang: l }) })),
    { part: 'digest', label: t('statements.checkDigest') },
    ...signers.map((n) => ({ part: `signatures.${n}`, label: t('statements.checkSignature', { node: n }) })),
    ...s.parties.filter((p) => !signers.includes(p)).map((p) => ({ part: `parties.${p}`, label: t('statements.checkParty', { node: p }) })),
  ];
  const other = v.problems.filter((p) => !rows.some((r) => r.part === p.part));
  return (
    <div data-testid="verify-result" data-valid={String(v.valid)} data-complete={String(v.complete)}>
      <p className={v.valid ? 'check-ok' : 'check-fault'} role="status">
        {v.valid ? (v.complete ? t('statements.verifyComplete') : t('statements.verifyIncomplete')) : t('statements.verifyInvalid')}
      </p>
      <ul className="verify-checks">
        {rows.map((r) => {
          const f = fault(r.part);
          return (
            <li key={r.part} data-part={r.part} data-ok={String(f.length === 0)}>
              <span className={f.length === 0 ? 'check-ok' : 'check-fault'}>{f.length === 0 ? t('statements.ok') : t('statements.faulty')}</span> {r.label}
              {f.map((p) => (
                <div key={p.problem} className="hint">
                  {p.part}: {p.detail}
                </div>
              ))}
            </li>
          );
        })}
        {other.map((p) => (
          <li key={`${p.part}-${p.problem}`} data-part={p.part} data-ok="false">
            <span className="check-fault">{t('statements.faulty')}</span> {p.part}: {p.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SignaturesSection({ s, editable, actions }: { s: StatementDetail; editable: boolean; actions: Actions }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const check = useAction();
  const [v, setV] = useState<Verification | null>(null);
  return (
    <section className="card statement-actions" aria-labelledby="signatures-title" data-testid="signatures">
      <h2 id="signatures-title">{t('statements.signatures')}</h2>
      <ErrorAlert error={error} />
      {editable && s.i_must_sign && (
        <p>
          <button type="button" disabled={busy} onClick={() => void run(() => actions.sign())}>
            {t('statements.sign')}
          </button>
        </p>
      )}
      {s.signatures.length === 0 ? (
        <p className="muted">{t('statements.noSignatures')}</p>
      ) : (
        <table className="statement-signatures">
          <thead>
            <tr>
              <th scope="col">{t('statements.node')}</th>
              <th scope="col">{t('statements.keyFingerprint')}</th>
              <th scope="col">{t('statements.signedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {s.signatures.map((x) => (
              <tr key={x.event_id} data-signer={x.node}>
                <td>{x.node}</td>
                <td className="digest">{x.key}</td>
                <td>{x.signed_at.slice(0, 16).replace('T', ' ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">{t('statements.pinHint')}</p>
      <ErrorAlert error={check.error} />
      <p>
        <button type="button" className="secondary" disabled={check.busy} onClick={() => void check.run(async () => setV(await statementsApi.verify(s.id)))}>
          {t('statements.verify')}
        </button>
      </p>
      {v && <VerifyResult s={s} v={v} />}
    </section>
  );
}

/**
 * An adopted agreement co-signed by every party can be put in force for the group: its terms
 * (channels, request types, languages, acknowledgement hours) become the group's agreement once
 * the charter's quorum consents, as any change of it (on the group's page).
 */
function InForceSection({ s, editable, actions }: { s: StatementDetail; editable: boolean; actions: Actions }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const [terms, setTerms] = useState<AgreementDraft>(() => ({ ...EMPTY_AGREEMENT, channels: 'federation', request_types: '*', languages: Object.keys(s.texts).sort().join(', ') }));
  const { busy, error, run } = useAction();
  const f = s.in_force;
  const signedByAll = s.parties.every((p) => s.signatures.some((x) => x.node === p));
  const mayPropose = editable && signedByAll && f?.status !== 'open' && !(f?.status === 'adopted' && f.until === null);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const { title: _title, instrument: _instrument, ...body } = agreementOf({ ...terms, title: s.title, instrument: s.title });
    await run(() => actions.putInForce(body));
  }

  return (
    <section className="card statement-actions" aria-labelledby="in-force-title" data-testid="in-force">
      <h2 id="in-force-title">{t('statements.inForce')}</h2>
      {f === null ? (
        <p className="muted">{signedByAll ? t('statements.notInForce') : t('statements.inForceNeedsSignatures')}</p>
      ) : (
        <p data-testid="in-force-state" data-status={f.status} data-current={String(f.status === 'adopted' && f.until === null)}>
          {f.status === 'open'
            ? t('statements.inForceProposed', { author: f.proposed_by, consents: f.consents.join(', '), got: f.consents.length, needed: f.needed })
            : f.status === 'adopted'
              ? f.until
                ? t('statements.inForceUntil', { since: formatDate(f.since), until: formatDate(f.until) })
                : t('statements.inForceSince', { since: formatDate(f.since) })
              : t('statements.inForceNot', { status: t(`groups.proposalStatus.${f.status}`, { defaultValue: f.status }) })}{' '}
          <a href={`/groups/${encodeURIComponent(s.group_id)}`}>{t('statements.toGroup')}</a>
        </p>
      )}
      {mayPropose && (
        <FormErrors error={error} operation="POST /api/v1/statements/{id}/in-force">
          <form onSubmit={handleSubmit} data-testid="in-force-form" noValidate>
            <p className="hint">{t('statements.inForceHint')}</p>
            <ErrorAlert error={error} />
            <AgreementFields value={terms} onChange={setTerms} termsOnly pointerBase="" legend={t('statements.terms')} />
            <div className="form-actions">
              <button type="submit" disabled={busy}>
                {t('statements.putInForce')}
              </button>
            </div>
          </form>
        </FormErrors>
      )}
    </section>
  );
}

/** One statement: its language versions side by side, the digest, amendments, adoption, signatures and the offline check. */
export function StatementDetailPage({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const me = useNodeInfo()?.node_id ?? '';
  const actions = useStatement(id);
  const { data: s, error, loading } = actions;
  const editable = STATEMENTS_EDIT.includes(user.role) && s?.my_role === 'member';
  const open = s?.amendments.filter((a) => a.status === 'open') ?? [];
  const closed = s?.amendments.filter((a) => a.status !== 'open') ?? [];

  return (
    <>
      <PageHeader title={s?.title ?? t('statements.title')}>
        <button type="button" className="secondary" onClick={onBack}>
          {t('statements.back')}
        </button>
        {s?.status === 'adopted' && (
          <a className="button secondary" href={documentUrl(s.id)} download={`statement-${s.id}.json`}>
            {t('statements.download')}
          </a>
        )}
      </PageHeader>
      <LoadState error={error} loading={loading && !s} />
      {s && (
        <>
          {s.my_role === 'former' && <p className="alert">{t('statements.former')}</p>}
          <section className="card">
            <dl className="facts" data-testid="statement-facts">
              <dt>{t('statements.group')}</dt>
              <dd>{s.group_name ?? s.group_id}</dd>
              <dt>{t('statements.kind')}</dt>
              <dd>{t(`statements.kinds.${s.kind}`, { defaultValue: s.kind })}</dd>
              <dt>{t('statements.state')}</dt>
              <dd data-testid="statement-state">{t(`statements.states.${s.status}`, { defaultValue: s.status })}</dd>
              <dt>{t('statements.digest')}</dt>
              <dd className="digest" data-testid="statement-digest">
                {s.digest}
              </dd>
              <dt>{t('statements.members')}</dt>
              <dd>{s.members.join(', ')}</dd>
              <dt>{t('statements.quorum')}</dt>
              <dd>{s.needed}</dd>
            </dl>
            <p className="hint">{t('statements.drafted', { author: s.author, date: s.created_at.slice(0, 10), count: s.versions.length })}</p>
          </section>
          <section className="card" aria-labelledby="versions-title">
            <h2 id="versions-title">{t('statements.versions')}</h2>
            <Columns texts={s.texts} testId="statement-texts" />
          </section>
          <section className="card" aria-labelledby="amendments-title" data-testid="amendments">
            <h2 id="amendments-title">{t('statements.amendments')}</h2>
            {open.length === 0 ? (
              <p className="muted">{t('statements.noOpenAmendments')}</p>
            ) : (
              <ul className="statement-amendments">
                {open.map((a) => (
                  <AmendmentItem key={a.id} a={a} me={me} editable={editable} actions={actions} />
                ))}
              </ul>
            )}
            {closed.length > 0 && (
              <details>
                <summary>{t('statements.pastAmendments', { count: closed.length })}</summary>
                <ul className="statement-amendments">
                  {closed.map((a) => (
                    <AmendmentItem key={a.id} a={a} me={me} editable={false} actions={actions} />
                  ))}
                </ul>
              </details>
            )}
          </section>
          {editable && s.status === 'drafting' && (
            <section className="card">
              <AmendForm key={s.digest} s={s} onAmend={actions.amend} />
            </section>
          )}
          <AdoptionSection s={s} editable={editable} actions={actions} />
          {s.status === 'adopted' && <SignaturesSection s={s} editable={editable} actions={actions} />}
          {s.status === 'adopted' && s.kind === 'agreement' && <InForceSection s={s} editable={editable} actions={actions} />}
          <StatementHistory s={s} />
        </>
      )}
    </>
  );
}
