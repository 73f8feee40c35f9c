import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles.js';
import { feedFailing } from '../../src/intel/feeds/feeds.desk.js';
import { tlp2MarkingId } from '../../src/intel/policy/markings.js';
import { ALL_COLLECTION_ID } from '../../src/intel/taxii/taxii.routes.js';
import { DIALECTS } from '../_util/db.js';
import { followingNode, taxiiRemote, type FollowingNode, type Method, type TaxiiRemote } from './_feeds.js';
import { indicator } from './_intel.js';

const GREEN = tlp2MarkingId('green');

describe('which feed failed last', () => {
  it('needs an error and no success after the failed run', () => {
    const at = (m: number) => `2026-12-02T10:${String(m).padStart(2, '0')}:00.000Z`;
    expect(feedFailing({ last_error: 'HTTP 500', last_run_at: at(5), last_success_at: null })).toBe(true);
    expect(feedFailing({ last_error: 'HTTP 500', last_run_at: at(5), last_success_at: at(1) })).toBe(true);
    expect(feedFailing({ last_error: null, last_run_at: at(5), last_success_at: at(5) })).toBe(false);
    expect(feedFailing({ last_error: 'HTTP 500', last_run_at: at(5), last_success_at: at(5) })).toBe(false);
    expect(feedFailing({ last_error: null, last_run_at: null, last_success_at: null })).toBe(false);
  });
});

/** A feed that keeps failing on the duty desk: a second node serves TAXII over real HTTP on 127.0.0.1; this node follows it. */
describe.each(DIALECTS)('failing feeds on the desk (%s)', (dialect) => {
  let remote: TaxiiRemote;
  let local: FollowingNode;

  beforeAll(async () => {
    remote = await taxiiRemote(dialect);
    await remote.importObjects([indicator({ name: 'desk feed object' })]);
    local = await followingNode(dialect);
  });
  afterAll(async () => {
    await remote?.close();
    await local?.close();
  });

  const api = (method: Method, url: string, body?: unknown, role: Role = 'admin') => local.api(method, url, body, role);
  const feedItems = async (role: Role) => {
    const r = await api('GET', '/api/v1/desk', undefined, role);
    expect(r.statusCode).toBe(200);
    return (r.json() as { items: { kind: string; id: string }[] }).items.filter((i) => i.kind === 'intel.feed_failing');
  };

  it('shows a feed whose last run failed to those who manage feeds, with the error, until a run succeeds', async () => {
    const made = (await api('POST', '/api/v1/intel/feeds', { title: 'Remote CERT', api_root: remote.apiRoot, collection_id: ALL_COLLECTION_ID, auth: { kind: 'token', token: 'wrong' }, default_marking: GREEN, enabled: false })).json();
    // Never run yet: nothing on the desk.
    expect(await feedItems('admin')).toEqual([]);

    let failed = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(failed.state.last_error).toMatch(/^HTTP 401/);
    // Switched off, it was put aside on purpose: nothing on the desk until it is switched on.
    expect(await feedItems('admin')).toEqual([]);
    expect((await api('PATCH', `/api/v1/intel/feeds/${made.id}`, { enabled: true })).statusCode).toBe(200);
    failed = (await api('GET', `/api/v1/intel/feeds/${made.id}`)).json();
    for (const role of ['admin', 'coordinator'] as Role[]) {
      expect(await feedItems(role)).toEqual([{ kind: 'intel.feed_failing', id: made.id, params: { feed: 'Remote CERT', error: failed.state.last_error }, link: '/intelligence/feeds', since: failed.state.last_run_at, severity: 'attention' }]);
    }
    for (const role of ['analyst', 'auditor'] as Role[]) expect(await feedItems(role)).toEqual([]);

    // The right secret and a successful run: the item is gone.
    expect((await api('PATCH', `/api/v1/intel/feeds/${made.id}`, { auth: { kind: 'token', token: remote.token } })).statusCode).toBe(200);
    const ok = (await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json();
    expect(ok.state.last_error).toBeNull();
    expect(await feedItems('admin')).toEqual([]);

    // Failing again after a success: back on the desk.
    expect((await api('PATCH', `/api/v1/intel/feeds/${made.id}`, { auth: { kind: 'token', token: 'wrong again' } })).statusCode).toBe(200);
    expect((await api('POST', `/api/v1/intel/feeds/${made.id}/run`)).json().state.last_error).toMatch(/^HTTP 401/);
    expect((await feedItems('coordinator')).map((i) => i.id)).toEqual([made.id]);
  });
});
