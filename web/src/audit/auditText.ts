import type { TFunction } from 'i18next';
import type { AuditEntry } from '../api/types.js';
import { formatDateTime } from '../i18n/format.js';

/** An audit entry for people: the action's name, its details as a sentence, and what the sentence leaves out. */
export interface AuditText {
  label: string;
  sentence: string | null;
  pairs: [string, string][];
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

function showValue(key: string, value: unknown, t: TFunction, language: string): string {
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string' && ISO_TIME.test(value)) return formatDateTime(value, language);
  if (key === 'role' && typeof value === 'string') return t(`roles.${value}`, { defaultValue: value });
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** The `{{name}}` parameters a sentence uses. */
function paramsOf(template: string): Set<string> {
  return new Set([...template.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!));
}

/**
 * Names the action (`audit.actions.*`) and writes its details as a sentence
 * (`audit.detailText.*`, e.g. "Sent 3 notices to kz-cert.") when every value the sentence
 * needs is there. Details the sentence does not use, and those of actions without a sentence,
 * stay as a key/value list; a lock-out is said in words.
 */
export function describeAuditEntry(entry: AuditEntry, t: TFunction, language: string): AuditText {
  const label = t(`audit.actions.${entry.action}`, { defaultValue: entry.action });
  const details: Record<string, unknown> = { ...entry.details };
  const lockedUntil = details.locked_until;
  delete details.locked_until;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(details)) if (v !== null && v !== undefined) values[k] = showValue(k, v, t, language);
  // The target without its kind ("peer:kz-cert" → "kz-cert") reads as a name in sentences.
  if (entry.target && values.target === undefined) values.target = entry.target.slice(entry.target.indexOf(':') + 1);

  const key = `audit.detailText.${entry.action}`;
  const template = t(key, { defaultValue: '', skipInterpolation: true });
  const used = paramsOf(template);
  const usable = template !== '' && [...used].every((p) => values[p] !== undefined);
  const parts: string[] = [];
  if (usable) parts.push(t(key, { ...values, interpolation: { escapeValue: false } }));
  if (typeof lockedUntil === 'string') parts.push(t('audit.lockedUntil', { date: formatDateTime(lockedUntil, language) }));
  const pairs = Object.entries(values).filter(([k]) => k !== 'target' && !(usable && used.has(k)));
  return { label, sentence: parts.length ? parts.join(' ') : null, pairs };
}
