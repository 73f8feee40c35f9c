import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import type { RequestContent } from '../../src/cases/cases.schemas.js';

/** An API token of the node's first administrator, made with the CLI. */
export function adminToken(n: NodeProcess): string {
  return runCliJson<{ token: string }>(['token', 'create', '--user', n.adminEmail, '--name', 'cases test', '--data', n.dataDir]).token;
}

export interface Api {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever the route answers
  (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
}

/** Calls a node's API with a bearer token and parses the JSON answer. */
export function apiOf(n: NodeProcess, token: string): Api {
  return async (method, path, body) => {
    const res = await fetch(`${n.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
}

/** A complete expedited preservation request under UN Convention art. 42. */
export const PRESERVATION: RequestContent = {
  type: 'preservation-stored-data',
  priority: 'urgent',
  subject: 'Ransomware C2 server logs',
  reference: 'UZ-2026-0042',
  legal_basis: { instrument: 'un-cybercrime', article: 42 },
  language: 'en',
  fields: {
    requesting_authority: 'Cybercrime unit, Ministry of Internal Affairs, Tashkent',
    offences: ['un-cybercrime-7', 'un-cybercrime-9'],
    facts_summary: 'A ransomware attack encrypted the systems of a regional hospital on 20 November 2026.',
    data_and_link_to_offence: 'Access logs of the command-and-control server at 203.0.113.7 for 15–25 November 2026.',
    custodian_or_location: 'Hosting provider in Almaty',
    necessity: 'The provider keeps logs for 30 days only.',
    mla_request_will_follow: true,
    confidential_do_not_notify_user: true,
  },
  translations: [],
  handling: { do_not_notify: true, use_limited_to_proceedings: true, onward: 'none' },
};
