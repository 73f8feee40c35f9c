import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli, runCliJson, startNodeProcess, type NodeProcess } from '../_util/node-process.js';
import { waitFor } from '../federation/_federation.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RESULTS = resolve(ROOT, 'test-results');
export const NEW_PASSWORD = 'correct horse battery staple 1';
export const TIMEOUT = 180_000;

export interface TwoNodeBrowser {
  a: NodeProcess;
  b: NodeProcess;
  /** Page errors and unexpected console errors of every page opened. */
  errors: string[];
  /** A fresh English browser profile. */
  newPage(): Promise<Page>;
  /** Signs in to a node as its first admin and replaces the one-time password. */
  signInAsAdmin(node: NodeProcess): Promise<{ page: Page; shell: ShellPage }>;
}

/**
 * Registers hooks that start uz-cert (a) and kz-cert (b) as real node processes that know
 * each other (admins without a second factor, short retry backoff) and Debian's Chromium,
 * and tear all of it down afterwards.
 */
export function useTwoNodeBrowser(): TwoNodeBrowser {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const fx = { errors: [] as string[] } as TwoNodeBrowser;

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is not built: run `npm run build:web` first');
    if (!existsSync(resolve(ROOT, 'dist/server'))) throw new Error('dist/server is not built: run `npm run build:server` first');
    mkdirSync(RESULTS, { recursive: true });
    // short backoff so that a delivery that failed once is retried within a second
    // Webhook receivers in these tests listen on 127.0.0.1, which must be allowed explicitly.
    const settings = { ACCORD_RETRY_BASE_MS: '200', ACCORD_RETRY_CAP_MS: '1000', ACCORD_WEBHOOK_ALLOW: '127.0.0.1', ACCORD_FEED_ALLOW: '127.0.0.1' };
    [fx.a, fx.b] = await Promise.all([
      startNodeProcess({ nodeId: 'uz-cert', initArgs: ['--no-require-admin-totp'], settings }),
      startNodeProcess({ nodeId: 'kz-cert', country: 'KZ', initArgs: ['--no-require-admin-totp'], settings }),
    ]);
    // each node must know the other: messages from unknown nodes are refused
    for (const [from, to] of [
      [fx.a, fx.b],
      [fx.b, fx.a],
    ] as const) {
      const added = runCli(['peer', 'add', to.url, '--data', from.dataDir, '--fingerprint', to.fingerprint]);
      expect(added.status, added.stderr).toBe(0);
    }
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, TIMEOUT);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await Promise.all([fx.a?.destroy(), fx.b?.destroy()]);
  }, TIMEOUT);

  fx.newPage = async () => {
    const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => fx.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // the session probe before sign-in logs a failed request (401); that is expected
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) fx.errors.push(`console: ${m.text()}`);
    });
    return page;
  };

  fx.signInAsAdmin = async (node) => {
    const page = await fx.newPage();
    const signIn = new SignInPage(page);
    const shell = new ShellPage(page);
    await signIn.goto(node.url);
    await signIn.signIn(node.adminEmail, node.adminPassword);
    await signIn.changePassword(node.adminPassword, NEW_PASSWORD);
    await shell.waitForShell();
    return { page, shell };
  };
  return fx;
}

/**
 * Founds a bilateral group on A with B (`options`: more `accord group create` options, e.g.
 * `--instrument`, `--language`), B consents through its CLI, and resolves with the group's id
 * once it is active on both nodes.
 */
export async function formBilateralGroup(a: NodeProcess, b: NodeProcess, name: string, options: string[]): Promise<string> {
  const g = runCliJson<{ id: string; proposals: { id: string }[] }>(['group', 'create', '--data', a.dataDir, '--name', name, '--level', 'bilateral', '--member', b.nodeId, ...options]);
  await waitFor('the invitation on B', () => {
    try {
      return runCliJson<{ id: string }>(['group', 'show', g.id, '--data', b.dataDir]).id === g.id;
    } catch {
      return false;
    }
  });
  runCliJson(['group', 'consent', g.id, g.proposals[0]!.id, '--data', b.dataDir]);
  for (const [n, where] of [[a, 'A'], [b, 'B']] as const) await waitFor(`the group active on ${where}`, () => runCliJson<{ status: string }>(['group', 'show', g.id, '--data', n.dataDir]).status === 'active');
  return g.id;
}
