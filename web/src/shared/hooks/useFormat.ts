import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatMonthYear, formatRelative } from '../../i18n/format.js';

/** Date and time in the UI language's conventions. */
export function useFormatDate(): (iso: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (iso) => {
      if (!iso) return t('common.none');
      return formatDateTime(iso, language);
    },
    [language, t],
  );
}

/** "2 minutes ago" for the last week, the date before that (the exact time is for a title attribute). */
export function useFormatRelative(): (iso: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useCallback((iso) => (iso ? formatRelative(iso, language) : t('common.none')), [language, t]);
}

/** A duration for people: "45 s", "2 min 5 s", "3 h 20 min". */
export function useFormatDuration(): (ms: number | null | undefined) => string {
  const { t } = useTranslation();
  return useCallback(
    (ms) => {
      if (ms === null || ms === undefined || !Number.isFinite(ms)) return t('common.none');
      const total = Math.max(0, Math.round(ms / 1000));
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      if (h > 0) return t('pingTests.duration.hours', { h, m });
      if (m > 0) return t('pingTests.duration.minutes', { m, s });
      return t('pingTests.duration.seconds', { s });
    },
    [t],
  );
}

/** A period of the ping-test history for people: `2026-11` → "Nov 2026", `2026-Q4` → "Q4 2026" (in the UI language). */
export function useFormatPeriod(): (period: string) => string {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (period) => {
      const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
      if (quarter) return t('pingTests.history.quarterLabel', { year: quarter[1], q: quarter[2] });
      const month = /^(\d{4})-(\d{2})$/.exec(period);
      if (!month) return period;
      return formatMonthYear(new Date(Number(month[1]), Number(month[2]) - 1, 1), language);
    },
    [language, t],
  );
}
