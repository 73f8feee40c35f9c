import { useCallback, useState } from 'react';
import { api } from '../api/client.js';
import type { Res, Role } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

export type NoticePage = Res<'/api/v1/notices', 'get'>;
export type Notice = NoticePage['notices'][number];
export type NoticeThread = Res<'/api/v1/notices/{id}', 'get'>;
export type NoticeDirection = Notice['direction'];

/** Roles that may acknowledge and answer notices (the server's notices:write); auditors only read. */
export const NOTICES_ACT: readonly Role[] = ['admin', 'coordinator', 'officer', 'analyst'];

/** How often the lists are reloaded while the page is visible (and at once on a change the node announces). */
export const NOTICES_REFRESH_MS = 5000;

const PAGE = 20;

/** One direction's notices, newest first, the first pages kept as more are asked for. */
function useNoticeList(direction: NoticeDirection) {
  const [pages, setPages] = useState(1);
  // Reload everything shown so far (the auto-refresh keeps acknowledgements current).
  const resource = useResource(async () => {
    const all: Notice[] = [];
    let cursor: string | undefined;
    let last: NoticePage | undefined;
    for (let i = 0; i < pages; i++) {
      last = await api.get('/api/v1/notices', { query: { direction, limit: PAGE, cursor } });
      all.push(...last.notices);
      if (!last.next_cursor) break;
      cursor = last.next_cursor;
    }
    return { notices: all, more: Boolean(last?.next_cursor), unacknowledged: last?.unacknowledged ?? 0 };
  }, pages);
  const showMore = useCallback(() => setPages((p) => p + 1), []);
  return { ...resource, showMore };
}

/** Received and sent notices (reloaded when the node announces a change), and the officer's actions: acknowledge, reply, read a thread. */
export function useNotices() {
  const received = useNoticeList('received');
  const sent = useNoticeList('sent');
  const { reload: reloadReceived, setData: setReceived } = received;
  const { reload: reloadSent } = sent;
  const reloadAll = useCallback(async () => {
    await Promise.all([reloadReceived(), reloadSent()]);
  }, [reloadReceived, reloadSent]);
  useAutoRefresh(reloadAll, NOTICES_REFRESH_MS);

  const acknowledge = useCallback(
    async (id: string): Promise<Notice> => {
      const n = await api.post('/api/v1/notices/{id}/ack', { path: { id } });
      setReceived((d) => {
        if (!d) return d;
        const wasOpen = d.notices.some((x) => x.id === id && x.acknowledged_at === null);
        return { ...d, notices: d.notices.map((x) => (x.id === id ? n : x)), unacknowledged: Math.max(0, d.unacknowledged - (wasOpen ? 1 : 0)) };
      });
      void reloadReceived();
      return n;
    },
    [setReceived, reloadReceived],
  );

  const reply = useCallback(
    async (id: string, subject: string, text: string): Promise<Notice> => {
      const n = await api.post('/api/v1/notices/{id}/reply', { path: { id }, body: { subject, text } });
      await reloadAll();
      return n;
    },
    [reloadAll],
  );

  const loadThread = useCallback((id: string): Promise<NoticeThread> => api.get('/api/v1/notices/{id}', { path: { id } }), []);

  return { received, sent, acknowledge, reply, loadThread };
}
