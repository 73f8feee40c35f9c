import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { authenticator } from 'otplib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';
import { UsersPage } from './page-models/users-page.js';

/** The web app in Debian's Chromium against a real `accord serve` process. */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS = resolve(ROOT, 'test-results');
const NEW_ADMIN_PASSWORD = 'correct horse battery staple 1';
const TIMEOUT = 60_000;

function shot(name: string): string {
  return resolve(RESULTS, `web-shell-${name}.png`);
}

function grouped(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

describe('web app shell', { timeout: TIMEOUT }, () => {
  let node: NodeProcess;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is not built: run `npm run build:web` first');
    if (!existsSync(resolve(ROOT, 'dist/server'))) throw new Error('dist/server is not built: run `npm run build:server` first');
    mkdirSync(RESULTS, { recursive: true });
    node = await startNodeProcess();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, TIMEOUT * 2);

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await node?.destroy();
  }, TIMEOUT);

  /** A fresh browser profile in English, light scheme; console errors fail the test. */
  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // failed API calls (the wrong-password test, the session probe) log 4xx resource errors; those are expected
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    return { page, errors };
  }

  it('walks the admin through first sign-in, languages, theme, users, audit and tokens', async () => {
    const { page, errors } = await newPage();
    const signIn = new SignInPage(page);
    const shell = new ShellPage(page);
    const users = new UsersPage(page);

    // first sign-in: one-time password → new password → TOTP enrolment → recovery codes
    await signIn.goto(node.url);
    expect(await shell.htmlLang()).toBe('en');
    await signIn.signIn(node.adminEmail, node.adminPassword);
    // the one-time password just typed is not asked for again
    await signIn.heading('Choose a new password').waitFor();
    expect(await signIn.currentPassword.count()).toBe(0);
    await signIn.changePassword(node.adminPassword, NEW_ADMIN_PASSWORD);
    const secret = await signIn.totpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await signIn.qrImageSource()).toMatch(/^data:image\/svg\+xml;utf8,/);
    // the QR code really renders (the CSP allows data: images)
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.qr img');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    await page.screenshot({ path: shot('totp-enrol') });
    await signIn.confirmTotp(authenticator.generate(secret));
    const codes = await signIn.saveRecoveryCodes();
    expect(codes.length).toBeGreaterThan(0);

    // the shell, in English
    await shell.waitForShell();
    await expect.poll(() => shell.nodeName.textContent()).toContain('Uzbekistan national CERT');
    expect(await shell.nodeName.textContent()).toContain('UZ');
    await shell.heading('Duty desk').waitFor();
    expect(await shell.fingerprint.textContent()).toBe(grouped(node.fingerprint));
    expect(await shell.navLink('users').textContent()).toBe('Users');
    await shell.screenshot(shot('en'));

    // Russian
    await shell.selectLanguage('ru');
    expect(await shell.htmlLang()).toBe('ru');
    expect(await shell.navLink('users').textContent()).toBe('Пользователи');
    // The label, followed by the duty desk's count (the fresh node has not published its entry).
    expect(await shell.navLink('overview').textContent()).toMatch(/^Обзор\d*$/);
    expect(await shell.nodeName.textContent()).toContain('Национальный CERT Узбекистана');
    await shell.heading('Пульт дежурного').waitFor();
    await shell.screenshot(shot('ru'));

    // Uzbek (Latin)
    await shell.selectLanguage('uz');
    expect(await shell.htmlLang()).toBe('uz');
    expect(await shell.navLink('users').textContent()).toBe('Foydalanuvchilar');
    expect(await shell.nodeName.textContent()).toContain('Oʻzbekiston milliy CERT');
    await shell.open('cases');
    await shell.heading('Soʻrovlar').waitFor();
    await shell.screenshot(shot('uz'));

    // the language survives a reload, and so does the session
    await page.reload();
    await shell.waitForShell();
    expect(await shell.htmlLang()).toBe('uz');
    await shell.selectLanguage('en');

    // theme
    expect(await shell.theme()).toBe('light');
    await shell.toggleTheme();
    expect(await shell.theme()).toBe('dark');
    await shell.open('overview');
    await shell.screenshot(shot('dark'));
    await page.reload();
    await shell.waitForShell();
    expect(await shell.theme()).toBe('dark');
    await shell.toggleTheme();
    expect(await shell.theme()).toBe('light');

    // users: add one, see the one-time password once
    await shell.open('users');
    await users.table.waitFor();
    const otp = await users.addUser({ email: 'coordinator@example.org', name: 'Dilnoza Coordinator', role: 'coordinator' });
    expect(otp.length).toBeGreaterThanOrEqual(12);
    await users.row('coordinator@example.org').waitFor();
    expect(await users.row('coordinator@example.org').textContent()).toContain('Must change password');
    await users.setDisabled('coordinator@example.org', true);
    await users.row('coordinator@example.org').getByRole('button', { name: 'Enable' }).waitFor();
    await shell.screenshot(shot('users'));

    // the Russian role names are not cut off in their dropdowns (the longest is "Администратор")
    await shell.selectLanguage('ru');
    await page.locator('select.role-select option', { hasText: 'Администратор' }).first().waitFor({ state: 'attached' });
    expect(await users.cutOffRoleSelects()).toEqual([]);
    await shell.screenshot(shot('users-ru'));
    await shell.selectLanguage('en');

    // audit: entries and a verified chain
    await shell.open('audit');
    await page.getByRole('table', { name: 'Audit entries' }).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect.poll(() => page.getByTestId('audit-verify').textContent()).toMatch(/^The chain is intact/);
    // actions by name and details in words, in the UI language
    expect(await page.locator('[data-cell="action"][data-action="user.create"]').first().textContent()).toContain('User added');
    expect(await page.locator('tr', { has: page.locator('[data-action="user.create"]') }).first().locator('[data-cell="details"]').textContent()).toContain('coordinator@example.org as Coordinator.');
    await shell.selectLanguage('uz');
    expect(await page.locator('[data-cell="action"][data-action="user.create"]').first().textContent()).toContain('Foydalanuvchi qoʻshildi');
    // Uzbek dates from the app's own data, not Chromium's missing Uzbek locale ("2027 M05 30")
    expect(await page.locator('.audit-table tbody tr td:nth-child(2)').first().textContent()).toMatch(/^\d{1,2}-[a-z]{3,4}, \d{4}, \d\d:\d\d$/);
    await shell.selectLanguage('en');

    // tokens: create one, shown once, then revoke it
    await shell.open('tokens');
    await page.getByLabel('Name').fill('ci export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('api-token').textContent()) ?? '';
    expect(token.length).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Revoke token ci export' }).click();
    await page.getByRole('table', { name: 'Your API tokens' }).getByText('Revoked').waitFor();

    await shell.signOut();
    expect(await page.getByRole('status').first().textContent()).toContain('You have signed out.');

    // signing in again asks for the second factor; a wrong code is refused, a recovery code works
    await signIn.signIn(node.adminEmail, NEW_ADMIN_PASSWORD);
    await signIn.secondFactor('000000');
    await signIn.alert.waitFor();
    expect(await signIn.alert.textContent()).toContain('The e-mail, password or code is wrong.');
    await signIn.recoveryCode(codes[0]!);
    await shell.waitForShell();
    await shell.signOut();
    expect(errors).toEqual([]);
  });

  it('shows an alert for a wrong password', async () => {
    const { page } = await newPage();
    const signIn = new SignInPage(page);
    await signIn.goto(node.url);
    await signIn.signIn('nobody@example.org', 'not the password');
    await signIn.alert.waitFor();
    expect(await signIn.alert.textContent()).toContain('The e-mail, password or code is wrong.');
    await page.screenshot({ path: shot('wrong-password') });
  });

  it('hides the administration pages from a non-admin user', async () => {
    const added = runCli(['user', 'add', '--data', node.dataDir, '--email', 'analyst@example.org', '--name', 'Aziz Analyst', '--role', 'analyst', '--json']);
    expect(added.status, added.stderr).toBe(0);
    const { one_time_password: otp } = JSON.parse(added.stdout) as { one_time_password: string };

    const { page } = await newPage();
    const signIn = new SignInPage(page);
    const shell = new ShellPage(page);
    await signIn.goto(node.url);
    await signIn.signIn('analyst@example.org', otp);
    await signIn.changePassword(otp, 'a long analyst passphrase');
    await shell.waitForShell();

    expect(await shell.navLink('tokens').count()).toBe(1);
    expect(await shell.navLink('cases').count()).toBe(1);
    expect(await shell.navLink('users').count()).toBe(0);
    expect(await shell.navLink('audit').count()).toBe(0);

    // typing the address does not open the page either
    await page.goto(`${node.url}/users`);
    await shell.waitForShell();
    await shell.heading('Page not found').waitFor();
    await shell.screenshot(shot('analyst'));
    await shell.signOut();
  });
});
