import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { bundleOf, flipByte, syntheticCase } from './_bundle.js';

/** The offline verification page in Debian's Chromium: no sign-in, no server call, the same verifier as the CLI. */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const RESULTS = resolve(ROOT, 'test-results');
const TIMEOUT = 90_000;

describe('offline bundle verification page', { timeout: TIMEOUT }, () => {
  let node: NodeProcess;
  let browser: Browser;
  let dir: string;
  let good: string;
  let bad: string;
  let badPath: string;

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is not built: run `npm run build:web` first');
    mkdirSync(RESULTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'accord-bundle-page-'));
    const s = syntheticCase();
    const bundle = await bundleOf(s.content, s.a);
    good = join(dir, `${s.caseId}.accord-bundle`);
    writeFileSync(good, bundle);
    const flipped = flipByte(bundle, /^events\/0002-/, 'acknowledge');
    badPath = flipped.path;
    bad = join(dir, 'tampered.accord-bundle');
    writeFileSync(bad, flipped.bundle);
    node = await startNodeProcess();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  }, TIMEOUT * 2);

  afterAll(async () => {
    await browser?.close();
    await node?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  async function open(locale: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`${node.url}/verify`);
    await page.getByTestId('bundle-file').waitFor();
    return { page, requests, errors };
  }

  it('verifies a bundle in the browser with the network cut, and names what was altered in another', async () => {
    const { page, requests, errors } = await open('en-US');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Verify a case bundle');
    // Nothing but the page's own files was fetched: no session probe, no API call.
    expect(requests.filter((p) => p.startsWith('/api/'))).toEqual([]);
    await page.context().setOffline(true);

    await page.getByTestId('bundle-file').setInputFiles(good);
    const report = page.getByTestId('bundle-report');
    await report.waitFor();
    expect(await report.getAttribute('data-ok')).toBe('true');
    expect(await report.textContent()).toContain('verified');
    expect(await page.getByTestId('bundle-checked').textContent()).toMatch(/3 events, 2 receipts, 3 custody entries, 2 attachments/);
    expect(await page.getByTestId('bundle-progress').count()).toBe(0);
    await page.screenshot({ path: resolve(RESULTS, 'bundle-page-verified.png'), fullPage: true });

    await page.getByTestId('bundle-file').setInputFiles(bad);
    await page.locator('[data-testid="bundle-report"][data-ok="false"]').waitFor();
    const rows = await page.getByTestId('bundle-problem').allTextContents();
    expect(rows.some((r) => r.includes('member_hash_mismatch') && r.includes(badPath))).toBe(true);
    expect(rows.some((r) => r.includes('event_signature_invalid') && r.includes(badPath))).toBe(true);
    await page.screenshot({ path: resolve(RESULTS, 'bundle-page-tampered.png'), fullPage: true });
    expect(requests.filter((p) => p.startsWith('/api/'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('speaks Russian and Uzbek', async () => {
    for (const [locale, title] of [['ru-RU', 'Проверка пакета дела'], ['uz-UZ', 'Ish paketini tekshirish']] as const) {
      const { page } = await open(locale);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
      await page.context().close();
    }
  });
});
