/**
 * A contact's hours, read in the authority's time zone: its local time now, whether it is
 * staffed now, and hours as people read them ("Mon–Fri 09:00–18:00 Asia/Tashkent"). Pure
 * functions over Intl's time-zone data (so daylight-saving changes are followed), shared by
 * the server (CSV export) and the web app (cards, print view); weekday names are shipped here
 * rather than taken from Intl, whose Uzbek data browsers lack.
 */

export interface Hours {
  /** Staffed around the clock. */
  always: boolean;
  /** ISO weekdays 1 (Monday) – 7; none or absent: every day. */
  days?: number[];
  /** "HH:MM" local time; `to` before `from` runs past midnight into the next day. */
  from?: string;
  to?: string;
}

export interface HoursOf {
  time_zone: string;
  contacts: readonly { hours: Hours }[];
}

/** A moment as the wall clock of a time zone shows it. */
export interface LocalClock {
  /** ISO weekday, 1 (Monday) – 7. */
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** "HH:MM". */
  hhmm: string;
}

const WEEKDAY_INDEX: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const clocks = new Map<string, Intl.DateTimeFormat | null>();

function clockFormat(timeZone: string): Intl.DateTimeFormat | null {
  let f = clocks.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      f = null; // not a time zone this runtime knows
    }
    clocks.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `timeZone` at `now`, or null when the zone is unknown. */
export function localClock(timeZone: string, now: Date): LocalClock | null {
  const f = clockFormat(timeZone);
  if (!f) return null;
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return { day: WEEKDAY_INDEX[parts.weekday ?? ''] ?? 1, minutes: hour * 60 + minute, hhmm: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

function minutesOf(hhmm: string | undefined): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * Whether hours cover the local time `clock`. A shift whose end is before its start (22:00–06:00)
 * belongs to the day it starts on and runs into the next; equal start and end mean the whole day.
 */
export function hoursCover(hours: Hours, clock: LocalClock): boolean {
  if (hours.always) return true;
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  if (from === null || to === null) return false;
  const days = hours.days?.length ? hours.days : [1, 2, 3, 4, 5, 6, 7];
  const onDay = (d: number) => days.includes(d);
  const yesterday = clock.day === 1 ? 7 : clock.day - 1;
  if (from === to) return onDay(clock.day);
  if (from < to) return onDay(clock.day) && clock.minutes >= from && clock.minutes < to;
  return (onDay(clock.day) && clock.minutes >= from) || (onDay(yesterday) && clock.minutes < to);
}

/** Whether one contact is staffed at `now`, in the authority's time zone; null when the zone is unknown. */
export function contactAvailableAt(hours: Hours, timeZone: string, now: Date): boolean | null {
  if (hours.always) return true;
  const clock = localClock(timeZone, now);
  return clock ? hoursCover(hours, clock) : null;
}

/**
 * Whether the authority can be reached at `now`: some contact is staffed 24/7 or within its
 * declared hours in the entry's time zone. Null when the time zone is unknown and no contact
 * is staffed around the clock.
 */
export function availableNow(entry: HoursOf, now: Date): boolean | null {
  let unknown = false;
  for (const c of entry.contacts) {
    const open = contactAvailableAt(c.hours, entry.time_zone, now);
    if (open) return true;
    if (open === null) unknown = true;
  }
  return unknown ? null : false;
}

/** The languages whose hour texts are shipped here. */
export type HoursLanguage = 'en' | 'ru' | 'uz';

const WEEKDAYS: Record<HoursLanguage, readonly string[]> = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  ru: ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'],
  uz: ['Dush', 'Sesh', 'Chor', 'Pay', 'Jum', 'Shan', 'Yak'],
};
const EVERY_DAY: Record<HoursLanguage, string> = { en: 'every day', ru: 'ежедневно', uz: 'har kuni' };

function hoursLanguage(lang: string): HoursLanguage {
  const l = lang.slice(0, 2).toLowerCase();
  return l === 'ru' || l === 'uz' ? l : 'en';
}

/** ISO weekday 1–7 (Monday first), short, in en, ru or uz (others: English). */
export function weekdayName(day: number, lang: string): string {
  return WEEKDAYS[hoursLanguage(lang)][day - 1] ?? String(day);
}

/** Days as runs: [1,2,3,4,5] → "Mon–Fri", [1,3,5] → "Mon, Wed, Fri", [1,2,3,5] → "Mon–Wed, Fri". */
export function formatDays(days: readonly number[] | undefined, lang: string): string {
  const sorted = [...new Set(days ?? [])].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length === 7) return EVERY_DAY[hoursLanguage(lang)];
  const runs: [number, number][] = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && d === last[1] + 1) last[1] = d;
    else runs.push([d, d]);
  }
  const name = (d: number) => weekdayName(d, lang);
  return runs.map(([a, b]) => (a === b ? name(a) : b === a + 1 ? `${name(a)}, ${name(b)}` : `${name(a)}–${name(b)}`)).join(', ');
}

/** "24/7", or "Mon–Fri 09:00–18:00 Asia/Tashkent" with the day names in `lang`. */
export function formatHours(hours: Hours, timeZone: string, lang: string): string {
  if (hours.always) return '24/7';
  return `${formatDays(hours.days, lang)} ${hours.from ?? ''}–${hours.to ?? ''} ${timeZone}`;
}
