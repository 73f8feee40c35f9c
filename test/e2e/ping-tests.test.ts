import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson, startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { buildEntryInput } from '../directory/_entries.js';
import { PingTestsPage } from './page-models/ping-tests-page.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

/** Cooperation → Directory → Ping tests in Chromium: A tests B, B's duty officer confirms, A sees the result. */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS = resolve(ROOT, 'test-results');
const NEW_PASSWORD = 'correct horse battery staple 1';
const TIMEOUT = 180_000;
/** Long enough for a delivery to the other node and the page's next refresh (every 5 s). */
const POLL = { timeout: 40_000, interval: 500 };

function shot(name: string): string {
  return resolve(RESULTS, `ping-tests-${name}.png`);
}

describe('ping tests page', { timeout: TIMEOUT }, () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is not built: run `npm run build:web` first');
    if (!existsSync(resolve(ROOT, 'dist/server'))) throw new Error('dist/server is not built: run `npm run build:server` first');
    mkdirSync(RESULTS, { recursive: true });
    const settings = { ACCORD_RETRY_BASE_MS: '200', ACCORD_RETRY_CAP_MS: '1000' };
    [a, b] = await Promise.all([
      startNodeProcess({ nodeId: 'uz-cert', initArgs: ['--no-require-admin-totp'], settings }),
      startNodeProcess({ nodeId: 'kz-cert', country: 'KZ', initArgs: ['--no-require-admin-totp'], settings }),
    ]);
    // each node must know the other: messages from unknown nodes are refused
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const added = runCli(['peer', 'add', to.url, '--data', from.dataDir, '--fingerprint', to.fingerprint]);
      expect(added.status, added.stderr).toBe(0);
    }
    // B publishes its entry, so a ping test has contacts to ask
    const { token } = runCliJson<{ token: string }>(['token', 'create', '--data', b.dataDir, '--user', b.adminEmail, '--name', 't']);
    const entry = buildEntryInput({ authority_names: { en: 'Kazakhstan national CERT', ru: 'Национальный CERT Казахстана', uz: 'Qozogʻiston milliy CERT' }, time_zone: 'Asia/Almaty' });
    const res = await fetch(`${b.url}/api/v1/directory/own`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(entry) });
    expect(res.status, await res.text()).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, TIMEOUT);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  }, TIMEOUT);

  /** A fresh English browser profile; page errors and unexpected console errors are collected. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // the session probe before sign-in logs a failed request (401); that is expected
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    return page;
  }

  /** Signs in to a node as its first admin, replaces the one-time password, and opens Directory → Ping tests. */
  async function signInToPingTests(node: NodeProcess): Promise<{ page: Page; shell: ShellPage; ping: PingTestsPage }> {
    const page = await newPage();
    const signIn = new SignInPage(page);
    const shell = new ShellPage(page);
    await signIn.goto(node.url);
    await signIn.signIn(node.adminEmail, node.adminPassword);
    await signIn.changePassword(node.adminPassword, NEW_PASSWORD);
    await shell.waitForShell();
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
