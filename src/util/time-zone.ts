/**
 * IANA time zones: the canonical names this Node knows (Intl.supportedValuesOf) and 'UTC'.
 * An older alias of an Area/Location name ("Asia/Calcutta", "Europe/Kiev") is accepted too when
 * the runtime resolves it, so that entries written with an alias stay valid; bare words such as
 * "Tashkent", offsets ("+05:00") and abbreviations ("EST") are not IANA names here.
 */
let zones: ReadonlySet<string> | undefined;

/** The canonical zone names, sorted, 'UTC' included. */
export function timeZoneNames(): readonly string[] {
  return [...knownZones()].sort();
}

function knownZones(): ReadonlySet<string> {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return zones;
}

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  if (knownZones().has(tz)) return true;
  if (!/^[A-Z][A-Za-z_-]*(\/[A-Za-z0-9_+-]+){1,2}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
