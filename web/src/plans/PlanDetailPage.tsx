import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeInfo } from '../node/useNodeInfo.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { exportUrl, ITEM_STATUSES, PLANS_EDIT, usePlan, type ItemStatus, type NewItem, type PlanDetail, type PlanItem, type StatusUpdate } from './usePlans.js';

function AddItemForm({ plan, onAdd }: { plan: PlanDetail; onAdd: (body: NewItem) => Promise<PlanDetail> }) {
  const { t } = useTranslation();
  const me = useNodeInfo()?.node_id ?? '';
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [owner, setOwner] = useState(me);
  const [deadline, setDeadline] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const who = owner || me;
    const r = await run(() => onAdd({ title: title.trim(), owner: who, deadline, ...(description.trim() ? { description: description.trim() } : {}) }));
    if (r) {
      setDone(who === me ? t('plans.itemAdded') : t('plans.itemProposed', { owner: who }));
      setTitle('');
      setDescription('');
    }
  }

  return (
    <form onSubmit={handleSubmit} aria-labelledby="add-item-title" data-testid="add-item-form">
      <h2 id="add-item-title">{t('plans.addItem')}</h2>
      {done && (
        <p className="alert alert-success" role="status">
          {done}
        </p>
      )}
      <ErrorAlert error={error} />
      <div className="field">
        <label htmlFor="item-title">{t('plans.itemTitle')}</label>
        <input id="item-title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />
      </div>
      <div className="field">
        <label htmlFor="item-description">{t('plans.description')}</label>
        <textarea id="item-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={4000} rows={2} />
      </div>
      <div className="field">
        <label htmlFor="item-owner">{t('plans.owner')}</label>
        <select id="item-owner" value={owner || me} onChange={(e) => setOwner(e.target.value)}>
          {plan.members.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="item-deadline">{t('plans.deadline')}</label>
        <input id="item-deadline" type="date" value={deadline} onChange={(e) => setDeadline(e.target.value)} required />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {t('plans.add')}
        </button>
      </div>
    </form>
  );
}

function StatusForm({ item, onPublish }: { item: PlanItem; onPublish: (item: string, body: StatusUpdate) => Promise<PlanDetail> }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ItemStatus>(item.status as ItemStatus);
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (await run(() => onPublish(item.id, { status, note: note.trim() }))) setNote('');
  }

  return (
    <form onSubmit={handleSubmit} className="inline-form status-form" data-testid={`status-form-${item.id}`}>
      <ErrorAlert error={error} />
      <label>
        {t('plans.status')}{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value as ItemStatus)}>
          {ITEM_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`plans.statuses.${s}`)}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        {t('plans.note')} <input value={note} onChange={(e) => setNote(e.target.value)} required maxLength={4000} />
      </label>{' '}
      <button type="submit" disabled={busy}>
        {t('plans.publish')}
      </button>
    </form>
  );
}

function ItemRow({ item, me, editable, actions }: { item: PlanItem; me: string; editable: boolean; actions: ReturnType<typeof usePlan> }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const state = item.acceptance === 'accepted' ? t(`plans.statuses.${item.status}`) : item.acceptance === 'proposed' ? t('plans.awaitingOwner', { owner: item.owner }) : t('plans.declined');
  return (
    <tr data-item={item.id} data-overdue={item.overdue ? 'true' : 'false'} className={item.overdue ? 'overdue' : undefined}>
      <td>
        <strong>{item.title}</strong>
        {item.description && <div className="hint">{item.description}</div>}
        {item.updates.length > 0 ? (
          <ol className="plan-updates">
            {item.updates.map((u) => (
              <li key={u.event_id}>
                <time dateTime={u.at}>{u.at.slice(0, 16).replace('T', ' ')}</time> <b>{t(`plans.statuses.${u.status}`)}</b>: {u.note}
              </li>
            ))}
          </ol>
        ) : (
          <div className="hint">{t('plans.noUpdates')}</div>
        )}
        {editable && item.owner === me && item.acceptance === 'accepted' && <StatusForm item={item} onPublish={actions.publishStatus} />}
        {editable && item.awaiting_me && (
          <div className="inline-form">
            <ErrorAlert error={error} />
            <button type="button" disabled={busy} onClick={() => void run(() => actions.answer(item.id, 'accept'))}>
              {t('plans.accept')}
            </button>{' '}
            <button type="button" className="secondary" disabled={busy} onClick={() => void run(() => actions.answer(item.id, 'decline'))}>
              {t('plans.decline')}
            </button>
          </div>
        )}
      </td>
      <td>
        {item.owner}
        {!item.owner_is_member && <div className="hint">{t('plans.ownerLeft')}</div>}
      </td>
      <td>
        {item.deadline}
        {item.overdue && (
          <div className="overdue-flag" data-testid="overdue-flag">
            {t('plans.overdue', { days: item.days_overdue })}
          </div>
        )}
      </td>
      <td data-cell="status">{state}</td>
    </tr>
  );
}

