/** Names of one thing by language code: `{ en: 'Ministry of Justice', ru: 'Минюст' }`. */
export type Names = Partial<Record<string, string>>;

/** The language whose name is shown: the reader's, else English, else the first one there is. */
export function pickNameLanguage(names: Names, language: string): string | undefined {
  if (names[language]) return language;
  if (names.en) return 'en';
  return Object.keys(names).find((k) => names[k]);
}

/** One name for the reader: in their language, else English, else any; '' when there is none. */
export function pickName(names: Names, language: string): string {
  const shown = pickNameLanguage(names, language);
  return shown ? (names[shown] ?? '') : '';
}

/** The names in other languages than the one shown, without repeating its text: `[['ru', 'Минюст']]`. */
export function otherNames(names: Names, language: string): [string, string][] {
  const shown = pickName(names, language);
  return Object.entries(names).filter((e): e is [string, string] => Boolean(e[1]) && e[1] !== shown);
}
