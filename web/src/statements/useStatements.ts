import { useCallback } from 'react';
import { api } from '../api/client.js';
import type { Body, Res, Role } from '../api/types.js';
import { useAutoRefresh } from '../shared/hooks/useAutoRefresh.js';
import { useResource } from '../shared/hooks/useResource.js';

export type StatementSummary = Res<'/api/v1/statements', 'get'>[number];
export type StatementDetail = Res<'/api/v1/statements/{id}', 'get'>;
export type Amendment = StatementDetail['amendments'][number];
export type Verification = Res<'/api/v1/statements/{id}/verify', 'get'>;
export type HistoryEntry = StatementDetail['history'][number];
/** Events per page when the whole signed history is shown. */
export const HISTORY_PAGE = 100;
export type NewStatement = Body<'/api/v1/statements', 'post'>;
export type StatementKind = NewStatement['kind'];
export const STATEMENT_KINDS: readonly StatementKind[] = ['joint_statement', 'agreement'];

/** Roles that draft, amend, adopt and sign statements (the server's statements:write and :sign); every role reads them. */
export const STATEMENTS_EDIT: readonly Role[] = ['admin', 'coordinator'];
/** Events arrive from the other members: the pages reload every few seconds while visible. */
export const STATEMENTS_REFRESH_MS = 5000;
/** A language version's code: two or three lowercase letters, as the API takes it. */
export const LANG_CODE = /^[a-z]{2,3}$/;

/** Typed calls to the statements API. */
export const statementsApi = {
  list: () => api.get('/api/v1/statements'),
  get: (id: string) => api.get('/api/v1/statements/{id}', { path: { id } }),
  create: (body: NewStatement) => api.post('/api/v1/statements', { body }),
  amend: (id: string, body: Body<'/api/v1/statements/{id}/amendments', 'post'>) => api.post('/api/v1/statements/{id}/amendments', { path: { id }, body }),
  answer: (id: string, aid: string, answer: 'accept' | 'refuse') => api.post('/api/v1/statements/{id}/amendments/{aid}/answer', { path: { id, aid }, body: { answer } }),
  adopt: (id: string, digest: string) => api.post('/api/v1/statements/{id}/adoption', { path: { id }, body: { digest } }),
  sign: (id: string) => api.post('/api/v1/statements/{id}/signature', { path: { id } }),
  putInForce: (id: string, body: Body<'/api/v1/statements/{id}/in-force', 'post'>) => api.post('/api/v1/statements/{id}/in-force', { path: { id }, body }),
  verify: (id: string) => api.get('/api/v1/statements/{id}/verify', { path: { id } }),
  history: (id: string, after?: string) => api.get('/api/v1/statements/{id}/history', { path: { id }, query: { limit: HISTORY_PAGE, after } }),
};

/** Where the co-signed document is downloaded as a JSON file. */
export function documentUrl(id: string): string {
  return `/api/v1/statements/${encodeURIComponent(id)}/document`;
}

export function useStatements() {
  const resource = useResource(statementsApi.list);
  useAutoRefresh(resource.reload, STATEMENTS_REFRESH_MS);
  const create = useCallback(
    async (body: NewStatement) => {
      const s = await statementsApi.create(body);
      await resource.reload();
      return s;
    },
    [resource],
  );
  return { ...resource, create };
}

/** One statement, and what this node does in it; every action shows the statement as the server returns it. */
export function useStatement(id: string) {
  const load = useCallback(() => statementsApi.get(id), [id]);
  const resource = useResource(load, id);
  const { setData, reload } = resource;
  useAutoRefresh(reload, STATEMENTS_REFRESH_MS);
  const show = useCallback(
    (s: StatementDetail) => {
      setData(() => s);
      return s;
    },
    [setData],
  );
  const amend = useCallback(async (texts: Record<string, string>, base: string) => show(await statementsApi.amend(id, { base_digest: base, texts })), [id, show]);
  const answer = useCallback(async (aid: string, a: 'accept' | 'refuse') => show(await statementsApi.answer(id, aid, a)), [id, show]);
  const adopt = useCallback(async (digest: string) => show(await statementsApi.adopt(id, digest)), [id, show]);
  const sign = useCallback(async () => show(await statementsApi.sign(id)), [id, show]);
  const putInForce = useCallback(async (terms: Body<'/api/v1/statements/{id}/in-force', 'post'>) => show(await statementsApi.putInForce(id, terms)), [id, show]);
  return { ...resource, amend, answer, adopt, sign, putInForce };
}
