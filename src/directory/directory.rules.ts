import { isValidTimeZone } from '../util/time-zone.js';
import { channelProblems } from './directory.channels.js';
import { MAX_VALID_DAYS, type DirectoryEntry } from './directory.schemas.js';
import { normaliseForSearch, phoneDigits } from './directory.search.js';

export { availableNow } from './directory.hours.js';

/**
 * Freshness of an entry, the single rule every screen, export and search uses:
 * - `expired`: past its validity — must not be relied on;
 * - `stale`: published longer ago than the agreed period — may be out of date;
 * - `expiring`: valid, but due for re-confirmation within `warnDays`;
 * - `valid`.
 */
export type Freshness = 'valid' | 'expiring' | 'stale' | 'expired';

export function freshnessOf(e: Pick<DirectoryEntry, 'published_at' | 'valid_until'>, now: Date, staleAfterDays: number, warnDays = 14): Freshness {
  const t = now.getTime();
  if (Date.parse(e.valid_until) <= t) return 'expired';
  if (Date.parse(e.published_at) + staleAfterDays * 86_400_000 <= t) return 'stale';
  if (Date.parse(e.valid_until) - warnDays * 86_400_000 <= t) return 'expiring';
  return 'valid';
}

const DAY_MS = 86_400_000;

/** A timestamp as milliseconds, or NaN unless it is a full ISO 8601 date and time. */
export function parseTimestamp(s: string): number {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) ? Date.parse(s) : NaN;
}

/**
 * Why a peer's entry must not be stored, or null: it must describe the pinned peer (its
 * country), be published no later than the envelope that carries it was issued (with the
 * clock skew allowed), be valid for at most MAX_VALID_DAYS after its publication, and give
 * fingerprints in their formats (a key or certificate it carries must have that fingerprint).
 */
export function peerEntryProblem(e: DirectoryEntry, pinned: { country: string }, issuedAt: string, skewMs: number): string | null {
  if (e.country !== pinned.country) return `country ${e.country} is not the pinned peer's ${pinned.country}`;
  if (!isValidTimeZone(e.time_zone)) return `time_zone ${JSON.stringify(e.time_zone)} is not an IANA time zone`;
  const published = parseTimestamp(e.published_at);
  const validUntil = parseTimestamp(e.valid_until);
  const issued = parseTimestamp(issuedAt);
  if (Number.isNaN(published) || Number.isNaN(validUntil) || Number.isNaN(issued)) return 'published_at and valid_until must be ISO 8601 timestamps';
  if (published > issued + skewMs) return 'published_at is after the envelope was issued';
  if (validUntil <= published) return 'valid_until is not after published_at';
  if (validUntil > published + MAX_VALID_DAYS * DAY_MS) return `valid_until is more than ${MAX_VALID_DAYS} days after published_at`;
  const channel = channelProblems(e.contacts)[0];
  if (channel) return `${channel.pointer}: ${channel.message}`;
  return null;
}

/** Lower-case text over which the directory is searched: names in every language, contact names and channels. */
export function searchTextOf(e: DirectoryEntry): string {
  const parts = [e.node_id, e.country, ...Object.values(e.authority_names)];
  for (const c of e.contacts) parts.push(...Object.values(c.names), ...c.channels.map((ch) => ch.value));
  // Numbers also as digits only, for queries typed without (or with other) spacing.
  for (const c of e.contacts) for (const ch of c.channels) if (ch.kind === 'phone' || ch.kind === 'fax') parts.push(phoneDigits(ch.value));
  return normaliseForSearch(parts.join(' \u0001 '));
}

export function kindsOf(e: DirectoryEntry): string {
  return `,${[...new Set([...e.authority_kinds, ...e.contacts.map((c) => c.role)])].join(',')},`;
}

/**
 * One CSV field (RFC 4180) that is safe to open in a spreadsheet: text a spreadsheet would
 * run as a formula (starting with = + - @, tab or CR, also after leading whitespace, which
 * some spreadsheets skip) gets a leading apostrophe — unless it is only a number or a phone
 * number ("+998 71 …"), which cannot call anything. A field holding `;` is quoted, so that a
 * spreadsheet splitting on semicolons keeps it one cell.
 */
export function csvField(v: string): string {
  const head = v.replace(/^[\s\u00a0\ufeff]+/, '');
  const formula = /^[=+\-@\t\r]/.test(v) || /^[=+\-@]/.test(head);
  const safe = formula && !/^[+-]?[\d\s()./-]*$/.test(head) ? `'${v}` : v;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The directory's notification kinds (declared in its descriptor). */
export const DirectoryNotification = {
  pingTestRequest: 'ping_test.request',
  pingTestEscalation: 'ping_test.escalation',
  /** Reserved for the result of a ping test this node started. */
  pingTestResult: 'ping_test.result',
  expiring: 'directory.expiring',
} as const;
