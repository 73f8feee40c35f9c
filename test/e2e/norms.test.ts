import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { NormsPage } from './page-models/norms-page.js';

/** Norms in Chromium: a report written and published on one node, seen, compared and diffed on the other. */

const POLL = { timeout: 60_000, interval: 250 };
const AGREEMENT = { title: 'SCO', instrument: 'SCO Agreement of 16 June 2009', channels: ['federation'], request_types: ['*'], languages: ['ru'], confidentiality: '' };

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
function apiOf(n: NodeProcess, email: string) {
  const token = runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', email, '--name', 'e2e']).token;
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${n.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
}

describe('norms pages', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  let a: NodeProcess, b: NodeProcess;
  let reviewer: Awaited<ReturnType<typeof apiOf>>;

  beforeAll(async () => {
    ({ a, b } = fx);
    // A bilateral group of the two nodes, founded and consented to through the API; a second user on A reviews.
    const apiA = apiOf(a, a.adminEmail);
    const apiB = apiOf(b, b.adminEmail);
    const g = await apiA('POST', '/api/v1/groups', { name: 'UZ–KZ', level: 'bilateral', agreement: AGREEMENT, members: ['kz-cert'] });
    expect(g.status).toBe(201);
    for (;;) {
      const r = await apiB('POST', `/api/v1/groups/${g.json.id}/proposals/${g.json.proposals[0].id}/consent`);
      if (r.status === 200) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    for (;;) {
      if ((await apiA('GET', `/api/v1/groups/${g.json.id}`)).json.status === 'active') break;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect((await apiA('POST', '/api/v1/users', { email: 'reviewer@uz.example', display_name: 'Reviewer', role: 'coordinator' })).status).toBe(201);
    reviewer = apiOf(a, 'reviewer@uz.example');
  }, TIMEOUT);

  it('publishes a report on one node, and the other sees it in the matrix, compares and diffs its versions', async () => {
    const onA = await fx.signInAsAdmin(a);
    await onA.shell.open('norms');
    const normsA = new NormsPage(onA.page);
    await normsA.tab('Catalogue');
    await onA.page.getByTestId('norms-catalogue').locator('li[data-norm="i"]').getByText('A/RES/73/27 item 1.9 + 1.10').waitFor();
    await onA.page.getByText('UNCONFIRMED').waitFor();

    await normsA.tab('Our report');
    await normsA.newDraft();
    await normsA.fillNorm('c', { status: 'Implemented', measures: 'Criminal code amended', links: 'https://lex.example/uz/1' });
    await normsA.fillNorm('g', { status: 'In progress' });
    await normsA.save();
    await normsA.sendForReview();
    // The author cannot approve: the button is disabled and the page says why.
    await onA.page.getByText('another user approves it').waitFor();
    expect(await onA.page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    const draftId = onA.page.url().split('/').pop()!;
    expect((await reviewer('POST', `/api/v1/norms/drafts/${draftId}/review`, { decision: 'approve' })).json.state).toBe('approved');
    await onA.page.reload();
    await normsA.publishTo('UZ–KZ');
    await onA.page.getByText('Version 1 published and sent to 1 nodes.').waitFor();

    const onB = await fx.signInAsAdmin(b);
    await onB.shell.open('norms');
    const normsB = new NormsPage(onB.page);
    await expect.poll(() => normsB.cell('uz-cert', 'c').catch(() => null), POLL).toBe('implemented');
    expect(await normsB.cell('uz-cert', 'g')).toBe('in_progress');
    expect(await normsB.cell('uz-cert', 'a')).toBe('not_started');
    await onB.shell.toggleTheme();
    await onB.page.screenshot({ path: resolve(RESULTS, 'norms-matrix-dark.png') });

    // A second version moves (g) to implemented; B sees it and what changed.
    const d2 = (await apiOf(a, a.adminEmail)('POST', '/api/v1/norms/drafts', { language: 'en', summary: 'Second', norms: [{ norm: 'c', status: 'implemented', measures: 'Criminal code amended', legislation: '', institutions: '', contacts: '', links: [{ url: 'https://lex.example/uz/1' }] }, { norm: 'g', status: 'implemented', measures: 'List adopted', legislation: '', institutions: '', contacts: '', links: [] }] })).json;
    const admin = apiOf(a, a.adminEmail);
    await admin('POST', `/api/v1/norms/drafts/${d2.id}/submit`);
    await reviewer('POST', `/api/v1/norms/drafts/${d2.id}/review`, { decision: 'approve' });
    const groupId = (await admin('GET', '/api/v1/groups')).json[0].id;
    expect((await admin('POST', `/api/v1/norms/drafts/${d2.id}/publish`, { groups: [groupId] })).status).toBe(200);
    await expect.poll(() => normsB.cell('uz-cert', 'g').catch(() => null), POLL).toBe('implemented');
    await normsB.openReport('uz-cert');
    await expect.poll(() => normsB.diff(), POLL).toEqual([expect.stringMatching(/^\(g\) status, measures/)]);
    await onB.page.getByText('The summary changed.').waitFor();
    await onB.page.screenshot({ path: resolve(RESULTS, 'norms-diff-dark.png'), fullPage: true });

    // B comments; the comment reaches A's report.
    await onB.page.getByRole('textbox', { name: /^Comment/ }).fill('Which list was adopted?');
    await onB.page.getByRole('button', { name: 'Send to the author' }).click();
    await onB.page.getByTestId('norms-comments').getByText('Which list was adopted?').waitFor();
    await expect.poll(async () => (await admin('GET', '/api/v1/norms/reports/uz-cert/versions/2/comments')).json.length, POLL).toBe(1);
    expect(fx.errors).toEqual([]);
  });
});
