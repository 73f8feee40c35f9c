/** Case-folded, accent-insensitive form of a text, for searching (so "ozbekiston" finds "Oʻzbekiston"). */
export function normaliseForSearch(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f\u02bb\u02bc\u2018\u2019']/g, '')
    .toLowerCase();
}
