import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PRESERVATION } from '../cases/_cases.js';
import { NEW_PASSWORD, RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { AttachmentsSection } from './page-models/attachments-section.js';
import { CaseTeamSection } from './page-models/case-team-section.js';
import { CaseDetailPage } from './page-models/cases-pages.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

/**
 * A case's team in Chromium against real node processes: uz-cert's admin assigns an officer
 * from the case page; another officer, outside the team, finds neither the case in the list nor
 * its page (not found, as an unknown case); the section reads whole in Russian and Uzbek; once
 * the member is removed the case is open to every officer again.
 */

const locale = (lang: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../web/src/i18n/locales/${lang}.json`), 'utf8')) as { cases: { team: Record<string, string> } };

const shot = (name: string) => resolve(RESULTS, `case-team-${name}.png`);

/** Runs `fetch` calls as the page's signed-in user, with its CSRF token. */
async function apiAs<T>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrf_token: string };
      const headers: Record<string, string> = { 'x-csrf-token': session.csrf_token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const r = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
    { method, url, body },
  );
}

describe('case team on the case page', { timeout: TIMEOUT * 2 }, () => {
  const fx = useTwoNodeBrowser();

  it('assigns an officer, hides the case from an outsider, reads in Russian and Uzbek, and opens the case again', async () => {
    const { page: admin } = await fx.signInAsAdmin(fx.a);
    const draft = await apiAs<{ id: string }>(admin, 'POST', '/api/v1/cases/drafts', { requested: fx.b.nodeId, content: PRESERVATION });
    const caseId = (await apiAs<{ id: string }>(admin, 'POST', `/api/v1/cases/drafts/${draft.id}/send`)).id;
    const newUser = (name: string) => apiAs<{ user: { id: string; email: string }; one_time_password: string }>(admin, 'POST', '/api/v1/users', { email: `${name.toLowerCase().replace(/ /g, '.')}@uz-cert.example.org`, display_name: name, role: 'officer' });
    const member = await newUser('Member Officer');
    const outsider = await newUser('Outside Officer');

    await admin.goto(`${fx.a.url}/cases/${caseId}`);
    await new CaseDetailPage(admin).summary.waitFor();
    const team = new CaseTeamSection(admin);
    await team.root.getByText('Nobody is assigned').waitFor();
    expect(await team.restricted()).toBe(false);
    await team.assign(member.user.id);
    expect(await team.restricted()).toBe(true);
    await expect(team.member(member.user.id).textContent()).resolves.toContain('Member Officer');
    await team.root.screenshot({ path: shot('admin') });

    const page = await fx.newPage();
    const signIn = new SignInPage(page);
    await signIn.goto(fx.a.url);
    await signIn.signIn(outsider.user.email, outsider.one_time_password);
    await signIn.changePassword(outsider.one_time_password, NEW_PASSWORD);
    await new ShellPage(page).waitForShell();
    await page.goto(`${fx.a.url}/cases/${caseId}`);
    // The case does not exist for an officer outside its team: its page says so, and the section never shows.
    await page.getByRole('alert').first().waitFor();
    expect(await new CaseTeamSection(page).root.count()).toBe(0);
    expect(await page.locator(`[data-case="${caseId}"]`).count()).toBe(0);
    const listed = await page.evaluate(async () => ((await (await fetch('/api/v1/cases?limit=500')).json()) as { cases: { case_id: string }[] }).cases.map((c) => c.case_id));
    expect(listed).not.toContain(caseId);
    await page.screenshot({ path: shot('outsider'), fullPage: true });

    // The section in Russian and Uzbek: every text from that language's catalogue, no key left raw.
    const shell = new ShellPage(admin);
    for (const lang of ['ru', 'uz'] as const) {
      await shell.selectLanguage(lang);
      const texts = locale(lang).cases.team;
      await team.root.getByRole('heading', { name: texts.title }).waitFor();
      const text = (await team.root.textContent()) ?? '';
      expect(text, lang).toContain(texts.restricted);
      expect(text, lang).toContain(texts.member);
      expect(text, lang).not.toMatch(/cases\.team\.|roles\.[a-z]/);
      expect(text, lang).not.toContain(locale('en').cases.team.restricted);
      await team.root.screenshot({ path: shot(`admin-${lang}`) });
    }
    await shell.selectLanguage('en');

    await team.remove(member.user.id);
    expect(await team.restricted()).toBe(false);
    await page.reload();
    await new CaseTeamSection(page).root.getByText('Nobody is assigned').waitFor();
    const attachments = new AttachmentsSection(page);
    await attachments.root.getByTestId('attach-file').waitFor({ state: 'attached' });
    expect(fx.errors).toEqual([]);
  });
});
