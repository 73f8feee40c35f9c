import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** Date and time in the UI language's conventions. */
export function useFormatDate(): (iso: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (iso) => {
      if (!iso) return t('common.none');
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
    },
    [language, t],
  );
}
