import { api, ApiError } from '../api/client.js';
import type { Body, Problem, Query, Res } from '../api/types.js';

export type IntelObject = Res<'/api/v1/intel/objects', 'get'>['objects'][number];
export type IntelObjectList = Res<'/api/v1/intel/objects', 'get'>;
export type IntelQuery = Query<'/api/v1/intel/objects', 'get'>;
export type ImportSummary = Res<'/api/v1/intel/imports', 'post'>;
export type Tlp = NonNullable<IntelObject['tlp']>;

export type IntelRelease = Res<'/api/v1/intel/releases', 'get'>['releases'][number];
export type NewRelease = Body<'/api/v1/intel/releases', 'post'>;
export type ReceivedRelease = Res<'/api/v1/intel/received-releases', 'get'>['received'][number];

export const INTEL_PATH = '/intelligence';
export const RELEASES_PATH = `${INTEL_PATH}/releases`;
export const objectPath = (id: string) => `${INTEL_PATH}/objects/${encodeURIComponent(id)}`;
/** The media type of a STIX bundle: the import route reads the body as a stream of it. */
export const STIX_MEDIA_TYPE = 'application/stix+json';

/** The address of the STIX bundle of what matches these filters (GET /api/v1/intel/export): the browser downloads it as it streams. */
export function exportHref(query: Omit<IntelQuery, 'limit' | 'before'>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return `/api/v1/intel/export${s ? `?${s}` : ''}`;
}

export const intelApi = {
  list: (query: IntelQuery) => api.get('/api/v1/intel/objects', { query }),
  versions: (id: string) => api.get('/api/v1/intel/objects/{id}', { path: { id } }),
  incoming: (id: string) => api.get('/api/v1/intel/objects/{id}/incoming', { path: { id } }),
  releases: () => api.get('/api/v1/intel/releases'),
  release: (input: NewRelease) => api.post('/api/v1/intel/releases', { body: input }),
  stop: (id: string) => api.post('/api/v1/intel/releases/{id}/stop', { path: { id } }),
  received: () => api.get('/api/v1/intel/received-releases'),
};

export interface ImportProgress {
  sent: number;
  total: number;
}

/**
 * Sends a bundle file as the body of POST /api/v1/intel/imports. XMLHttpRequest rather than
 * fetch: it reports upload progress, and the file is streamed from disk by the browser, never
 * read into memory here. The node stores as it reads, so when the upload is complete the
 * answer (what was stored, what refused and why) follows at once.
 */
export function importBundle(file: File, csrfToken: string | null, onProgress: (p: ImportProgress) => void): { done: Promise<ImportSummary>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<ImportSummary>((resolve, reject) => {
    xhr.open('POST', '/api/v1/intel/imports');
    xhr.setRequestHeader('Content-Type', STIX_MEDIA_TYPE);
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportSummary);
      else reject(new ApiError({ type: 'about:blank', title: xhr.statusText || 'Error', status: xhr.status, ...(body as Partial<Problem> | null) } as Problem));
    };
    xhr.onerror = () => reject(new ApiError({ type: 'network-error', title: 'Network error', status: 0, detail: 'the connection to the node broke off' }));
    xhr.onabort = () => reject(new ApiError({ type: 'aborted', title: 'Cancelled', status: 0 }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
