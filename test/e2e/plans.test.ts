import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../_util/node-process.js';
import { waitFor } from '../federation/_federation.js';
import { pdfText } from './page-models/cases-pages.js';
import { PlansPage } from './page-models/plans-page.js';
import { formBilateralGroup, RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';

/** Cooperation → Plans in Chromium: a plan of a bilateral group, an item added, an overdue item highlighted, the reports. */

const GROUP = 'Uzbekistan – Kazakhstan';
const TITLE = 'План взаимодействия на 2026–2027 годы';
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe('plans page', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    ({ a, b } = fx);
    await formBilateralGroup(a, b, GROUP, ['--instrument', 'Bilateral agreement', '--language', 'ru']);
  }, TIMEOUT);

  it('founds a plan, adds items, highlights the overdue one until its owner reports it done, and exports the report', async () => {
    const { page } = await fx.signInAsAdmin(a);
    const plans = new PlansPage(page);
    await plans.openFromSidebar();
    await page.getByText('No plans yet.').waitFor();

    await plans.create({ group: GROUP, title: TITLE, agreement: 'SCO Agreement on cooperation in ensuring international information security (Yekaterinburg, 16 June 2009)' });
    await page.getByText(`Plan “${TITLE}” created and sent to the group's members.`).waitFor();
    await plans.row(TITLE).waitFor();
    await plans.open(TITLE);
    await page.getByTestId('instrument-unconfirmed').waitFor();

    await plans.addItem({ title: 'Обмен контактами 24/7', owner: 'uz-cert', deadline: day(-2), description: 'Списки контактных пунктов' });
    await page.getByText('Item added.').waitFor();
    await plans.addItem({ title: 'Совместные учения', owner: 'kz-cert', deadline: day(30) });
    await page.getByText('Item proposed to kz-cert: it takes effect when kz-cert accepts.').waitFor();

    const late = plans.item('Обмен контактами 24/7');
    expect(await late.getAttribute('data-overdue')).toBe('true');
    expect(await late.getByTestId('overdue-flag').textContent()).toBe('Overdue by 2 d.');
    // highlighted: the overdue row's cells have a red tint the others do not
    const tint = (title: string) => plans.item(title).locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
    expect(await tint('Обмен контактами 24/7')).not.toBe(await tint('Совместные учения'));
    expect(await plans.item('Совместные учения').locator('[data-cell="status"]').textContent()).toBe('Proposed, waiting for kz-cert');
    expect(await page.getByTestId('plan-overdue-count').textContent()).toBe('1');
    await page.screenshot({ path: resolve(RESULTS, 'plans-overdue.png'), fullPage: true });

    // the report buttons: the HTML report and a PDF with the plan's Russian text
    const html = await page.request.get(new URL((await plans.exportLink('HTML').getAttribute('href'))!, a.url).toString());
    expect(html.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain(TITLE);
    const pdf = await page.request.get(new URL((await plans.exportLink('PDF').getAttribute('href'))!, a.url).toString());
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const text = (await pdfText(new Uint8Array(await pdf.body()))).text;
    for (const s of [TITLE, 'Обмен контактами 24/7', 'Совместные учения']) expect(text).toContain(s);

    await plans.publishStatus('Обмен контактами 24/7', 'Done', 'Списки переданы');
    await waitFor('the item done', async () => (await late.getAttribute('data-overdue')) === 'false');
    expect(await late.locator('[data-cell="status"]').textContent()).toBe('Done');
    await late.getByText('Списки переданы').waitFor();
    expect(fx.errors).toEqual([]);
  });
});
