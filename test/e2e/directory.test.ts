import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import type { NodeProcess } from '../_util/node-process.js';
import { DirectoryPage } from './page-models/directory-page.js';
import { ShellPage } from './page-models/shell-page.js';

/** Cooperation → Directory in Chromium: an entry published on one node and found on the other. */

/** Long enough for a delivery to the other node. */
const POLL = { timeout: 30_000, interval: 500 };
const AUTHORITY = {
  en: 'Cybercrime Department of Uzbekistan',
  ru: 'Управление по борьбе с киберпреступностью Узбекистана',
  uz: 'Oʻzbekiston kiberjinoyatchilikka qarshi kurash boshqarmasi',
};
const CONTACT = { nameEn: 'Duty officer', nameRu: 'Дежурный офицер', languages: 'en, ru, uz', phone: '+998 71 200 00 00', email: 'duty@cyber.example.uz' };

function shot(name: string): string {
  return resolve(RESULTS, `directory-${name}.png`);
}

describe('directory page', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  const errors = fx.errors;
  let a: NodeProcess;
  let b: NodeProcess;
  beforeAll(() => {
    ({ a, b } = fx);
  });

  /** Signs in to a node as its first admin, replaces the one-time password, and opens the Directory. */
  async function signInToDirectory(node: NodeProcess): Promise<{ page: Page; shell: ShellPage; directory: DirectoryPage }> {
    const { page, shell } = await fx.signInAsAdmin(node);
    await shell.open('directory');
    await shell.heading('Directory').waitFor();
    return { page, shell, directory: new DirectoryPage(page) };
  }

  it('publishes our entry on one node and finds it on the other by its Russian name', async () => {
    const onA = await signInToDirectory(a);
    expect(await onA.shell.navLink('directory').textContent()).toBe('Directory');
    await onA.directory.openTab('own');
    await onA.directory.ownState.getByText('This node has not published an entry yet.').waitFor();

    // valid for 10 days only: re-confirmation is due within the two-week warning period
    await onA.directory.publish({ authority: AUTHORITY, timeZone: 'Asia/Tashkent', kinds: ['Police'], validDays: 10, contact: CONTACT });
    await onA.directory.published.waitFor();
    expect(await onA.directory.published.textContent()).toContain('Version 1 is published.');
    expect(await onA.directory.published.textContent()).toContain('Published to: Uzbekistan national CERT.'); // startNodeProcess names every node so
    expect(await onA.directory.ownState.textContent()).toContain('version 1');
    expect(await onA.directory.ownState.locator('[data-freshness]').getAttribute('data-freshness')).toBe('expiring');
    await onA.shell.screenshot(shot('own'));

    // re-confirming publishes the entry unchanged as version 2, valid for the default 180 days
    await onA.directory.reconfirm.click();
    await expect.poll(() => onA.directory.published.textContent()).toContain('Version 2 is published.');
    expect(await onA.directory.ownState.locator('[data-freshness]').getAttribute('data-freshness')).toBe('valid');
    expect(await onA.directory.reconfirm.count()).toBe(0);

    // on B the entry arrives by federation: search for A's Russian name (case does not matter)
    const onB = await signInToDirectory(b);
    await expect
      .poll(async () => {
        await onB.directory.search('управление по борьбе');
        await onB.page.getByTestId('directory-count').waitFor();
        return onB.directory.card('uz-cert').count();
      }, POLL)
      .toBe(1);
    const card = onB.directory.card('uz-cert');
    expect(await onB.directory.freshness('uz-cert')).toBe('valid');
    expect(await card.locator('[data-freshness]').first().textContent()).toBe('Valid');
    expect(await onB.directory.authority('uz-cert')).toBe(AUTHORITY.en);
    expect(await card.textContent()).toContain('version 2');
    expect(await card.textContent()).toMatch(/published (just now|\d+ seconds? ago)/);
    const contact = onB.directory.contacts('uz-cert');
    expect(await contact.count()).toBe(1);
    expect(await contact.getAttribute('data-role')).toBe('law_enforcement_24_7');
    expect(await contact.locator('[data-cell="role"]').textContent()).toBe('Law enforcement 24/7');
    expect(await contact.locator('[data-cell="name"]').textContent()).toBe(CONTACT.nameEn);
    expect(await contact.locator('[data-cell="hours"]').textContent()).toBe('24/7');
    expect(await contact.locator('[data-cell="languages"]').textContent()).toBe('en, ru, uz');
    expect(await contact.getByRole('link', { name: CONTACT.phone }).getAttribute('href')).toBe('tel:+998712000000');
    expect(await contact.getByRole('link', { name: CONTACT.email }).getAttribute('href')).toBe(`mailto:${CONTACT.email}`);
    // the export links carry the current search
    expect(await onB.directory.exportLink('csv').getAttribute('href')).toBe(`/api/v1/directory/export?q=${encodeURIComponent('управление по борьбе').replace(/%20/g, '+')}&format=csv&lang=en`);
    await onB.shell.screenshot(shot('en'));

    // the page in Russian and Uzbek: the authority's name follows the UI language
    await onB.shell.selectLanguage('ru');
    await onB.shell.heading('Справочник').waitFor();
    expect(await onB.directory.authority('uz-cert')).toBe(AUTHORITY.ru);
    expect(await card.locator('[data-freshness]').first().textContent()).toBe('Действительна');
    await onB.shell.screenshot(shot('ru'));
    await onB.shell.selectLanguage('uz');
    await onB.shell.heading('Maʼlumotnoma').waitFor();
    expect(await onB.directory.authority('uz-cert')).toBe(AUTHORITY.uz);
    expect(await card.locator('[data-freshness]').first().textContent()).toBe('Amalda');
    await onB.shell.screenshot(shot('uz'));
    await onB.shell.selectLanguage('en');
    expect(errors).toEqual([]);
  });
});
