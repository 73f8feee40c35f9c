import { useCallback } from 'react';
import { notifications } from '../api/endpoints.js';
import type { SmtpSettings, SmtpSettingsChange, SmtpTestResult } from '../api/types.js';
import { useResource } from '../shared/hooks/useResource.js';

/** Whether this node can send e-mail; `reload` after an administrator changed the mail server. */
export function useEmailStatus() {
  return useResource(notifications.emailStatus);
}

/** The node's mail server for an administrator: save, remove, and send a test e-mail. */
export function useSmtpSettings(onChanged: () => void) {
  const resource = useResource(notifications.smtp);
  const { setData } = resource;

  const save = useCallback(
    async (change: SmtpSettingsChange): Promise<SmtpSettings> => {
      const saved = await notifications.setSmtp(change);
      setData(() => saved);
      onChanged();
      return saved;
    },
    [setData, onChanged],
  );

  const remove = useCallback(async (): Promise<SmtpSettings> => {
    const removed = await notifications.removeSmtp();
    setData(() => removed);
    onChanged();
    return removed;
  }, [setData, onChanged]);

  const sendTest = useCallback((to: string): Promise<SmtpTestResult> => notifications.testSmtp(to), []);

  return { ...resource, save, remove, sendTest };
}
