import { useCallback } from 'react';
import { api } from '../api/client.js';
import type { CaseActionInput, CaseFilters, RequestContent } from '../api/types.js';
import { useResource } from '../shared/hooks/useResource.js';
import type { CaseCatalogue } from './catalogue.js';

/** Typed calls to the cases API (docs/openapi.json, tag "cases"). */
export const casesApi = {
  list: (query: CaseFilters) => api.get('/api/v1/cases', { query }),
  catalogue: async () => (await api.get('/api/v1/cases/catalogue')) as CaseCatalogue,
  requestedSide: (node: string) => api.get('/api/v1/cases/requested-side/{node}', { path: { node } }),
  drafts: () => api.get('/api/v1/cases/drafts'),
  draft: (id: string) => api.get('/api/v1/cases/drafts/{id}', { path: { id } }),
  createDraft: (requested: string, content: RequestContent) => api.post('/api/v1/cases/drafts', { body: { requested, content } }),
  updateDraft: (id: string, requested: string, content: RequestContent) => api.put('/api/v1/cases/drafts/{id}', { path: { id }, body: { requested, content } }),
  deleteDraft: (id: string) => api.delete('/api/v1/cases/drafts/{id}', { path: { id } }),
  review: (id: string) => api.post('/api/v1/cases/drafts/{id}/review', { path: { id } }),
  approve: (id: string) => api.post('/api/v1/cases/drafts/{id}/approve', { path: { id } }),
  send: (id: string) => api.post('/api/v1/cases/drafts/{id}/send', { path: { id } }),
  get: (id: string) => api.get('/api/v1/cases/{id}', { path: { id } }),
  act: (id: string, action: CaseActionInput) => api.post('/api/v1/cases/{id}/actions', { path: { id }, body: action }),
  statistics: () => api.get('/api/v1/cases/statistics'),
  team: (id: string) => api.get('/api/v1/cases/{id}/team', { path: { id } }),
  teamCandidates: (id: string) => api.get('/api/v1/cases/{id}/team/candidates', { path: { id } }),
  assign: (id: string, userId: string) => api.post('/api/v1/cases/{id}/team', { path: { id }, body: { user_id: userId } }),
  unassign: (id: string, userId: string) => api.delete('/api/v1/cases/{id}/team/{userId}', { path: { id, userId } }),
};

/** A case's team and what the reader may reach of its evidence (docs/cases.md, "Case team"). */
export type CaseTeam = Awaited<ReturnType<typeof casesApi.team>>;
export type CaseAccess = CaseTeam['access'];

export const STATISTICS_CSV = '/api/v1/cases/statistics.csv';
/** How often open case pages poll beside the live stream (not every change is announced). */
export const CASES_REFRESH_MS = 60_000;

let catalogueCache: Promise<CaseCatalogue> | null = null;

/** The legal catalogue, loaded once per page load (it ships with the node). */
export function useCatalogue() {
  const load = useCallback(() => {
    catalogueCache ??= casesApi.catalogue().catch((e: unknown) => {
      catalogueCache = null;
      throw e;
    });
    return catalogueCache;
  }, []);
  return useResource(load);
}
