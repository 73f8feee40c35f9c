import { useCallback } from 'react';
import { api } from '../api/client.js';
import type { Body, Res, Role } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

export type PlanSummary = Res<'/api/v1/plans', 'get'>[number];
export type PlanDetail = Res<'/api/v1/plans/{id}', 'get'>;
export type PlanItem = PlanDetail['items'][number];
export type Instrument = Res<'/api/v1/plans/instruments', 'get'>[number];
export type NewPlan = Body<'/api/v1/plans', 'post'>;
export type NewItem = Body<'/api/v1/plans/{id}/items', 'post'>;
export type StatusUpdate = Body<'/api/v1/plans/{id}/items/{item}/status', 'post'>;
export type ItemStatus = StatusUpdate['status'];
export const ITEM_STATUSES: readonly ItemStatus[] = ['planned', 'in_progress', 'done', 'cancelled'];

/** Roles that write to plans (the server's plans:write); every role reads them. */
export const PLANS_EDIT: readonly Role[] = ['admin', 'coordinator', 'officer'];
/** Updates arrive from the other members: the page reloads every few seconds while visible. */
export const PLANS_REFRESH_MS = 5000;

/** Typed calls to the plans API. */
export const plansApi = {
  list: () => api.get('/api/v1/plans'),
  instruments: () => api.get('/api/v1/plans/instruments'),
  get: (id: string) => api.get('/api/v1/plans/{id}', { path: { id } }),
  create: (body: NewPlan) => api.post('/api/v1/plans', { body }),
  addItem: (id: string, body: NewItem) => api.post('/api/v1/plans/{id}/items', { path: { id }, body }),
  publishStatus: (id: string, item: string, body: StatusUpdate) => api.post('/api/v1/plans/{id}/items/{item}/status', { path: { id, item }, body }),
  answer: (id: string, pid: string, answer: 'accept' | 'decline') => api.post('/api/v1/plans/{id}/proposals/{pid}/answer', { path: { id, pid }, body: { answer } }),
};

/** The report's address in the language the user reads. */
export function exportUrl(id: string, format: 'html' | 'pdf', lang: string): string {
  const l = ['en', 'ru', 'uz'].includes(lang) ? lang : 'en';
  return `/api/v1/plans/${encodeURIComponent(id)}/export.${format}?lang=${l}`;
}

export function usePlans() {
  const resource = useResource(plansApi.list);
  useAutoRefresh(resource.reload, PLANS_REFRESH_MS);
  const create = useCallback(
    async (body: NewPlan) => {
      const p = await plansApi.create(body);
      await resource.reload();
      return p;
    },
    [resource],
  );
  return { ...resource, create };
}

/** One plan, and what this node does in it; every action shows the plan as the server returns it. */
export function usePlan(id: string) {
  const load = useCallback(() => plansApi.get(id), [id]);
  const resource = useResource(load, id);
  const { setData, reload } = resource;
  useAutoRefresh(reload, PLANS_REFRESH_MS);
  const adopt = useCallback(
    (p: PlanDetail) => {
      setData(() => p);
      return p;
    },
    [setData],
  );
  const addItem = useCallback(async (body: NewItem) => adopt(await plansApi.addItem(id, body)), [id, adopt]);
  const publishStatus = useCallback(async (item: string, body: StatusUpdate) => adopt(await plansApi.publishStatus(id, item, body)), [id, adopt]);
  const answer = useCallback(async (pid: string, a: 'accept' | 'decline') => adopt(await plansApi.answer(id, pid, a)), [id, adopt]);
  return { ...resource, addItem, publishStatus, answer };
}
