import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import type { NodeProcess } from '../_util/node-process.js';
import { GroupsPage } from './page-models/groups-page.js';
import { ShellPage } from './page-models/shell-page.js';

/** Federation → Groups in Chromium: a bilateral group founded on one node and consented to on the other. */

/** Long enough for a delivery plus at least two 5-second refreshes of the page. */
const POLL = { timeout: 30_000, interval: 250 };
const GROUP = 'Uzbekistan – Kazakhstan';
const TITLE = 'UZ–KZ cooperation';
const INSTRUMENT = 'Bilateral intergovernmental agreement';

function shot(name: string): string {
  return resolve(RESULTS, `groups-${name}.png`);
}

describe('groups page', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  const errors = fx.errors;
  let a: NodeProcess;
  let b: NodeProcess;
  beforeAll(() => {
    ({ a, b } = fx);
  });

  /** Signs in to a node as its first admin, replaces the one-time password, and opens Groups. */
  async function signInToGroups(node: NodeProcess): Promise<{ page: Page; shell: ShellPage; groups: GroupsPage }> {
    const { page, shell } = await fx.signInAsAdmin(node);
    await shell.open('groups');
    await shell.heading('Groups').waitFor();
    return { page, shell, groups: new GroupsPage(page) };
  }

  it('founds a bilateral group on one node, consents on the other, and both show it active with its signed history', async () => {
    const onA = await signInToGroups(a);
    expect(await onA.shell.navLink('groups').textContent()).toBe('Groups');
    await onA.page.getByText('No groups yet.').waitFor();

    // a bilateral group has exactly two members: the form says so before the server does
    await onA.groups.create({ name: GROUP, level: 'Global', members: [], title: TITLE, instrument: INSTRUMENT });
    await onA.groups.createForm.getByText('Choose at least one peer to invite.').waitFor();

    await onA.groups.create({ name: GROUP, level: 'Bilateral', members: ['kz-cert'], title: TITLE, instrument: INSTRUMENT, channels: 'federation', languages: 'ru, en', confidentiality: 'Used only for the purposes of the request.' });
    await onA.page.getByText(`Group “${GROUP}” is proposed.`).waitFor();
    await onA.groups.row(GROUP).waitFor();
    expect(await onA.groups.text(GROUP, 'status')).toBe('Proposed');
    expect(await onA.groups.text(GROUP, 'level')).toBe('Bilateral');
    expect(await onA.groups.text(GROUP, 'agreement')).toBe(TITLE);
    // the members it will have, not "0"
    expect(await onA.groups.text(GROUP, 'members')).toBe('2 proposed');

    await onA.groups.open(GROUP);
    expect(await onA.groups.status()).toBe('proposed');
    expect(await onA.groups.agreement()).toMatchObject({ Title: TITLE, Instrument: INSTRUMENT, Channels: 'federation', 'Working languages': 'ru, en' });
    const founding = onA.groups.proposal('Found the group');
    expect(await founding.locator('[data-cell="pending"] [data-node]').getAttribute('data-node')).toBe('kz-cert');
    expect(await founding.getByRole('button', { name: 'Consent' }).count()).toBe(0); // the founder's proposal is its consent
    // the count and the list agree: the founder is no voter, so none of the one consent needed is there yet
    expect(await founding.locator('[data-cell="progress"]').textContent()).toBe('0 of 1 needed');
    expect(await founding.locator('[data-cell="consented"] [data-node]').count()).toBe(0);
    expect(await onA.groups.proposedMembers()).toEqual([
      { node: 'uz-cert', answer: 'founder' },
      { node: 'kz-cert', answer: 'pending' },
    ]);

    // on B the invitation arrives by federation; B's admin consents
    const onB = await signInToGroups(b);
    await onB.groups.row(GROUP).waitFor({ timeout: POLL.timeout });
    expect(await onB.groups.text(GROUP, 'name')).toContain('Awaiting your answer: 1');
    await onB.groups.open(GROUP);
    expect(await onB.groups.status()).toBe('proposed');
    expect(await onB.page.getByText('This node is invited.').count()).toBe(1);
    await onB.page.getByRole('button', { name: 'Consent' }).waitFor();
    await onB.shell.screenshot(shot('invited'));
    // consenting is a signed act of the authority: a dialog asks first, and cancelling signs nothing
    await onB.groups.proposal('Found the group').getByRole('button', { name: 'Consent' }).click();
    await onB.groups.consentDialog.waitFor();
    expect(await onB.groups.consentDialog.textContent()).toContain('cannot be withdrawn');
    await onB.page.keyboard.press('Escape');
    await onB.groups.consentDialog.waitFor({ state: 'hidden' });
    expect(await onB.groups.status()).toBe('proposed');
    await onB.groups.consent('Found the group');
    await expect.poll(() => onB.groups.status(), POLL).toBe('active');
    expect((await onB.groups.members()).sort()).toEqual(['kz-cert', 'uz-cert']);
    expect(await onB.groups.member('kz-cert').textContent()).toContain('this node');

    // A's page refreshes by itself: the group is active with both members
    await expect.poll(() => onA.groups.status(), POLL).toBe('active');
    expect((await onA.groups.members()).sort()).toEqual(['kz-cert', 'uz-cert']);
    expect(await onA.groups.member('uz-cert').textContent()).toContain('this node');
    expect(await onA.groups.proposals.count()).toBe(0);
    await onA.page.getByText('No open proposals.').waitFor();
    await onA.page.getByText('All members must consent').waitFor();

    // the signed history: A's founding proposal and B's consent, each with its signer's key
    const events = await onA.groups.events();
    expect(events.map(({ type, kind, author, counted }) => ({ type, kind, author, counted }))).toEqual([
      { type: 'proposal', kind: 'create', author: 'uz-cert', counted: 'true' },
      { type: 'consent', kind: null, author: 'kz-cert', counted: 'true' },
    ]);
    expect(events[0]!.key).toBe(a.fingerprint);
    expect(events[1]!.key).toBe(b.fingerprint);
    expect(await onA.groups.history.locator('[data-cell="event"]').allTextContents()).toEqual(['Proposal: Found the group', 'Consent']);

    // members of an active group may propose changes
    const propose = onA.page.locator('form', { has: onA.page.getByRole('heading', { name: 'Propose' }) });
    await propose.waitFor();
    // a bilateral group keeps its two members: only its agreement and quorum can change
    expect(await propose.getByLabel('Change', { exact: true }).locator('option').allTextContents()).toEqual(['Change the agreement', 'Change the quorum']);
    await onA.shell.screenshot(shot('en'));

    // the page in Russian and Uzbek
    await onA.shell.selectLanguage('ru');
    await onA.page.getByRole('heading', { level: 2, name: 'Подписанная история' }).waitFor();
    expect(await onA.groups.summary.textContent()).toContain('Двусторонняя');
    expect(await onA.groups.summary.textContent()).toContain('Активна');
    await onA.shell.screenshot(shot('ru'));
    await onA.shell.selectLanguage('uz');
    await onA.page.getByRole('heading', { level: 2, name: 'Imzolangan tarix' }).waitFor();
    expect(await onA.groups.summary.textContent()).toContain('Ikki tomonlama');
    expect(await onA.groups.summary.textContent()).toContain('Faol');
    await onA.shell.screenshot(shot('uz'));
    await onA.shell.selectLanguage('en');

    // back to the list: active, two members
    await onA.page.getByRole('button', { name: 'All groups' }).click();
    await expect.poll(() => onA.groups.text(GROUP, 'status'), POLL).toBe('Active');
    expect(await onA.groups.text(GROUP, 'members')).toBe('2');
    expect(errors).toEqual([]);
  });
});
