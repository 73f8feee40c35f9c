import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../_util/node-process.js';
import { formBilateralGroup, RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { CaseListPage, DraftFormPage } from './page-models/cases-pages.js';

/**
 * The draft form limited by the agreement in force with the peer, in Chromium across two node
 * processes: uz-cert and kz-cert are in a bilateral group whose agreement allows expedited
 * preservation of stored data under the Budapest Convention only, in Russian. The form offers
 * that type, that legal basis and Russian translations only, and says why; a type chosen before
 * the peer stays, marked, and saving it is refused by the server (400 `not_agreed`) with the
 * reason at the field.
 */

const AGREEMENT = 'UZ–KZ cybercrime agreement';

describe('cases draft form limited by the agreement with the peer', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    ({ a, b } = fx);
    await formBilateralGroup(a, b, 'UZ–KZ', ['--instrument', 'Agreement of 2024', '--title', AGREEMENT, '--request-type', 'budapest:preservation-stored-data', '--language', 'ru']);
  }, TIMEOUT);

  it('offers only the types, legal bases and languages the agreement allows, says why, and shows the refusal of another type at its field', async () => {
    const { page, shell } = await fx.signInAsAdmin(a);
    await shell.open('cases');
    await new CaseListPage(page).newRequest();
    const draft = new DraftFormPage(page);
    const typeSelect = draft.form.getByLabel('Request type', { exact: true });
    const typeField = draft.form.locator('.field', { has: page.getByLabel('Request type', { exact: true }) });
    const allowedTypes = () => typeSelect.locator('option[data-allowed="true"]').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));

    // No peer yet: every type is offered.
    await expect.poll(async () => (await allowedTypes()).length).toBe(10);
    // A type chosen before the peer that the agreement does not allow: it stays, marked.
    await draft.choose('Request type', 'mla-production');
    await draft.choose('Requested node', b.nodeId);
    await expect.poll(allowedTypes).toEqual(['preservation-stored-data']);
    const offered = await typeSelect.locator('option:not([value=""])').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(offered.map(([v]) => v)).toEqual(['preservation-stored-data', 'mla-production']);
    expect(offered[1]![1]).toMatch(/ — not in the agreements with this peer$/);
    // ... and the form says why.
    expect(await typeField.locator('.hint').first().textContent()).toBe(
      `Agreements with this peer: ${AGREEMENT}. The types they allow come first. 9 request types are not offered: no agreement in force with this peer, or its requirements profile, allows them.`,
    );

    // Saving it anyway: the server refuses it (400 not_agreed at the type) and the form says so at the field.
    await draft.fill('Subject', 'Production of subscriber data');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v1/cases/drafts') && r.request().method() === 'POST'), draft.form.getByRole('button', { name: 'Save draft' }).click()]);
    expect(refused.status()).toBe(400);
    expect(((await refused.json()) as { errors: { pointer: string; code: string }[] }).errors.map((e) => [e.pointer, e.code])).toEqual([['/content/type', 'not_agreed']]);
    expect(await draft.fieldError('Request type').textContent()).toBe('The agreements with this peer do not provide for Mutual legal assistance: production of stored data');
    await shell.screenshot(resolve(RESULTS, 'cases-agreement-refused.png'));

    // The allowed type: its legal basis under the Budapest Convention only, translations in Russian only.
    await draft.choose('Request type', 'preservation-stored-data');
    await expect.poll(() => typeSelect.locator('option:not([value=""])').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['preservation-stored-data']);
    const basis = draft.form.getByLabel('Legal basis', { exact: true });
    expect(await basis.locator('option').allTextContents()).toEqual(['Budapest Convention art. 29']);
    expect(await draft.form.locator('.field', { has: page.getByLabel('Legal basis', { exact: true }) }).locator('.hint').first().textContent()).toBe('Only the legal bases that the agreements in force with this peer allow are offered.');
    expect(await page.locator('[data-accepted]').getAttribute('data-accepted')).toBe('ru');
    expect(await page.locator('#translation-language option:not([value=""])').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['ru']);
    // The type's refusal is gone with the type.
    expect(await draft.fieldError('Request type').count()).toBe(0);
    await shell.screenshot(resolve(RESULTS, 'cases-agreement-limited.png'));
    expect(fx.errors).toEqual([]);
  });
});
