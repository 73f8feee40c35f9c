import { CaseMessage, type CaseEventBody, type RequestContent } from '../../src/cases/cases.schemas.js';
import { newMessageId, signEnvelope, type Envelope } from '../../src/federation/protocol/envelope.js';
import type { Receipt } from '../../src/federation/protocol/receipt.js';
import type { NodeIdentity } from '../../src/node/identity.js';
import type { StoreHandle } from '../../src/store/db.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';

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

/** A request for production of stored data (UN Convention art. 44) that follows a preservation. */
export function mlaProduction(preservationCase: string): RequestContent {
  return {
    type: 'mla-production',
    priority: 'routine',
    subject: 'Production of the preserved C2 server logs',
    reference: 'UZ-2026-0042/2',
    legal_basis: { instrument: 'un-cybercrime', article: 44 },
    language: 'en',
    fields: {
      requesting_authority: 'Cybercrime unit, Ministry of Internal Affairs, Tashkent',
      proceeding_and_conducting_authority: 'Criminal case 12-345, investigator of the Tashkent city prosecutor',
      offences: ['un-cybercrime-7', 'un-cybercrime-9'],
      facts_summary: `A ransomware attack encrypted the systems of a regional hospital. The logs were preserved at our request (case ${preservationCase}).`,
      assistance_sought: 'Production of the preserved access logs of 203.0.113.7 for 15–25 November 2026.',
      purpose: 'Identify the operators of the command-and-control server.',
    },
    translations: [],
    handling: { do_not_notify: true, use_limited_to_proceedings: true, onward: 'none' },
  };
}

/** Waits until the case reads on a node and `pred` holds; returns the case. */
export async function caseWhen(api: Api, id: string, what: string, pred: (c: any) => boolean = () => true): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const until = Date.now() + 60_000;
  let last: unknown;
  for (;;) {
    // A node being restarted, or a kept-alive connection it closed, answers nothing: ask again.
    const r = await api('GET', `/api/v1/cases/${id}`).catch((e: Error) => ({ status: 0, json: e.message }));
    last = r.json;
    if (r.status === 200 && pred(r.json)) return r.json;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last).slice(0, 400)}`);
    await new Promise((res) => setTimeout(res, 150));
  }
}

/** Takes an action through the API and expects it to be taken. */
export async function act(api: Api, id: string, action: Record<string, unknown>): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await api('POST', `/api/v1/cases/${id}/actions`, action);
  if (r.status !== 200) throw new Error(`${String(action.action)} on ${id}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Sends a request from a node to a peer (draft, then send); returns the case id. */
export async function sendRequest(api: Api, requested: string, content: RequestContent): Promise<string> {
  const d = await api('POST', '/api/v1/cases/drafts', { requested, content });
  if (d.status !== 201) throw new Error(`draft: ${d.status} ${JSON.stringify(d.json)}`);
  const s = await api('POST', `/api/v1/cases/drafts/${d.json.id}/send`);
  if (s.status !== 201) throw new Error(`send: ${s.status} ${JSON.stringify(s.json)}`);
  return s.json.id as string;
}

/** What the fold made of a case, the same on both parties: the state and the counted history, without this node's own view (party, delivery, receipts). */
export function foldView(c: any): Record<string, unknown> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const { my_party: _p, peer: _r, available_actions: _a, deadlines: _d, history, equivocations: _e, ...state } = c;
  return {
    ...state,
    history: (history as any[]).map((h) => ({ event_id: h.event_id, author: h.author, action: h.action, party: h.party, created_at: h.created_at, counted: h.counted, ignored_because: h.ignored_because, body: h.body })), // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

/** The date `days` from today (UTC), YYYY-MM-DD. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Pins a test-made identity as a peer of a node, writing its row as `accord peer add` would (its address answers nothing). */
export async function pinPeer(db: StoreHandle['db'], id: NodeIdentity): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('peers')
    .values({
      node_id: id.node_id, base_url: 'http://127.0.0.1:9', country: 'TJ', names: JSON.stringify({ en: id.node_id }), authority_kinds: '[]', key_suite: 'ed25519', public_key: id.publicKeyRaw, fingerprint: id.fingerprint,
      status: 'active', added_at: now, updated_at: now, last_contact_at: now, last_error: null, last_error_at: null, failures: 0, next_attempt_at: null, next_seq: 1, lease_owner: null, lease_until: null, retired_keys: '[]',
    })
    .execute();
}

/** A case event signed by `id` for `to`; `at` sets both the event's time and the envelope's. */
export function caseEnvelope(id: NodeIdentity, to: string, body: Record<string, unknown>, at = new Date().toISOString()): Envelope<CaseEventBody> {
  const full = { event_id: newMessageId(), created_at: at, seen: [], ...body } as unknown as CaseEventBody;
  return signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: [to], type: CaseMessage.event, issued_at: at, body: full });
}

/** Posts envelopes to a node's inbox in one batch signed by `id`; returns the receipt (or the problem). */
export async function deliver(n: NodeProcess, id: NodeIdentity, envelopes: Envelope[]): Promise<{ status: number; json: Receipt & { reason?: string } }> {
  const batch = signEnvelope(id, { v: 1, id: newMessageId(), from: id.node_id, to: [n.nodeId], type: 'federation.batch/v1', issued_at: new Date().toISOString(), body: { envelopes } });
  const res = await fetch(`${n.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
  return { status: res.status, json: (await res.json()) as Receipt };
}

/** How many events of a case a node holds. */
export async function storedEvents(db: StoreHandle['db'], caseId: string): Promise<number> {
  return Number((await db.selectFrom('case_events').select((eb) => eb.fn.countAll<string | number>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow()).n);
}
