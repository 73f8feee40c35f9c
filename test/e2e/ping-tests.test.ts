import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { buildEntryInput } from '../directory/_entries.js';
import { PingTestsPage } from './page-models/ping-tests-page.js';
import { ShellPage } from './page-models/shell-page.js';

/** Cooperation → Directory → Ping tests in Chromium: A tests B, B's duty officer confirms, A sees the result. */

/** Long enough for a delivery to the other node and the page's next refresh (every 5 s). */
const POLL = { timeout: 40_000, interval: 500 };

function shot(name: string): string {
  return resolve(RESULTS, `ping-tests-${name}.png`);
}

describe('ping tests page', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  const errors = fx.errors;
  let a: NodeProcess;
  let b: NodeProcess;
  beforeAll(() => {
    ({ a, b } = fx);
  });

  beforeAll(async () => {
    // B publishes its entry, so a ping test has contacts to ask
    const { token } = runCliJson<{ token: string }>(['token', 'create', '--data', b.dataDir, '--user', b.adminEmail, '--name', 't']);
    const entry = buildEntryInput({ authority_names: { en: 'Kazakhstan national CERT', ru: 'Национальный CERT Казахстана', uz: 'Qozogʻiston milliy CERT' }, time_zone: 'Asia/Almaty' });
    const res = await fetch(`${b.url}/api/v1/directory/own`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(entry) });
    expect(res.status, await res.text()).toBe(200);
  }, TIMEOUT);

  /** Signs in to a node as its first admin, replaces the one-time password, and opens Directory → Ping tests. */
  async function signInToPingTests(node: NodeProcess): Promise<{ page: Page; shell: ShellPage; ping: PingTestsPage }> {
    const { page, shell } = await fx.signInAsAdmin(node);
    await shell.open('directory');
    await shell.heading('Directory').waitFor();
    const ping = new PingTestsPage(page);
    await ping.open();
    return { page, shell, ping };
  }

  it('tests a peer, the peer confirms, and the result shows a 100 % response rate', async () => {
    const onA = await signInToPingTests(a);
    expect(new URL(onA.page.url()).pathname).toBe('/directory/ping-tests');
    await onA.ping.incoming.getByText('No ping test is waiting for our answer.').waitFor();
    await onA.ping.outgoing.getByText('We have not tested anyone yet.').waitFor();

    await onA.ping.startNode('kz-cert');
    await onA.ping.started.waitFor();
    expect(await onA.ping.started.textContent()).toBe('Tests started: 1.');
    await onA.ping.outgoingRows('kz-cert').first().waitFor();
    expect(await onA.ping.outgoingStatus('kz-cert')).toBe('pending');
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Pending');

    // on B the request arrives by federation and waits for an answer, with a countdown from 60 minutes
    const onB = await signInToPingTests(b);
    const request = onB.ping.request('uz-cert');
    await request.waitFor({ timeout: POLL.timeout });
    expect(await request.textContent()).toContain('asks us to confirm that our point of contact answers');
    expect(await request.getByTestId('countdown').textContent()).toMatch(/^(59 min \d+ s|1 h 0 min) left$/);
    await onB.shell.screenshot(shot('incoming'));
    await onB.ping.confirm('uz-cert');
    await onB.ping.history('uz-cert').waitFor();
    expect(await onB.ping.request('uz-cert').count()).toBe(0);
    expect(await onB.ping.history('uz-cert').locator('[data-status]').getAttribute('data-status')).toBe('answered');
    expect(await onB.ping.history('uz-cert').textContent()).toContain(`confirmed by`);

    // back on A the acknowledgement arrives; the page refreshes by itself
    await expect.poll(() => onA.ping.outgoingStatus('kz-cert'), POLL).toBe('answered');
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Answered');
    expect(await onA.ping.outgoingCell('kz-cert', 'response')).toMatch(/^(\d+ s|\d+ min \d+ s)$/);
    await expect.poll(() => onA.ping.rate('kz-cert'), POLL).toBe('100');
    expect(await onA.ping.resultCell('kz-cert', 'rate')).toContain('100\u00a0%'); // a no-break space keeps the sign with its number
    expect(await onA.ping.resultCell('kz-cert', 'counts')).toBe('1 of 1 answered');
    expect(await onA.ping.resultCell('kz-cert', 'median')).toMatch(/^(\d+ s|\d+ min \d+ s)$/);
    expect(await onA.ping.resultRow('kz-cert').locator('svg.response-chart rect.chart-bar').count()).toBe(1);
    await onA.shell.screenshot(shot('en'));

    // the page in Russian and Uzbek
    await onA.shell.selectLanguage('ru');
    await onA.shell.heading('Справочник').waitFor();
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Отвечено');
    expect(await onA.ping.resultCell('kz-cert', 'counts')).toBe('отвечено 1 из 1');
    await onA.shell.screenshot(shot('ru'));
    await onA.shell.selectLanguage('uz');
    await onA.shell.heading('Maʼlumotnoma').waitFor();
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Javob berildi');
    await onA.shell.screenshot(shot('uz'));
    await onA.shell.selectLanguage('en');
    expect(errors).toEqual([]);
  });
});
