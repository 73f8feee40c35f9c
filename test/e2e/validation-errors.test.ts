import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

/**
 * Errors the server finds in a form, in each language: the translated message stands next to
 * the field at fault, the field is aria-invalid and has the focus, and what was typed stays.
 * Client-side limits are lifted (maxlength removed, type=email/url made plain text) so that
 * the server is the one refusing.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS = resolve(ROOT, 'test-results');
const TIMEOUT = 120_000;
const LANGUAGES = ['en', 'ru', 'uz'] as const;
type Lang = (typeof LANGUAGES)[number];

const catalogue = (lang: Lang) => JSON.parse(readFileSync(resolve(ROOT, 'web', 'src', 'i18n', 'locales', `${lang}.json`), 'utf8')) as { validation: Record<string, string> };
/** The message the web app must show for a code, in a language, with its parameters. */
function expected(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
  return catalogue(lang).validation[key]!.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k]));
}

/** A form's field by its pointer in the request body. */
const field = (form: Locator, pointer: string) => form.locator(`[data-pointer="${pointer}"]`);

/** The message shown for a field (the element its aria-describedby names first). */
async function messageOf(page: Page, control: Locator): Promise<string> {
  const errorId = ((await control.getAttribute('aria-describedby')) ?? '').split(' ')[0]!;
  return ((await page.locator(`[id="${errorId}"]`).textContent()) ?? '').trim();
}

describe('server validation errors in the web app', { timeout: TIMEOUT }, () => {
  let node: NodeProcess;
  let browser: Browser;
  let page: Page;
  let shell: ShellPage;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is not built: run `npm run build:web` first');
    if (!existsSync(resolve(ROOT, 'dist/server'))) throw new Error('dist/server is not built: run `npm run build:server` first');
    mkdirSync(RESULTS, { recursive: true });
    node = await startNodeProcess({ initArgs: ['--no-require-admin-totp'] });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const signIn = new SignInPage(page);
    shell = new ShellPage(page);
    await signIn.goto(node.url);
    await signIn.signIn(node.adminEmail, node.adminPassword);
    await signIn.changePassword(node.adminPassword, 'correct horse battery staple 1');
    await shell.waitForShell();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await node?.destroy();
  }, TIMEOUT);

  /** The field shows `message` in its own error element, is aria-invalid and has the focus; no raw pointers or English from the server. */
  async function expectFieldError(control: Locator, pointer: string, message: string, lang: Lang): Promise<void> {
    await expect.poll(() => control.getAttribute('aria-invalid')).toBe('true');
    const shown = await messageOf(page, control);
    expect(shown).toBe(message);
    expect(shown).not.toMatch(/body\/|must |\/[a-z_]+\//);
    if (lang !== 'en') expect(shown).not.toBe(expected('en', 'invalid'));
    await page.waitForFunction((p) => document.activeElement?.getAttribute('data-pointer') === p, pointer);
  }

  it('shows the directory entry form\'s errors next to the name and the time zone, in every language', async () => {
    await shell.open('directory');
    await page.locator('nav.tabs a[data-tab="own"]').click();
    const form = page.locator('form.own-entry-form');
    await expect.poll(() => field(form, '/authority_names/en').inputValue()).not.toBe('');
    // A contact reachable around the clock (English labels: the form is filled in before switching language).
    const contact = form.locator('fieldset[data-contact-form="0"]');
    await contact.getByLabel('Name (English)', { exact: true }).fill('Duty officer');
    await contact.getByLabel('E-mail', { exact: true }).fill('duty@cert.uz.example');
    const always = contact.getByRole('checkbox', { name: 'Staffed 24/7' });
    if (!(await always.isChecked())) await always.check();

    const name = field(form, '/authority_names/en');
    const zone = field(form, '/time_zone');
    // the picker offers IANA zones with their offsets
    await zone.fill('Asia/Tashkent');
    await form.getByText('UTC+05:00').first().waitFor();
    for (const lang of LANGUAGES) {
      await shell.selectLanguage(lang);
      // A name longer than the schema allows, past the field's own limit.
      await name.evaluate((el) => el.removeAttribute('maxlength'));
      const long = 'Uzbekistan national CERT '.repeat(12).trim();
      await name.fill(long);
      await zone.fill('Tashkent');
      await form.locator('button[type="submit"]').click();
      await expectFieldError(name, '/authority_names/en', expected(lang, 'too_long', { limit: 200 }), lang);
      expect(await zone.inputValue()).toBe('Tashkent');
      await page.screenshot({ path: resolve(RESULTS, `validation-errors-entry-name-${lang}.png`), fullPage: false });

      // The name fixed, the time zone is what the server refuses next; the name's error goes away.
      await name.fill('Uzbekistan national CERT');
      await form.locator('button[type="submit"]').click();
      await expectFieldError(zone, '/time_zone', expected(lang, 'invalid_time_zone'), lang);
      expect(await name.getAttribute('aria-invalid')).toBeNull();
      expect(await name.inputValue()).toBe('Uzbekistan national CERT');
      await page.screenshot({ path: resolve(RESULTS, `validation-errors-entry-zone-${lang}.png`), fullPage: false });
    }
    await shell.selectLanguage('en');
  });

  it('shows a bad e-mail next to the new user\'s e-mail field, in every language', async () => {
    await shell.open('users');
    const form = page.locator('form[aria-labelledby="add-user-title"]');
    const email = field(form, '/email');
    for (const lang of LANGUAGES) {
      await shell.selectLanguage(lang);
      // The browser's own check of type=email would stop it: the server must be the judge here.
      await form.evaluate((el: HTMLFormElement) => (el.noValidate = true));
      await email.fill('not-an-email');
      await field(form, '/display_name').fill('Bad Address');
      await form.locator('button[type="submit"]').click();
      await expectFieldError(email, '/email', expected(lang, 'format_email'), lang);
      expect(await email.inputValue()).toBe('not-an-email');
      await page.screenshot({ path: resolve(RESULTS, `validation-errors-user-${lang}.png`), fullPage: false });
    }
    await shell.selectLanguage('en');
  });

  it('shows a bad peer URL next to the URL field, in every language', async () => {
    await shell.open('federation');
    const form = page.locator('form[aria-labelledby="add-peer-title"]');
    const url = field(form, '/url');
    for (const lang of LANGUAGES) {
      await shell.selectLanguage(lang);
      await form.evaluate((el: HTMLFormElement) => (el.noValidate = true));
      await url.fill('not a web address');
      await field(form, '/fingerprint').fill('ab'.repeat(32));
      await form.locator('button[type="submit"]').click();
      await expectFieldError(url, '/url', expected(lang, 'format_uri'), lang);
      await page.screenshot({ path: resolve(RESULTS, `validation-errors-peer-${lang}.png`), fullPage: false });
    }
    await shell.selectLanguage('en');
    expect(pageErrors).toEqual([]);
  });
});
