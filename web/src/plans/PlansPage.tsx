import './plans.css';
import { useState, type FormEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { groups } from '../api/endpoints.js';
import { useSignedIn } from '../auth/useSession.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ROUTES, subPathOf } from '../shared/hooks/useRoute.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { PlanDetailPage } from './PlanDetailPage.js';
import { PLANS_EDIT, plansApi, usePlans, type NewPlan, type PlanDetail } from './usePlans.js';

export function planPath(id: string): string {
  return `${ROUTES.plans}/${encodeURIComponent(id)}`;
}

/** Plans of interaction: the list with the form to found one, or one plan when the path names it. */
export function PlansPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const id = subPathOf(path, 'plans');
  if (id) return <PlanDetailPage id={id} onBack={() => navigate(ROUTES.plans)} />;
  return <PlanList onOpen={(planId) => navigate(planPath(planId))} />;
}

function CreatePlanForm({ onCreate }: { onCreate: (body: NewPlan) => Promise<PlanDetail> }) {
  const { t, i18n } = useTranslation();
  const myGroups = useResource(groups.list);
  const instruments = useResource(plansApi.instruments);
  const [groupId, setGroupId] = useState('');
  const [title, setTitle] = useState('');
  const [instrument, setInstrument] = useState('');
  const [reference, setReference] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const lang = (['en', 'ru', 'uz'].includes(i18n.language) ? i18n.language : 'en') as 'en' | 'ru' | 'uz';
  const active = (myGroups.data ?? []).filter((g) => g.status === 'active' && g.my_role === 'member');

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const p = await run(() => onCreate({ group_id: groupId, title: title.trim(), instrument: instrument || null, ...(reference.trim() ? { reference: reference.trim() } : {}) }));
    if (p) {
      setCreated(p.title);
      setTitle('');
      setReference('');
    }
  }

  return (
    <form onSubmit={handleSubmit} aria-labelledby="new-plan-title" data-testid="new-plan-form">
      <h2 id="new-plan-title">{t('plans.newPlan')}</h2>
      {created && (
        <p className="alert alert-success" role="status">
          {t('plans.created', { title: created })}
        </p>
      )}
      <ErrorAlert error={error} />
      <div className="field">
        <label htmlFor="plan-group">{t('plans.group')}</label>
        <select id="plan-group" value={groupId} onChange={(e) => setGroupId(e.target.value)} required>
          <option value="">{t('plans.chooseGroup')}</option>
          {active.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name ?? g.id}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="plan-title">{t('plans.planTitle')}</label>
        <input id="plan-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
      </div>
      <div className="field">
        <label htmlFor="plan-instrument">{t('plans.instrument')}</label>
        <select id="plan-instrument" value={instrument} onChange={(e) => setInstrument(e.target.value)}>
          <option value="">{t('plans.noInstrument')}</option>
          {(instruments.data ?? []).map((i) => (
            <option key={i.id} value={i.id}>
              {i.title[lang]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="plan-reference">{t('plans.reference')}</label>
        <input id="plan-reference" value={reference} onChange={(e) => setReference(e.target.value)} maxLength={300} />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {t('plans.create')}
        </button>
      </div>
    </form>
  );
}

/** Every plan of the groups this node belongs to or left, with its progress and overdue items. */
function PlanList({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { data, error, loading, create } = usePlans();
  const editable = PLANS_EDIT.includes(user.role);

  function handleOpen(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const id = e.currentTarget.dataset.planId;
    if (id) onOpen(id);
  }

  return (
    <>
      <PageHeader title={t('plans.title')} intro={editable ? t('plans.intro') : t('plans.readOnly')} />
      <ErrorAlert error={error} />
      {editable && (
        <section className="card">
          <CreatePlanForm onCreate={create} />
        </section>
      )}
      <section className="card table-card">
        {loading && !data && <p role="status">{t('app.loading')}</p>}
        {data && data.length === 0 && <p className="muted">{t('plans.empty')}</p>}
        {data && data.length > 0 && (
          <table className="plans-table">
            <thead>
              <tr>
                <th scope="col">{t('plans.planTitle')}</th>
                <th scope="col">{t('plans.group')}</th>
                <th scope="col">{t('plans.items')}</th>
                <th scope="col">{t('plans.overdueCount')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((p) => (
                <tr key={p.id} data-plan={p.id} className={p.counts.overdue > 0 ? 'overdue' : undefined}>
                  <td>
                    <a href={planPath(p.id)} data-plan-id={p.id} onClick={handleOpen}>
                      {p.title}
                    </a>
                  </td>
                  <td>{p.group_name ?? p.group_id}</td>
                  <td>{t('plans.progress', { done: p.counts.done, items: p.counts.items })}</td>
                  <td data-cell="overdue">{p.counts.overdue > 0 ? <strong className="overdue-flag">{p.counts.overdue}</strong> : 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
