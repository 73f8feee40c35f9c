/**
 * How directory search text and queries are normalised. A phone or fax number is also kept as
 * digits only, and a query that is a number (digits with spaces, +, -, dots or brackets) is
 * searched as digits only: "998712000000", "+998 71 200-00-00" and "71 200 00" find
 * "+998 71 200 00 00" however either side was spaced.
 */

export { normaliseForSearch } from '../util/search-text.js';
import { normaliseForSearch } from '../util/search-text.js';

/** The digits of a phone number: "+998 (71) 200-00-00" → "998712000000". */
export function phoneDigits(s: string): string {
  return s.replace(/\D/g, '');
}

const NUMBER_QUERY = /^[\d\s+()./-]+$/;

/** The text to look for: a number's digits (at least three of them), else the normalised words. */
export function searchQueryOf(q: string): string {
  const text = q.trim();
  const digits = phoneDigits(text);
  return NUMBER_QUERY.test(text) && digits.length >= 3 ? digits : normaliseForSearch(text);
}
