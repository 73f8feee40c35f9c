import { api } from '../api/client.js';
import type { Body, Res } from '../api/types.js';

export type NormsCatalogue = Res<'/api/v1/norms/catalogue', 'get'>;
export type Draft = Res<'/api/v1/norms/drafts/{id}', 'get'>;
export type ReportContent = Body<'/api/v1/norms/drafts', 'post'>;
export type NormEntry = ReportContent['norms'][number];
export type NormStatus = NormEntry['status'];
export type Matrix = Res<'/api/v1/norms/matrix', 'get'>;
export type VersionSummary = Res<'/api/v1/norms/reports/{node}/versions', 'get'>[number];
export type StoredVersion = Res<'/api/v1/norms/reports/{node}/versions/{version}', 'get'>;
export type ReportDiff = Res<'/api/v1/norms/reports/{node}/diff', 'get'>;
export type NormsComment = Res<'/api/v1/norms/comments', 'get'>[number];

export const NORM_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'] as const;
export const NORM_STATUSES: readonly NormStatus[] = ['not_started', 'in_progress', 'implemented'];

export const NORMS_PATH = '/norms';
export const draftPath = (id: string) => `${NORMS_PATH}/drafts/${encodeURIComponent(id)}`;
export const reportPath = (node: string, version: number) => `${NORMS_PATH}/reports/${encodeURIComponent(node)}/${version}`;

/** The norms routes the web app calls. */
export const normsApi = {
  catalogue: () => api.get('/api/v1/norms/catalogue'),
  drafts: () => api.get('/api/v1/norms/drafts'),
  draft: (id: string) => api.get('/api/v1/norms/drafts/{id}', { path: { id } }),
  createDraft: (body: ReportContent) => api.post('/api/v1/norms/drafts', { body }),
  editDraft: (id: string, body: ReportContent) => api.put('/api/v1/norms/drafts/{id}', { path: { id }, body }),
  submit: (id: string) => api.post('/api/v1/norms/drafts/{id}/submit', { path: { id } }),
  review: (id: string, decision: 'approve' | 'return', note?: string) => api.post('/api/v1/norms/drafts/{id}/review', { path: { id }, body: note ? { decision, note } : { decision } }),
  publish: (id: string, groups: string[]) => api.post('/api/v1/norms/drafts/{id}/publish', { path: { id }, body: { groups } }),
  matrix: () => api.get('/api/v1/norms/matrix'),
  versions: (node: string) => api.get('/api/v1/norms/reports/{node}/versions', { path: { node } }),
  version: (node: string, version: number) => api.get('/api/v1/norms/reports/{node}/versions/{version}', { path: { node, version } }),
  diff: (node: string, from: number, to: number) => api.get('/api/v1/norms/reports/{node}/diff', { path: { node }, query: { from, to } }),
  comments: (node: string, version: number) => api.get('/api/v1/norms/reports/{node}/versions/{version}/comments', { path: { node, version } }),
  comment: (node: string, version: number, body: Body<'/api/v1/norms/reports/{node}/versions/{version}/comments', 'post'>) =>
    api.post('/api/v1/norms/reports/{node}/versions/{version}/comments', { path: { node, version }, body }),
};

/** A report with nothing written yet: every norm not started. */
export function emptyContent(language: string): ReportContent {
  return { language, summary: '', norms: NORM_IDS.map((norm) => ({ norm, status: 'not_started', measures: '', legislation: '', institutions: '', contacts: '', links: [] })) };
}
