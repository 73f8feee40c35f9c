import { format, type Locale } from 'date-fns';
import { enUS, ru } from 'date-fns/locale';
import en from './locales/en.json' with { type: 'json' };
import ruCatalogue from './locales/ru.json' with { type: 'json' };
import uzCatalogue from './locales/uz.json' with { type: 'json' };
import { DEFAULT_LANGUAGE, isLanguage, type LanguageCode } from './languages.js';
import { uzLatin } from './uz-latin.js';

/**
 * Dates, times and relative times in every UI language from data the app ships (date-fns
 * locales), never the browser's Intl: Chromium has no Uzbek data and printed "-9 min",
 * "2027 M05 30". All of web/src formats dates through here (a lint rule forbids Intl dates).
 */
interface LanguageFormats {
  locale: Locale;
  date: string;
  time: string;
  monthYear: string;
  /** Weekday width that reads naturally in lists of days: "Mon", "пн", "Dush". */
  weekday: 'short' | 'abbreviated';
  justNow: string;
}

const FORMATS: Record<LanguageCode, LanguageFormats> = {
  en: { locale: enUS, date: 'MMM d, yyyy', time: 'h:mm a', monthYear: 'LLL yyyy', weekday: 'abbreviated', justNow: en.common.justNow },
  ru: { locale: ru, date: "d MMM yyyy 'г.'", time: 'HH:mm', monthYear: 'LLL yyyy', weekday: 'short', justNow: ruCatalogue.common.justNow },
  uz: { locale: uzLatin, date: 'd-MMM, yyyy', time: 'HH:mm', monthYear: 'LLL yyyy', weekday: 'abbreviated', justNow: uzCatalogue.common.justNow },
};

export type DateInput = Date | string | number;

function formatsOf(language: string): LanguageFormats {
  return FORMATS[isLanguage(language) ? language : DEFAULT_LANGUAGE];
}

function toDate(value: DateInput): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function formatWith(value: DateInput, language: string, pattern: (f: LanguageFormats) => string): string {
  const d = toDate(value);
  if (!d) return String(value);
  const f = formatsOf(language);
  return format(d, pattern(f), { locale: f.locale });
}

/** "May 30, 2027" · "30 мая 2027 г." · "30-may, 2027" (local time zone). */
export function formatDate(value: DateInput, language: string): string {
  return formatWith(value, language, (f) => f.date);
}

/** "2:05 PM" · "14:05" · "14:05". */
export function formatTime(value: DateInput, language: string): string {
  return formatWith(value, language, (f) => f.time);
}

/** "May 30, 2027, 2:05 PM" · "30 мая 2027 г., 14:05" · "30-may, 2027, 14:05". */
export function formatDateTime(value: DateInput, language: string): string {
  return formatWith(value, language, (f) => `${f.date}, ${f.time}`);
}

/** "Nov 2026" · "нояб. 2026" · "Noy 2026". */
export function formatMonthYear(value: DateInput, language: string): string {
  return formatWith(value, language, (f) => f.monthYear);
}

const RELATIVE_STEPS = [
  ['xSeconds', 60],
  ['xMinutes', 60],
  ['xHours', 24],
  ['xDays', 7],
] as const;

/**
 * "9 minutes ago", "in 2 hours" ("9 минут назад", "9 daqiqa oldin") for the week around `now`,
 * "just now" within 5 seconds, the date and time further away.
 */
export function formatRelative(value: DateInput, language: string, now: DateInput = new Date()): string {
  const d = toDate(value);
  const from = toDate(now);
  if (!d || !from) return String(value);
  const f = formatsOf(language);
  const seconds = Math.round((d.getTime() - from.getTime()) / 1000);
  if (Math.abs(seconds) < 5) return f.justNow;
  let count = Math.abs(seconds);
  for (const [token, size] of RELATIVE_STEPS) {
    if (count < size) return f.locale.formatDistance(token, count, { addSuffix: true, comparison: seconds > 0 ? 1 : -1 });
    count = Math.round(count / size);
  }
  return formatDateTime(d, language);
}

/** The seven weekday names, Monday first (ISO day 1 is index 0): "Mon" · "пн" · "Dush". */
export function weekdayNames(language: string): string[] {
  const f = formatsOf(language);
  return [1, 2, 3, 4, 5, 6, 0].map((day) => f.locale.localize.day(day as 0, { width: f.weekday }));
}

/** A month's own name, 1 = January: "January" · "январь" · "Yanvar" (or abbreviated). */
export function monthName(month: number, language: string, width: 'wide' | 'abbreviated' = 'wide'): string {
  return formatsOf(language).locale.localize.month((month - 1) as 0, { width, context: 'standalone' });
}

/** A count in the reader's language: 20,005 in English, 20 005 in Russian and Uzbek. */
export function formatCount(n: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(n);
}
