import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../_util/node-process.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { CaseDetailPage, CaseListPage, DraftFormPage, pdfText } from './page-models/cases-pages.js';

/**
 * Cases in Chromium across two node processes: uz-cert drafts an expedited preservation
 * request to kz-cert, the form holds it back until the field its legal basis requires is
 * filled, kz-cert acknowledges and preserves, uz-cert sees the new status and kz-cert's
 * signed receipt, and prints the formal letter to PDF.
 */

/** Long enough for a delivery and a live reload (the pages also poll once a minute). */
const POLL = { timeout: 20_000, interval: 200 };
const SUBJECT = 'Ransomware command server logs';
const REFERENCE = 'UZ-2026-0117';
const RU_FACTS = 'Атака программы-вымогателя зашифровала системы областной больницы 20 ноября 2026 г.';

function shot(name: string): string {
  return resolve(RESULTS, `cases-${name}.png`);
}

describe('cases pages', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  let a: NodeProcess;
  let b: NodeProcess;
  beforeAll(() => {
    ({ a, b } = fx);
  });

  it('drafts a preservation request, holds it until complete, and both nodes follow it to preservation with receipts and a printable letter', async () => {
    const [onA, onB] = await Promise.all([fx.signInAsAdmin(a), fx.signInAsAdmin(b)]);
    await onA.shell.open('cases');
    await onA.shell.heading('Cooperation requests').waitFor();
    await onA.page.getByText('No requests match.').waitFor();
    await new CaseListPage(onA.page).newRequest();

    const draft = new DraftFormPage(onA.page);
    await draft.choose('Requested node', b.nodeId);
    await draft.choose('Request type', 'preservation-stored-data');
    // the type's legal bases only, in the reader's words
    expect(await draft.form.getByLabel('Legal basis', { exact: true }).locator('option').allTextContents()).toEqual(['UN Convention art. 42', 'Budapest Convention art. 29']);
    await draft.choose('Priority', 'urgent');
    await draft.fill('Subject', SUBJECT);
    await draft.fill('Reference', REFERENCE);
    await draft.fill('Requesting authority', 'Cybercrime unit, Ministry of Internal Affairs, Tashkent');
    await draft.choose('Offences', ['un-cybercrime-7', 'un-cybercrime-9']);
    // the corresponding offence of the other convention is shown with each one chosen
    expect(await draft.form.locator('[data-offence="un-cybercrime-7"]').textContent()).toContain('Budapest Convention art. 2: Illegal access');
    await draft.fill('Data to be preserved and their link to the offence', 'Access logs of the server at 203.0.113.7, 15–25 November 2026.');
    await draft.fill('Why preservation is necessary', 'The provider keeps logs for 30 days only.');
    await draft.check('A request for mutual legal assistance will follow');
    expect(await draft.fieldSource('Summary of the facts').textContent()).toBe('UN Convention art. 42(3)(b)');
    // a Russian translation of one text field
    await onA.page.locator('#translation-language').selectOption('ru');
    await draft.form.getByRole('button', { name: 'Add translation' }).click();
    await draft.fill('Summary of the facts (Русский)', RU_FACTS);
    await draft.save();

    // saved, not sendable: the missing field is listed at the top and shown at the field
    await onA.page.waitForURL(/\/cases\/drafts\/[0-9a-f-]{36}$/);
    expect(await draft.problems()).toEqual(['Summary of the facts: Required by UN Convention art. 42(3)(b)']);
    expect(await draft.fieldError('Summary of the facts').textContent()).toBe('Required by UN Convention art. 42(3)(b)');
    expect(await draft.sendButton.isDisabled()).toBe(true);
    await onA.shell.screenshot(shot('draft-problems'));

    // filled: Send saves and sends, and the case page opens
    await draft.fill('Summary of the facts', 'A ransomware attack encrypted the systems of a regional hospital on 20 November 2026.');
    expect(await draft.sendButton.isDisabled()).toBe(false);
    await draft.sendButton.click();
    await onA.page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const caseId = onA.page.url().split('/').pop()!;
    const onACase = new CaseDetailPage(onA.page);
    await onACase.summary.waitFor();
    expect(await onACase.status()).toBe('sent');
    const code = await onACase.verificationCode();
    expect(code).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    await onA.page.locator('.handling-codes [data-code="use_limited_to_proceedings"]').waitFor();

    // on B the request arrives in the incoming list; B acknowledges it and preserves the data
    await onB.shell.open('cases');
    const listB = new CaseListPage(onB.page);
    await listB.row(SUBJECT).waitFor({ timeout: POLL.timeout });
    expect(await listB.row(SUBJECT).getAttribute('data-direction')).toBe('incoming');
    expect(await listB.row(SUBJECT).locator('[data-cell="priority"]').textContent()).toBe('Urgent');
    expect(await listB.row(SUBJECT).locator('[data-cell="due"]').textContent()).toMatch(/^due in /);
    await onB.shell.screenshot(shot('list-on-b'));
    await listB.row(SUBJECT).getByRole('link', { name: SUBJECT }).click();
    const onBCase = new CaseDetailPage(onB.page);
    await onBCase.summary.waitFor();
    expect(await onBCase.verificationCode()).toBe(code);
    expect(await onB.page.locator('[data-cell="ack-due"]').textContent()).toMatch(/^due in /);
    await onBCase.act('acknowledge');
    await expect.poll(() => onBCase.status(), POLL).toBe('acknowledged');
    // preservation: the date is prefilled at the legal minimum, 60 days ahead
    await onBCase.act('preserve', async (form) => {
      const until = await form.getByLabel('Preserved until', { exact: true }).inputValue();
      expect(Math.round((Date.parse(until) - Date.parse(new Date().toISOString().slice(0, 10))) / 86_400_000)).toBe(60);
    });
    await expect.poll(() => onBCase.status(), POLL).toBe('preserved');
    await onB.shell.screenshot(shot('preserved-on-b'));
    // the case in Russian and Uzbek
    await onB.shell.selectLanguage('ru');
    expect(await onBCase.summary.locator('[data-status]').first().textContent()).toBe('Данные сохранены');
    expect(await onB.page.locator('.case-timeline li[data-action="acknowledge"] .event-action').textContent()).toBe('Получение подтверждено');
    await onB.shell.selectLanguage('uz');
    expect(await onBCase.summary.locator('[data-status]').first().textContent()).toBe('Maʼlumotlar saqlangan');

    // A's page follows by itself: preserved, with B's signed receipt of the opening
    await expect.poll(() => onACase.status(), POLL).toBe('preserved');
    const opening = onACase.event('open');
    await expect.poll(() => opening.locator('[data-delivery]').getAttribute('data-delivery'), POLL).toBe('delivered');
    await opening.locator('[data-receipt] summary').first().click();
    expect(await opening.locator('[data-receipt-by]').textContent()).toBe(b.nodeId);
    expect(await onACase.event('preserve').getAttribute('data-author')).toBe(b.nodeId);
    expect(await onACase.event('acknowledge').locator('.event-head').textContent()).toContain('Acknowledged');
    await onA.shell.screenshot(shot('receipt-on-a'));

    // the formal letter, without the app around it, printed to PDF
    await onA.page.locator('a[data-action="letter"]').click();
    await onA.page.waitForURL(new RegExp(`/cases/${caseId}/letter$`));
    await onA.page.locator('article.letter').waitFor();
    expect(await onA.page.locator('nav.sidebar').count()).toBe(0);
    await onA.page.locator('.letter-footer').getByText(code).waitFor();
    await onA.page.screenshot({ path: shot('letter'), fullPage: true });
    const pdf = await onA.page.pdf({ format: 'A4', printBackground: true });
    const { text, pages } = await pdfText(new Uint8Array(pdf));
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(text).toContain(SUBJECT);
    expect(text).toContain('United Nations Convention against Cybercrime, article 42');
    expect(text).toContain(`Verify: case ${caseId}, code ${code}`);
    expect(text).not.toContain('Print / save as PDF');
    // the same letter from the Russian translation: labels and translated text in Russian
    await onA.page.locator('#letter-language').selectOption('ru');
    const facts = onA.page.locator('.letter-section[data-field="facts_summary"]');
    await facts.locator('h2', { hasText: 'Краткое изложение фактов' }).waitFor();
    expect(await facts.textContent()).toContain(RU_FACTS);
    expect(await onA.page.locator('.letter-footer').textContent()).toBe(`Проверка: дело ${caseId}, код ${code}`);

    // statistics: one outgoing preservation request to B, acknowledged, none refused
    await onA.page.goto(`${a.url}/cases/statistics`);
    const row = onA.page.locator(`tr[data-peer="${b.nodeId}"][data-type="preservation-stored-data"][data-direction="outgoing"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe('1');
    expect(await row.locator('[data-cell="refused"]').textContent()).toMatch(/^0/);
    expect(await onA.page.locator('a[data-action="csv"]').getAttribute('href')).toBe('/api/v1/cases/statistics.csv');
    expect(await onA.page.locator('.stats-chart svg').count()).toBe(3);
    await onA.shell.screenshot(shot('statistics'));
    expect(fx.errors).toEqual([]);
  });
});
