/**
 * Country names in English, Russian and Uzbek from the data the app ships
 * (i18n-iso-countries, only these three locales registered): browsers' Intl.DisplayNames
 * lacks Uzbek. Shared by the server (exports) and the web app (cards, print view).
 */
import countries from 'i18n-iso-countries/index.js';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import uz from 'i18n-iso-countries/langs/uz.json' with { type: 'json' };

for (const locale of [en, ru, uz]) countries.registerLocale(locale);

/** The name of an ISO 3166-1 alpha-2 country in `lang` (en, ru, uz; others: English), or the code when unknown. */
export function countryName(code: string, lang: string): string {
  const l = lang.slice(0, 2).toLowerCase();
  return countries.getName(code.toUpperCase(), l === 'ru' || l === 'uz' ? l : 'en', { select: 'official' }) ?? code;
}