/** One plan: its agreement, the items with owners, deadlines and status updates, the report buttons. */
export function PlanDetailPage({ id, onBack }: { id: string; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const { user } = useSignedIn();
  const me = useNodeInfo()?.node_id ?? '';
  const actions = usePlan(id);
  const { data: p, error, loading } = actions;
  const editable = PLANS_EDIT.includes(user.role) && p?.my_role === 'member';
  const lang = (['en', 'ru', 'uz'].includes(i18n.language) ? i18n.language : 'en') as 'en' | 'ru' | 'uz';

  return (
    <>
      <PageHeader title={p?.title ?? t('plans.title')}>
        <button type="button" className="secondary" onClick={onBack}>
          {t('plans.back')}
        </button>
        {p && (
          <>
            <a className="button secondary" href={exportUrl(p.id, 'html', lang)} target="_blank" rel="noopener">
              {t('plans.exportHtml')}
            </a>
            <a className="button secondary" href={exportUrl(p.id, 'pdf', lang)} target="_blank" rel="noopener">
              {t('plans.exportPdf')}
            </a>
          </>
        )}
      </PageHeader>
      <LoadState error={error} loading={loading && !p} />
      {p && (
        <>
          {p.my_role === 'former' && <p className="alert">{t('plans.former')}</p>}
          <section className="card">
            <dl className="facts" data-testid="plan-facts">
              <dt>{t('plans.group')}</dt>
              <dd>{p.group_name ?? p.group_id}</dd>
              {p.instrument && (
                <>
                  <dt>{t('plans.agreement')}</dt>
                  <dd>
                    {p.instrument.title[lang]}
                    {p.instrument.unconfirmed && (
                      <div className="hint unconfirmed" data-testid="instrument-unconfirmed">
                        {t('plans.unconfirmed')}
                      </div>
                    )}
                  </dd>
                </>
              )}
              {p.reference && (
                <>
                  <dt>{t('plans.reference')}</dt>
                  <dd>{p.reference}</dd>
                </>
              )}
              <dt>{t('plans.members')}</dt>
              <dd>{p.members.join(', ')}</dd>
              <dt>{t('plans.overdueCount')}</dt>
              <dd data-testid="plan-overdue-count">{p.counts.overdue}</dd>
            </dl>
            <p className="hint">{t('plans.founded', { author: p.author, date: p.created_at.slice(0, 10) })}</p>
          </section>
          <section className="card table-card" aria-labelledby="plan-items-title">
            <h2 id="plan-items-title">{t('plans.items')}</h2>
            {p.items.length === 0 ? (
              <p className="muted">{t('plans.noItems')}</p>
            ) : (
              <table className="plan-items">
                <thead>
                  <tr>
                    <th scope="col">{t('plans.itemTitle')}</th>
                    <th scope="col">{t('plans.owner')}</th>
                    <th scope="col">{t('plans.deadline')}</th>
                    <th scope="col">{t('plans.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((it) => (
                    <ItemRow key={it.id} item={it} me={me} editable={editable} actions={actions} />
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {editable && (
            <section className="card">
              <AddItemForm plan={p} onAdd={actions.addItem} />
            </section>
          )}
        </>
      )}
    </>
  );
}
