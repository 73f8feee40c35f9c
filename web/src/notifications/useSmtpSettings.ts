import { useCallback } from 'react';
import { notifications } from '../api/endpoints.js';
import type { SmtpSettings, SmtpSettingsChange, SmtpTestResult } from '../api/types.js';
import { useResource } from '../shared/hooks/useResource.js';

/** Whether this node can send e-mail; `reload` after an administrator changed the mail server. */
export function useEmailStatus() {
  return useResource(notifications.emailStatus);
}

/**
 * The node's mail server for an administrator: save, remove, and send a test e-mail. A save
 * or removal resolves only after `onChanged` (the page's e-mail status) has settled, so the
 * confirmation never shows next to a stale "e-mail is not configured" notice.
 */
export function useSmtpSettings(onChanged: () => Promise<void>) {
  const resource = useResource(notifications.smtp);
  const { setData } = resource;

  const save = useCallback(
    async (change: SmtpSettingsChange): Promise<SmtpSettings> => {
      const saved = await notifications.setSmtp(change);
      setData(() => saved);
      await onChanged();
      return saved;
    },
    [setData, onChanged],
  );

  const remove = useCallback(async (): Promise<SmtpSettings> => {
    const removed = await notifications.removeSmtp();
    setData(() => removed);
    await onChanged();
    return removed;
  }, [setData, onChanged]);

  const sendTest = useCallback((to: string): Promise<SmtpTestResult> => notifications.testSmtp(to), []);

  return { ...resource, save, remove, sendTest };
}
