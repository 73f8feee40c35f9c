/** ISO 3166-1 alpha-2 codes the runtime can name (region codes AA…ZZ with a display name). */
let codes: string[] | undefined;
function regionCodes(): string[] {
  if (codes) return codes;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  codes = [];
  for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) {
    const code = String.fromCharCode(a, b);
    if (names.of(code)) codes.push(code);
  }
  return codes;
}

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f\u02bb\u02bc\u2018\u2019']/g, '').toLowerCase().trim();

/**
 * The country code a person typed: a two-letter code as it is, or a country's name in any of
 * `languages` ("Uzbekistan", "Узбекистан", "Oʻzbekiston"; a unique start of one is enough).
 * Null when nothing or more than one country matches.
 */
export function countryCodeOf(text: string, languages: readonly string[]): string | null {
  const typed = fold(text);
  if (!typed) return null;
  if (/^[a-z]{2}$/.test(typed)) return typed.toUpperCase();
  const namers = languages.map((l) => new Intl.DisplayNames([l], { type: 'region', fallback: 'none' }));
  const exact = new Set<string>();
  const starts = new Set<string>();
  for (const code of regionCodes()) {
    for (const n of namers) {
      const name = fold(n.of(code) ?? '');
      if (!name) continue;
      if (name === typed) exact.add(code);
      else if (name.startsWith(typed)) starts.add(code);
    }
  }
  if (exact.size === 1) return [...exact][0]!;
  if (exact.size === 0 && starts.size === 1) return [...starts][0]!;
  return null;
}
