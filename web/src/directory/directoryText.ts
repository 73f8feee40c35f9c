import type { TFunction } from 'i18next';
import { countryName as shippedCountryName } from '../../../src/directory/country-names.js';

/** Hours, availability and weekday names: the same pure functions as the server's export (src/directory/directory.hours.ts). */
export { availableNow, contactAvailableAt, formatHours, localClock, weekdayName } from '../../../src/directory/directory.hours.js';

/** i18n key of a contact's place in the escalation order ("1st", "2nd"; call with `{ count, ordinal: true }`). */
export const ordinalKey = 'directory.escalationOrdinal';

/** A country's name in the UI language from the data the app ships (browsers lack Uzbek names); the code when unknown. */
export function countryName(code: string, language: string): string {
  return shippedCountryName(code, language);
}

/** A kind of authority or a contact role as a label in the UI language (an unknown code from a newer peer as it is). */
export function kindLabel(t: TFunction, code: string): string {
  return t(`directory.kind.${code}`, { defaultValue: code });
}

/** A hex fingerprint in groups of four, as people read it aloud to compare. */
export function groupedFingerprint(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}
