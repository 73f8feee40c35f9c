import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreHandle } from '../../src/store/db.js';
import { count, openNodeStore } from '../federation/_federation.js';
import { runCli, startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { PeersPage } from './page-models/peers-page.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

/** The Federation → Peers page in Chromium, against two real `accord serve` processes. */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS = resolve(ROOT, 'test-results');
const NEW_PASSWORD = 'correct horse battery staple 1';
const TIMEOUT = 120_000;
/** Long enough for a delivery attempt plus at least two 5-second refreshes of the list. */
const POLL = { timeout: 20_000, interval: 250 };

function shot(name: string): string {
  return resolve(RESULTS, `peers-${name}.png`);
}

function grouped(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

describe('peers page', { timeout: TIMEOUT }, () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let storeB: StoreHandle | undefined;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is not built: run `npm run build:web` first');
    if (!existsSync(resolve(ROOT, 'dist/server'))) throw new Error('dist/server is not built: run `npm run build:server` first');
    mkdirSync(RESULTS, { recursive: true });
    [a, b] = await Promise.all([
      // short backoff so that a failed delivery is retried within a second
      startNodeProcess({ nodeId: 'uz-cert', initArgs: ['--no-require-admin-totp'], settings: { ACCORD_RETRY_BASE_MS: '200', ACCORD_RETRY_CAP_MS: '1000' } }),
      startNodeProcess({ nodeId: 'kz-cert', country: 'KZ', initArgs: ['--no-require-admin-totp'] }),
    ]);
    // B must know A too, or it refuses A's signed messages (and pings)
    const added = runCli(['peer', 'add', a.url, '--data', b.dataDir, '--fingerprint', a.fingerprint]);
    expect(added.status, added.stderr).toBe(0);
    storeB = await openNodeStore(b);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, TIMEOUT);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await storeB?.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  }, TIMEOUT);

  /** A fresh English browser profile; page errors and unexpected console errors are collected. */
  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // the refused fingerprint (409) and the session probe (401) log failed requests; those are expected
      if (m.type() === 'error' && !/status of (4\d\d|502)/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    return { page, errors };
  }

  /** Signs in with a one-time password, replaces it, and waits for the shell. */
  async function signInFirstTime(page: Page, email: string, oneTimePassword: string, newPassword: string): Promise<ShellPage> {
    const signIn = new SignInPage(page);
    const shell = new ShellPage(page);
    await signIn.goto(a.url);
    await signIn.signIn(email, oneTimePassword);
    await signIn.changePassword(oneTimePassword, newPassword);
    await shell.waitForShell();
    return shell;
  }

  it('adds a peer checked by fingerprint, pings it, and shows delivery falling behind and catching up', async () => {
    const { page, errors } = await newPage();
    const shell = await signInFirstTime(page, a.adminEmail, a.adminPassword, NEW_PASSWORD);
    const peers = new PeersPage(page);

    await shell.open('federation');
    await shell.heading('Peers').waitFor();
    expect(await shell.navLink('federation').textContent()).toBe('Peers');
    expect(await peers.ownFingerprint.textContent()).toBe(grouped(a.fingerprint));
    await page.getByText('No peers yet.').waitFor();

    // a wrong fingerprint is refused with a security warning naming both fingerprints
    await peers.addPeer(b.url, 'ab'.repeat(32));
    await peers.fingerprintMismatch.waitFor();
    const warning = (await peers.fingerprintMismatch.textContent()) ?? '';
    expect(warning).toContain('Security warning: the fingerprint does not match');
    expect(warning).toContain(grouped('ab'.repeat(32)));
    expect(warning).toContain(grouped(b.fingerprint));
    await shell.screenshot(shot('mismatch'));
    expect(await peers.table.count()).toBe(0);

    // the right one, typed in groups of four as it is read out
    await peers.addPeer(b.url, grouped(b.fingerprint).toUpperCase());
    await peers.row('kz-cert').waitFor();
    await page.getByRole('table', { name: 'Peers of this node' }).waitFor();
    expect(await peers.fingerprintMismatch.count()).toBe(0);
    await page.getByText('Peer kz-cert was added and its key is pinned.').waitFor();
    expect(await peers.text('kz-cert', 'country')).toBe('KZ');
    expect(await peers.text('kz-cert', 'name')).toBe('Uzbekistan national CERT'); // startNodeProcess names every node so
    expect(await peers.text('kz-cert', 'status')).toBe('Active');
    expect(await peers.text('kz-cert', 'queue')).toBe('0');

    // ping: round-trip time and the receipt signed by the peer
    const ping = await peers.ping('kz-cert');
    expect(ping).toMatch(/kz-cert answered in [\d.]+ ms; the receipt is signed by kz-cert\./);
    await peers.panel('kz-cert').getByText('Signed receipt (JSON)').click();
    expect(await peers.panel('kz-cert').locator('pre').textContent()).toContain('"type": "federation.receipt"');

    // a notice is delivered: the queue is empty again and B has it
    const before = await count(storeB!, 'notices');
    await peers.sendNotice('kz-cert', 'Contact test', 'Привет из Ташкента');
    await expect.poll(() => count(storeB!, 'notices'), POLL).toBe(before + 1);
    await expect.poll(() => peers.text('kz-cert', 'queue'), POLL).toBe('0');
    expect(await peers.reachable('kz-cert')).toBe('true');
    expect(await peers.text('kz-cert', 'reachable')).toContain('Reachable');

    // B goes down: the notice waits, the row says why (the list refreshes by itself)
    await b.stop();
    await peers.sendNotice('kz-cert', 'While you were away', 'Please confirm when back.');
    await expect.poll(() => peers.reachable('kz-cert'), POLL).toBe('false');
    await expect.poll(() => peers.text('kz-cert', 'queue'), POLL).toBe('1');
    expect(await peers.text('kz-cert', 'reachable')).toContain('Not reachable');
    const error = peers.cell('kz-cert', 'error').locator('[title]');
    expect(await error.getAttribute('title')).toMatch(/\S/);
    expect(await peers.text('kz-cert', 'oldest')).not.toBe('—');
    await shell.screenshot(shot('down'));

    // B is back; Retry now sends at once
    await b.restart();
    await peers.retryNow('kz-cert');
    await expect.poll(() => peers.text('kz-cert', 'queue'), POLL).toBe('0');
    await expect.poll(() => peers.reachable('kz-cert'), POLL).toBe('true');
    await expect.poll(() => count(storeB!, 'notices'), POLL).toBe(before + 2);

    // suspend and resume
    await peers.suspend('kz-cert');
    await expect.poll(() => peers.text('kz-cert', 'status')).toBe('Suspended');
    await peers.resume('kz-cert');
    await expect.poll(() => peers.text('kz-cert', 'status')).toBe('Active');
    await shell.screenshot(shot('en'));

    // the page in Russian and Uzbek
    await shell.selectLanguage('ru');
    await shell.heading('Узлы-партнёры').waitFor();
    expect(await peers.text('kz-cert', 'status')).toBe('Активен');
    expect(await peers.text('kz-cert', 'reachable')).toContain('Доступен');
    await shell.screenshot(shot('ru'));
    await shell.selectLanguage('uz');
    await shell.heading('Hamkor tugunlar').waitFor();
    expect(await peers.text('kz-cert', 'status')).toBe('Faol');
    await shell.screenshot(shot('uz'));
    await shell.selectLanguage('en');

    // remove asks first, then the peer stays listed as removed, without actions
    await peers.row('kz-cert').getByRole('button', { name: 'Remove', exact: true }).click();
    await peers.panel('kz-cert').getByRole('button', { name: 'Cancel' }).click();
    expect(await peers.text('kz-cert', 'status')).toBe('Active');
    await peers.remove('kz-cert');
    await expect.poll(() => peers.text('kz-cert', 'status')).toBe('Removed');
    expect(await peers.row('kz-cert').getByRole('button').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the peers read-only to a coordinator', async () => {
    const added = runCli(['user', 'add', '--data', a.dataDir, '--email', 'coordinator@example.org', '--name', 'Dilnoza Coordinator', '--role', 'coordinator', '--json']);
    expect(added.status, added.stderr).toBe(0);
    const { one_time_password: otp } = JSON.parse(added.stdout) as { one_time_password: string };

    const { page, errors } = await newPage();
    const shell = await signInFirstTime(page, 'coordinator@example.org', otp, 'a long coordinator passphrase');
    const peers = new PeersPage(page);
    await shell.open('federation');
    await shell.heading('Peers').waitFor();
    await peers.row('kz-cert').waitFor();
    await page.getByText('You can see the peers and their delivery state but not change them.').waitFor();
    expect(await peers.addForm.count()).toBe(0);
    expect(await peers.table.getByRole('button').count()).toBe(0);
    expect(await peers.table.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    await shell.screenshot(shot('read-only'));
    expect(errors).toEqual([]);
  });
});
