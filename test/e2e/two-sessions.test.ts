import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';
import { NEW_PASSWORD, RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';

/** Two nodes on 127.0.0.1, one browser profile: the browser shares cookies across ports. */
describe('two sessions in one browser', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();

  it('stays signed in to both nodes after signing in to the second', async () => {
    const { page: pageA, shell: shellA } = await fx.signInAsAdmin(fx.a);
    const context = pageA.context();

    // The second node in another tab of the same profile.
    const pageB = await context.newPage();
    const signInB = new SignInPage(pageB);
    const shellB = new ShellPage(pageB);
    await signInB.goto(fx.b.url);
    await signInB.signIn(fx.b.adminEmail, fx.b.adminPassword);
    await signInB.changePassword(fx.b.adminPassword, NEW_PASSWORD);
    await shellB.waitForShell();

    const names = (await context.cookies()).map((c) => c.name).sort();
    expect(names).toEqual(['accord_session_kz-cert', 'accord_session_uz-cert']);

    // Both tabs, reloaded, are still signed in to their own node.
    await pageA.reload();
    await shellA.waitForShell();
    await expect(shellA.nodeName.textContent()).resolves.toMatch(/UZ$/);
    await pageB.reload();
    await shellB.waitForShell();
    await expect(shellB.nodeName.textContent()).resolves.toMatch(/KZ$/);
    await expect(new SignInPage(pageA).heading('Sign in').count()).resolves.toBe(0);
    await pageA.screenshot({ path: resolve(RESULTS, 'two-sessions-a.png') });
    expect(fx.errors).toEqual([]);
  });
});
