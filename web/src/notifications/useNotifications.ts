import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifications } from '../api/endpoints.js';
import { NOTIFICATION_KINDS, type NotificationPreferences, type NotificationPreferencesChange, type NotificationRecord } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

/** How often the list of notifications is reloaded while the page is visible (delivery states change). */
export const NOTIFICATIONS_REFRESH_MS = 5000;
/** Notifications per page of the list; "Show more" adds another page. */
export const NOTIFICATIONS_PAGE = 25;
/** The server's largest page. */
const MAX_LIMIT = 500;

/** The kinds the server knows, in the order of NOTIFICATION_KINDS, then any newer ones it added. */
export function orderedKinds(kinds: Record<string, unknown>): string[] {
  const known = (NOTIFICATION_KINDS as readonly string[]).filter((k) => k in kinds);
  return [...known, ...Object.keys(kinds).filter((k) => !known.includes(k)).sort()];
}

/** A kind's name in the UI language (`ping_test.request` → "Ping test requests"), or the kind itself for one this version does not know. */
export function useKindName(): (kind: string) => string {
  const { t } = useTranslation();
  return useCallback((kind: string) => t(`notifications.kinds.${kind}`, { defaultValue: kind }), [t]);
}

/** The signed-in user's channel per kind of event and webhook, and changing them. */
export function useNotificationPreferences() {
  const resource = useResource(notifications.preferences);
  const { setData } = resource;

  /** Saves a change; the answer replaces the loaded preferences (and may carry a new secret, shown once). */
  const save = useCallback(
    async (change: NotificationPreferencesChange): Promise<NotificationPreferences> => {
      const saved = await notifications.setPreferences(change);
      setData(() => saved);
      return saved;
    },
    [setData],
  );

  const rotateSecret = useCallback(async (): Promise<string> => {
    const { webhook_secret } = await notifications.rotateWebhookSecret();
    setData((p) => p && { ...p, webhook_secret_set: true });
    return webhook_secret;
  }, [setData]);

  return { ...resource, save, rotateSecret };
}

/** The signed-in user's recorded notifications, newest first (refreshed every few seconds), and a test one. */
export function useNotificationList() {
  const [limit, setLimit] = useState(NOTIFICATIONS_PAGE);
  const load = useCallback(() => notifications.list(limit), [limit]);
  const resource = useResource(load, limit);
  const { reload } = resource;
  useAutoRefresh(reload, NOTIFICATIONS_REFRESH_MS);

  const showMore = useCallback(() => setLimit((n) => Math.min(MAX_LIMIT, n + NOTIFICATIONS_PAGE)), []);

  const sendTest = useCallback(async (): Promise<NotificationRecord[]> => {
    const { notifications: recorded } = await notifications.sendTest();
    await reload();
    return recorded;
  }, [reload]);

  return { ...resource, showMore, canShowMore: Boolean(resource.data?.next_before) && limit < MAX_LIMIT, sendTest };
}
