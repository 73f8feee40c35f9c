import type { FastifyInstance } from 'fastify';
import { completeEntries, emptyEntry } from '../../src/norms/norms.rules.js';
import type { ReportContent, ReportVersion } from '../../src/norms/norms.schemas.js';

/** A report draft's content: norm (c) implemented with a link, (g) in progress, the rest not started. */
export function buildReportContent(over: Partial<ReportContent> = {}): ReportContent {
  return {
    language: 'en',
    summary: 'National implementation of the 11 norms',
    norms: [
      { ...emptyEntry('c'), status: 'implemented', measures: 'Criminal code amended', legislation: 'Law No. 1', institutions: 'CERT', contacts: 'duty@cert.example', links: [{ url: 'https://lex.example/1', title: 'Law' }] },
      { ...emptyEntry('g'), status: 'in_progress', measures: 'Critical infrastructure list drafted' },
    ],
    ...over,
  };
}

/** A published version body, as a node signs it. */
export function buildReportVersion(over: Partial<ReportVersion> = {}): ReportVersion {
  const c = buildReportContent();
  return { node_id: 'uz-cert', country: 'UZ', version: 1, published_at: new Date(Date.now() - 1000).toISOString(), groups: ['00000000-0000-0000-0000-000000000001'], language: c.language, summary: c.summary, norms: completeEntries(c.norms), ...over };
}

export interface Api {
  (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function apiAs(app: FastifyInstance, token: string): Api {
  return async (method, url, body) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, json: res.body ? res.json() : null };
  };
}
