import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, saveLanguage, type LanguageCode } from '../../i18n/languages.js';

/** The current UI language and a way to change it (saved in localStorage; <html lang/dir> follow). */
export function useLanguage(): { language: LanguageCode; changeLanguage: (code: string) => void } {
  const { i18n } = useTranslation();
  const language: LanguageCode = isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';

  const changeLanguage = useCallback(
    (code: string) => {
      if (!isLanguage(code)) return;
      saveLanguage(code);
      void i18n.changeLanguage(code);
    },
    [i18n],
  );

  return { language, changeLanguage };
}
