import './statements.css';
import { useState, type FormEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { groups } from '../api/endpoints.js';
import { useSignedIn } from '../auth/useSession.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ROUTES, subPathOf } from '../shared/hooks/useRoute.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { LanguageTexts } from './LanguageTexts.js';
import { StatementDetailPage } from './StatementDetailPage.js';
import { STATEMENT_KINDS, STATEMENTS_EDIT, useStatements, type NewStatement, type StatementDetail, type StatementKind } from './useStatements.js';

export function statementPath(id: string): string {
  return `${ROUTES.statements}/${encodeURIComponent(id)}`;
}

/** Joint statements and agreements: the list with the form to draft one, or one statement when the path names it. */
export function StatementsPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const id = subPathOf(path, 'statements');
  if (id) return <StatementDetailPage id={id} onBack={() => navigate(ROUTES.statements)} />;
  return <StatementList onOpen={(sid) => navigate(statementPath(sid))} />;
}

function CreateStatementForm({ onCreate }: { onCreate: (body: NewStatement) => Promise<StatementDetail> }) {
  const { t } = useTranslation();
  const myGroups = useResource(groups.list);
  const [groupId, setGroupId] = useState('');
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<StatementKind>('joint_statement');
  const [texts, setTexts] = useState<Record<string, string>>({ en: '' });
  const [created, setCreated] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const active = (myGroups.data ?? []).filter((g) => g.status === 'active' && g.my_role === 'member');

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const body = { group_id: groupId, kind, title: title.trim(), texts: Object.fromEntries(Object.entries(texts).filter(([, v]) => v.trim() !== '')) };
    const s = await run(() => onCreate(body));
    if (s) {
      setCreated(s.title);
      setTitle('');
      setTexts({ en: '' });
    }
  }

  return (
    <form onSubmit={handleSubmit} aria-labelledby="new-statement-title" data-testid="new-statement-form">
      <h2 id="new-statement-title">{t('statements.newStatement')}</h2>
      {created && (
        <p className="alert alert-success" role="status">
          {t('statements.created', { title: created })}
        </p>
      )}
      <ErrorAlert error={error} />
      <div className="field">
        <label htmlFor="statement-group">{t('statements.group')}</label>
        <select id="statement-group" value={groupId} onChange={(e) => setGroupId(e.target.value)} required>
          <option value="">{t('statements.chooseGroup')}</option>
          {active.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name ?? g.id}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="statement-title">{t('statements.statementTitle')}</label>
        <input id="statement-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
      </div>
      <div className="field">
        <label htmlFor="statement-kind">{t('statements.kind')}</label>
        <select id="statement-kind" value={kind} onChange={(e) => setKind(e.target.value as StatementKind)}>
          {STATEMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`statements.kinds.${k}`)}
            </option>
          ))}
        </select>
      </div>
      <LanguageTexts idPrefix="statement-text" texts={texts} onChange={setTexts} required />
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {t('statements.create')}
        </button>
      </div>
    </form>
  );
}

/** Every statement of the groups this node belongs to or left, with its kind and state. */
function StatementList({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { data, error, loading, create } = useStatements();
  const editable = STATEMENTS_EDIT.includes(user.role);

  function handleOpen(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const id = e.currentTarget.dataset.statementId;
    if (id) onOpen(id);
  }

  return (
    <>
      <PageHeader title={t('statements.title')} intro={editable ? t('statements.intro') : t('statements.readOnly')} />
      <ErrorAlert error={error} />
      <section className="card table-card">
        {loading && !data && <p role="status">{t('app.loading')}</p>}
        {data && data.length === 0 && <p className="muted">{t('statements.empty')}</p>}
        {data && data.length > 0 && (
          <table className="statements-table">
            <thead>
              <tr>
                <th scope="col">{t('statements.statementTitle')}</th>
                <th scope="col">{t('statements.kind')}</th>
                <th scope="col">{t('statements.group')}</th>
                <th scope="col">{t('statements.languages')}</th>
                <th scope="col">{t('statements.state')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((s) => (
                <tr key={s.id} data-statement={s.id}>
                  <td>
                    <a href={statementPath(s.id)} data-statement-id={s.id} onClick={handleOpen}>
                      {s.title}
                    </a>
                  </td>
                  <td>{t(`statements.kinds.${s.kind}`, { defaultValue: s.kind })}</td>
                  <td>{s.group_name ?? s.group_id}</td>
                  <td>{s.languages.join(', ')}</td>
                  <td data-cell="state">
                    {t(`statements.states.${s.status}`, { defaultValue: s.status })}
                    {s.status === 'adopted' && <div className="hint">{t('statements.signedCount', { signed: s.signed_by.length, parties: s.parties.length })}</div>}
                    {s.open_amendments > 0 && <div className="hint">{t('statements.openAmendments', { count: s.open_amendments })}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {editable && (
        <section className="card">
          <CreateStatementForm onCreate={create} />
        </section>
      )}
    </>
  );
}
