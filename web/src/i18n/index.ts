import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json' with { type: 'json' };
import ru from './locales/ru.json' with { type: 'json' };
import uz from './locales/uz.json' with { type: 'json' };
import { applyLanguageToDocument, DEFAULT_LANGUAGE, initialLanguage } from './languages.js';

export const resources = {
  en: { translation: en },
  ru: { translation: ru },
  uz: { translation: uz },
} as const;

/** Sets up i18next with the bundled catalogues; resolves when ready. */
export async function setupI18n(): Promise<typeof i18n> {
  const lng = initialLanguage();
  i18n.on('languageChanged', applyLanguageToDocument);
  await i18n.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: DEFAULT_LANGUAGE,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyLanguageToDocument(i18n.language);
  return i18n;
}

export { i18n };
