import { ApiError, request } from '../../api/client.js';
import { api } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import type { Role } from '../../api/types.js';

export type Attachment = components['schemas']['Attachment'];
export type CustodyEntry = components['schemas']['CustodyEntry'];

/**
 * An attachment's transfer to or from the other party (evidence transfer, when this node has
 * it): read loosely, so that the section works before that part exists and as it grows.
 */
export interface TransferView {
  attachment_id: string;
  direction?: string;
  state: string;
  chunks?: number;
  chunks_done?: number;
  error?: string | null;
}

export const attachmentsApi = {
  list: (id: string) => api.get('/api/v1/cases/{id}/attachments', { path: { id } }),
  detail: (id: string, attachmentId: string) => api.get('/api/v1/cases/{id}/attachments/{attachmentId}', { path: { id, attachmentId } }),
  hold: (id: string, attachmentId: string) => api.post('/api/v1/cases/{id}/attachments/{attachmentId}/hold', { path: { id, attachmentId } }),
  release: (id: string, attachmentId: string) => api.post('/api/v1/cases/{id}/attachments/{attachmentId}/release', { path: { id, attachmentId } }),
  remove: (id: string, attachmentId: string) => api.delete('/api/v1/cases/{id}/attachments/{attachmentId}', { path: { id, attachmentId } }),
  /** The case's transfers, or none where this node has no transfer routes (404). */
  async transfers(id: string): Promise<TransferView[]> {
    try {
      const r = await request<unknown>('GET', `/api/v1/cases/${encodeURIComponent(id)}/transfers`);
      return Array.isArray(r) ? (r as TransferView[]).filter((x) => x && typeof x.attachment_id === 'string' && typeof x.state === 'string') : [];
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return [];
      throw e;
    }
  },
};

export const uploadsPath = (caseId: string) => `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/uploads`;
export const contentPath = (caseId: string, attachmentId: string) => `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(attachmentId)}/content`;
export const bundlePath = (caseId: string, hashesOnly: boolean) => `/api/v1/cases/${encodeURIComponent(caseId)}/bundle${hashesOnly ? '?hashes_only=true' : ''}`;

/** What the server allows each role (src/evidence/index.ts): the section hides what would be refused. */
export const EVIDENCE_WRITE: readonly Role[] = ['admin', 'coordinator', 'officer'];
export const EVIDENCE_RETAIN: readonly Role[] = ['admin', 'coordinator'];
/** Auditors verify but download content only where the node allows it, which the app cannot see: not offered. */
export const EVIDENCE_DOWNLOAD: readonly Role[] = ['admin', 'coordinator', 'officer', 'analyst'];
/** Content is deleted under retention only once the case is over. */
export const CASE_OVER: readonly string[] = ['closed', 'refused', 'withdrawn'];

/** Bytes for people, in the UI language: "3.4 MB". */
export function formatBytes(n: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(language, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}
