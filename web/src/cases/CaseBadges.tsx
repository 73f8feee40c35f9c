import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CasePriority, CaseStatus } from '../api/types.js';
import { formatDateTime, formatRelative } from '../i18n/format.js';
import { StatusBadge } from '../shared/ui/StatusBadge.js';

const STATUS_CLASS: Record<CaseStatus, string> = {
  unknown: 'status',
  sent: 'status status-warn',
  acknowledged: 'status status-warn',
  information_requested: 'status status-warn',
  accepted: 'status status-warn',
  preserved: 'status status-on',
  partially_executed: 'status status-on',
  executed: 'status status-on',
  postponed: 'status status-warn',
  conditions_offered: 'status status-warn',
  conditions_declined: 'status status-off',
  handed_over: 'status',
  refused: 'status status-off',
  withdrawn: 'status',
  closed: 'status',
};

export function CaseStatusBadge({ status }: { status: CaseStatus }) {
  return <StatusBadge value={status} classes={STATUS_CLASS} messages="cases.status" />;
}

export function PriorityBadge({ priority }: { priority: string }) {
  const { t } = useTranslation();
  return (
    <span className={`priority priority-${priority}`} data-priority={priority}>
      {t(`cases.priority.${priority as CasePriority}`, { defaultValue: priority })}
    </span>
  );
}

/** The current time, updated every `ms` (for deadlines shown relative to now). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** A deadline relative to now: "due in 3 hours", or "overdue: 2 hours ago" in red; the exact time on hover. */
export function Deadline({ at, overdue, label }: { at: string | null | undefined; overdue?: boolean; label?: string }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  if (!at) return <span className="muted">{t('common.none')}</span>;
  const language = i18n.resolvedLanguage ?? 'en';
  const late = overdue ?? Date.parse(at) < now;
  const when = formatRelative(at, language, now);
  return (
    <span className={late ? 'deadline deadline-overdue' : 'deadline'} title={formatDateTime(at, language)} data-overdue={late ? 'true' : 'false'}>
      {label ? `${label}: ` : ''}
      {late ? t('cases.overdueSince', { when }) : t('cases.dueIn', { when })}
    </span>
  );
}
