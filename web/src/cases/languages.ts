/** Languages a request may be written or translated in, by their own names (data, like the UI's language picker). */
export const REQUEST_LANGUAGES: Record<string, string> = {
  en: 'English',
  ru: 'Русский',
  uz: 'Oʻzbekcha',
  kk: 'Қазақша',
  ky: 'Кыргызча',
  tg: 'Тоҷикӣ',
  tk: 'Türkmençe',
  zh: '中文',
  ar: 'العربية',
  fr: 'Français',
  es: 'Español',
  de: 'Deutsch',
};

export function languageName(code: string): string {
  return REQUEST_LANGUAGES[code] ?? REQUEST_LANGUAGES[code.split('-')[0] ?? ''] ?? code;
}

/** Whether `lang` is among `accepted` (`*` accepts any; `uz` accepts `uz-Latn`). */
export function accepts(accepted: readonly string[], lang: string): boolean {
  const l = lang.toLowerCase();
  return accepted.some((a) => a === '*' || a.toLowerCase() === l || l.startsWith(`${a.toLowerCase()}-`));
}
