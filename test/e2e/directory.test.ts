import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import type { NodeProcess } from '../_util/node-process.js';
import { PGP_FINGERPRINT, PGP_KEY } from '../directory/_keys.js';
import { DirectoryPage } from './page-models/directory-page.js';
import { PingTestsPage } from './page-models/ping-tests-page.js';
import { ShellPage } from './page-models/shell-page.js';

/** Cooperation → Directory in Chromium: an entry published on one node and found on the other. */

/** Long enough for a delivery to the other node. */
const POLL = { timeout: 30_000, interval: 500 };
const AUTHORITY = {
  en: 'Cybercrime Department of Uzbekistan',
  ru: 'Управление по борьбе с киберпреступностью Узбекистана',
  uz: 'Oʻzbekiston kiberjinoyatchilikka qarshi kurash boshqarmasi',
};
/** Pasted as people do: lower case, in groups of four; kept and shown as upper-case hex. */
const PGP_PASTED = PGP_FINGERPRINT.toLowerCase().replace(/(.{4})(?!$)/g, '$1 ');
const PGP_SHOWN = PGP_FINGERPRINT.replace(/(.{4})(?!$)/g, '$1 ');
const CONTACT = {
  nameEn: 'Duty officer',
  nameRu: 'Дежурный офицер',
  nameUz: 'Navbatchi ofitser',
  languages: 'en, ru, uz',
  phone: '+998 71 200 00 00',
  email: 'duty@cyber.example.uz',
  channels: [{ kind: 'PGP key' as const, value: PGP_PASTED, material: PGP_KEY }],
};
/** The node's identity as startNodeProcess writes it: the form starts from it. */
const NODE_NAMES = { en: 'Uzbekistan national CERT', ru: 'Национальный CERT Узбекистана', uz: 'Oʻzbekiston milliy CERT' };

/** Tashkent's wall clock now and a minute ago (the card renews its clock every 30 s). */
function tashkentTimes(): string[] {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tashkent', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return [f.format(new Date()), f.format(new Date(Date.now() - 60_000))];
}

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

    // the form starts from what the node knows: its names in every language and its kinds of authority
    await expect.poll(() => onA.directory.field('Authority name (English)').inputValue()).toBe(NODE_NAMES.en);
    expect(await onA.directory.field('Authority name (Russian)').inputValue()).toBe(NODE_NAMES.ru);
    expect(await onA.directory.field('Authority name (Uzbek)').inputValue()).toBe(NODE_NAMES.uz);
    expect(await onA.directory.checkedKinds()).toEqual(['CERT']);
    await onA.shell.screenshot(shot('form-en'));
    await onA.shell.selectLanguage('ru');
    await onA.directory.form.getByLabel('Имя (узбекский)', { exact: true }).waitFor();
    await onA.shell.screenshot(shot('form-ru'));
    await onA.shell.selectLanguage('uz');
    await onA.directory.form.getByLabel('Ism (oʻzbekcha)', { exact: true }).waitFor();
    await onA.shell.screenshot(shot('form-uz'));
    await onA.shell.selectLanguage('en');

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
    expect(await contact.locator('[data-cell="escalation"]').textContent()).toBe('1st');
    expect(await contact.locator('[data-cell="hours"]').textContent()).toBe('24/7');
    expect(await contact.locator('[data-channel="pgp"] .key-fingerprint').textContent()).toBe(PGP_SHOWN);
    // the country by name, the authority's local time, whether it is staffed now, kinds as labels, what B last heard from A
    expect(await onB.directory.cardCell('uz-cert', 'country').textContent()).toBe('Uzbekistan');
    expect(await onB.directory.cardCell('uz-cert', 'kinds').textContent()).toBe('CERT, Police');
    const localTime = (await onB.directory.cardCell('uz-cert', 'local-time').textContent()) ?? '';
    expect(tashkentTimes().map((time) => `Local time ${time} (Asia/Tashkent)`)).toContain(localTime);
    expect(await onB.directory.availability('uz-cert').textContent()).toBe('Available now');
    expect(await onB.directory.cardCell('uz-cert', 'last-contact').textContent()).toMatch(/^Last contact (just now|\d+ (seconds?|minutes?) ago|less than a minute ago)/);
    await card.screenshot({ path: shot('card-en') });
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
    expect(await contact.locator('[data-cell="name"]').textContent()).toBe(CONTACT.nameRu);
    expect(await onB.directory.cardCell('uz-cert', 'country').textContent()).toBe('Узбекистан');
    expect(await onB.directory.cardCell('uz-cert', 'kinds').textContent()).toBe('CERT, Полиция');
    expect(await onB.directory.availability('uz-cert').textContent()).toBe('Сейчас на связи');
    await onB.shell.screenshot(shot('ru'));
    await card.screenshot({ path: shot('card-ru') });
    await onB.shell.selectLanguage('uz');
    await onB.shell.heading('Maʼlumotnoma').waitFor();
    expect(await onB.directory.authority('uz-cert')).toBe(AUTHORITY.uz);
    expect(await card.locator('[data-freshness]').first().textContent()).toBe('Amalda');
    expect(await contact.locator('[data-cell="name"]').textContent()).toBe(CONTACT.nameUz);
    expect(await onB.directory.cardCell('uz-cert', 'country').textContent()).toBe('Oʻzbekiston');
    expect(await onB.directory.availability('uz-cert').textContent()).toBe('Hozir aloqada');
    await onB.shell.screenshot(shot('uz'));
    await card.screenshot({ path: shot('card-uz') });
    await onB.shell.selectLanguage('en');

    // the printable copy: every entry with its contacts and channels, and the print button
    await onB.directory.openTab('print');
    await onB.directory.printView.locator('[data-node="uz-cert"]').waitFor();
    expect(await onB.directory.printView.textContent()).toContain(PGP_SHOWN);
    expect(await onB.directory.printView.getByTestId('generated-at').textContent()).toMatch(/^Generated /);
    expect(await onB.directory.printButton.isVisible()).toBe(true);
    await onB.page.emulateMedia({ media: 'print' });
    expect(await onB.directory.printButton.isVisible()).toBe(false);
    expect(await onB.shell.page.locator('nav.sidebar').isVisible()).toBe(false);
    await onB.shell.screenshot(shot('print'));
    await onB.page.emulateMedia({ media: 'screen' });

    // B's card shows the last ping test it sent A: B asks, A's duty officer confirms
    const pingB = new PingTestsPage(onB.page);
    await pingB.open();
    await pingB.startNode('uz-cert');
    await pingB.started.waitFor();
    const pingA = new PingTestsPage(onA.page);
    await onA.shell.open('directory');
    await pingA.open();
    await pingA.request('kz-cert').waitFor({ timeout: POLL.timeout });
    await pingA.confirm('kz-cert');
    await expect
      .poll(async () => {
        // the search tab reads the ping tests when it opens
        await onB.directory.openTab('print');
        await onB.directory.openTab('search');
        await onB.directory.card('uz-cert').waitFor();
        return onB.directory.cardCell('uz-cert', 'last-ping-test').getAttribute('data-status');
      }, POLL)
      .toBe('answered');
    expect(await onB.directory.cardCell('uz-cert', 'last-ping-test').textContent()).toMatch(/^Last ping test answered in \d+ s, /);
    expect(errors).toEqual([]);
  });
});
