import type { TFunction } from 'i18next';
import type { DeskItem } from './types.js';

/**
 * The translated title of a desk item: the message `desk.kinds.<kind>` filled with its
 * params, the params that are codes (a kind of change, a freshness) translated too. A kind
 * this version does not know yet still shows, by its name.
 */
export function deskItemTitle(t: TFunction, item: DeskItem): string {
  const params: Record<string, string | number> = { ...item.params };
  if (typeof params.change === 'string') params.change = t(`desk.changes.${params.change}`, { defaultValue: params.change });
  if (typeof params.freshness === 'string') params.freshness = t(`desk.freshness.${params.freshness}`, { defaultValue: params.freshness });
  return t(`desk.kinds.${item.kind}`, { ...params, defaultValue: t('desk.unknownKind', { kind: item.kind }) });
}
