/** A time zone and its offset from UTC now ("UTC+05:00"). */
export interface ZoneOption {
  zone: string;
  offset: string;
}

let zones: ZoneOption[] | undefined;

/** The offset of a zone at `at`, as "UTC+05:00" ("UTC+00:00" for zero, however the runtime writes it). */
export function utcOffsetOf(zone: string, at = new Date()): string {
  // The zone's offset (language-neutral), not a date shown to people: i18n/format.ts does not apply.
  // eslint-disable-next-line no-restricted-syntax
  const part = new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return part === 'GMT' ? 'UTC+00:00' : part.replace('GMT', 'UTC');
}

/** The IANA zones this browser knows (the server accepts the same list and 'UTC'), with their current offsets. */
export function timeZoneOptions(): ZoneOption[] {
  if (zones) return zones;
  const names = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  const now = new Date();
  zones = [...names].sort().map((zone) => ({ zone, offset: utcOffsetOf(zone, now) }));
  return zones;
}

/** Zones whose name or offset holds the search text ("tash", "+05", "kolkata"). */
export function filterZones(options: ZoneOption[], search: string): ZoneOption[] {
  const s = search.trim().toLowerCase().replace(/\s+/g, '_');
  if (!s) return options;
  return options.filter((o) => o.zone.toLowerCase().includes(s) || o.offset.toLowerCase().includes(s));
}
