import { useTranslation } from 'react-i18next';
import { useDesk } from './useDesk.js';
import './desk.css';

/** How many items wait on the desk, next to the Overview entry of the sidebar (nothing when none). */
export function DeskCountBadge() {
  const { t } = useTranslation();
  const count = useDesk()?.count ?? 0;
  if (count === 0) return null;
  return (
    <span className="nav-count" data-testid="desk-count" aria-label={t('desk.countLabel', { count })}>
      {count}
    </span>
  );
}
