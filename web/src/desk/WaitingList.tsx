import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { pingTests } from '../api/endpoints.js';
import { formatDateTime, formatRelative } from '../i18n/format.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { deskItemTitle } from './deskTitle.js';
import type { DeskItem } from './types.js';
import { useNow } from './useDesk.js';

/** Kinds the desk can act on in place; every other item is a link to where it is handled. */
const PING_TEST_TO_CONFIRM = 'directory.ping_test_to_confirm';

function DeskRow({ item, now, canConfirm, onNavigate, onDone }: { item: DeskItem; now: number; canConfirm: boolean; onNavigate: (path: string) => void; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const confirm = useAction();
  const overdue = item.due !== undefined && Date.parse(item.due) <= now;

  function handleLink(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onNavigate(item.link);
  }
  async function handleConfirm() {
    if ((await confirm.run(() => pingTests.confirm(item.id))) !== undefined) onDone();
  }

  return (
    <li className={`desk-item desk-${item.severity}`} data-kind={item.kind} data-id={item.id} data-severity={item.severity}>
      <div className="desk-item-text">
        <a href={item.link} onClick={handleLink} className="desk-item-title">
          {deskItemTitle(t, item)}
        </a>
        <span className="desk-item-meta">
          <span title={formatDateTime(item.since, language)}>{t('desk.since', { when: formatRelative(item.since, language, now) })}</span>
          {item.due && (
            <span className={overdue ? 'desk-due desk-overdue' : 'desk-due'} title={formatDateTime(item.due, language)} data-testid="desk-due">
              {overdue ? t('desk.overdue', { when: formatRelative(item.due, language, now) }) : t('desk.due', { when: formatRelative(item.due, language, now) })}
            </span>
          )}
        </span>
        <ErrorAlert error={confirm.error} />
      </div>
      {item.kind === PING_TEST_TO_CONFIRM && canConfirm && (
        <button type="button" className="primary" onClick={() => void handleConfirm()} disabled={confirm.busy}>
          {t('desk.confirmPing')}
        </button>
      )}
    </li>
  );
}

/** "Waiting for you": every item on the desk, most pressing first (the server's order). */
export function WaitingList({ items, canConfirm, onNavigate, onDone }: { items: DeskItem[]; canConfirm: boolean; onNavigate: (path: string) => void; onDone: () => void }) {
  const { t } = useTranslation();
  const now = useNow(15_000);
  return (
    <section className="card desk-waiting" aria-labelledby="desk-waiting-title">
      <h2 id="desk-waiting-title">
        {t('desk.waitingTitle')} <span className="desk-count-inline">{items.length}</span>
      </h2>
      {items.length === 0 ? (
        <p className="muted" data-testid="desk-empty">
          {t('desk.nothingWaiting')}
        </p>
      ) : (
        <ul className="desk-list" data-testid="desk-list">
          {items.map((item) => (
            <DeskRow key={`${item.kind}/${item.id}`} item={item} now={now} canConfirm={canConfirm} onNavigate={onNavigate} onDone={onDone} />
          ))}
        </ul>
      )}
    </section>
  );
}
