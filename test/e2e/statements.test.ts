import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../_util/node-process.js';
import { waitFor } from '../federation/_federation.js';
import { GroupsPage } from './page-models/groups-page.js';
import { StatementsPage } from './page-models/statements-page.js';
import { formBilateralGroup, RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';

/**
 * Cooperation → Statements in Chromium on two nodes: A drafts an agreement in English and
 * Russian, B proposes an amendment, A accepts it, both consent to adoption, both sign, and the
 * offline verification on A finds every text, the digest and both signatures valid. A then
 * proposes to put its terms in force; B consents on the group's page, and the group's agreement
 * is the adopted one on both nodes, with its history.
 */

const GROUP = 'Uzbekistan – Kazakhstan';
const TITLE = 'Agreement on incident information exchange';
const EN = 'The parties will exchange information on computer incidents within 24 hours.';
const RU = 'Стороны будут обмениваться информацией о компьютерных инцидентах в течение 24 часов.';
const RU_AMENDED = 'Стороны обмениваются информацией о компьютерных инцидентах в течение 24 часов через контактные пункты.';

describe('statements pages', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    ({ a, b } = fx);
    await formBilateralGroup(a, b, GROUP, ['--instrument', 'Bilateral agreement', '--language', 'ru']);
  }, TIMEOUT);

  it('drafts on A, amends on B, accepts on A, adopts and co-signs on both, and verifies on A', async () => {
    const pa = (await fx.signInAsAdmin(a)).page;
    const sa = new StatementsPage(pa);
    await sa.openFromSidebar();
    await pa.getByText('No statements yet.').waitFor();
    await sa.create({ group: GROUP, title: TITLE, kind: 'Agreement', texts: { en: EN, ru: RU } });
    await pa.getByText(`Statement “${TITLE}” drafted and sent to the group's members.`).waitFor();
    await sa.row(TITLE).waitFor();
    expect(await sa.row(TITLE).locator('[data-cell="state"]').textContent()).toBe('Drafting');
    await sa.open(TITLE);
    expect(await sa.version('en').textContent()).toBe(EN);
    expect(await sa.version('ru').textContent()).toBe(RU);
    const firstDigest = await pa.getByTestId('statement-digest').textContent();

    // B: the statement arrives, B proposes a new Russian text
    const { page: pb, shell: shellB } = await fx.signInAsAdmin(b);
    const sb = new StatementsPage(pb);
    await sb.openFromSidebar();
    await sb.row(TITLE).waitFor({ timeout: 60_000 });
    await sb.open(TITLE);
    await sb.proposeAmendment({ ru: RU_AMENDED });
    await pb.getByText('Amendment sent to every member.').waitFor();

    // A: the amendment arrives (the page reloads itself) and A accepts it: it is applied
    await sa.openAmendment().waitFor({ timeout: 60_000 });
    await sa.openAmendment().getByText(RU_AMENDED).waitFor();
    await sa.openAmendment().getByRole('button', { name: 'Accept' }).click();
    await waitFor('the amendment applied on A', async () => (await sa.version('ru').textContent()) === RU_AMENDED);
    expect(await sa.version('en').textContent()).toBe(EN);
    expect(await pa.getByTestId('statement-digest').textContent()).not.toBe(firstDigest);

    // adoption: A proposes, B consents
    await sa.adoption.getByRole('button', { name: 'Propose adoption of this version' }).click();
    await sa.adoption.getByText('This node consented to adopting this version.').waitFor();
    await waitFor('the new version on B', async () => (await sb.version('ru').textContent()) === RU_AMENDED, 60_000);
    await sb.adoption.getByRole('button', { name: 'Consent to adoption' }).waitFor({ timeout: 60_000 });
    await sb.adoption.getByRole('button', { name: 'Consent to adoption' }).click();
    await sb.adoption.getByTestId('adopted').waitFor();
    expect(await sb.state.textContent()).toBe('Adopted');

    // both sign
    await sb.signatures.getByRole('button', { name: 'Sign the adopted document' }).click();
    await sb.signer('kz-cert').waitFor();
    await sa.adoption.getByTestId('adopted').waitFor({ timeout: 60_000 });
    await sa.signatures.getByRole('button', { name: 'Sign the adopted document' }).click();
    await sa.signer('uz-cert').waitFor();
    await sa.signer('kz-cert').waitFor({ timeout: 60_000 });

    // verify on A: every text, the digest and both signatures check out
    await sa.signatures.getByRole('button', { name: 'Verify' }).click();
    await sa.verifyResult.waitFor();
    expect(await sa.verifyResult.getAttribute('data-valid')).toBe('true');
    expect(await sa.verifyResult.getAttribute('data-complete')).toBe('true');
    await sa.verifyResult.getByText('Valid: every text, the digest and every signature check out, and every party signed.').waitFor();
    const checks = sa.verifyResult.locator('li[data-part]');
    const parts = await checks.evaluateAll((els) => els.map((e) => [e.getAttribute('data-part'), e.getAttribute('data-ok')]));
    expect(parts).toEqual([
      ['texts.en', 'true'],
      ['texts.ru', 'true'],
      ['digest', 'true'],
      ['signatures.kz-cert', 'true'],
      ['signatures.uz-cert', 'true'],
    ]);
    await pa.screenshot({ path: resolve(RESULTS, 'statements-verified.png'), fullPage: true });

    // the signed history on A: each event with its signer, the draft first and both signatures counted
    const history = pa.getByTestId('statement-history');
    await waitFor('both signatures in the signed history', async () => (await history.locator('li[data-type="signature"][data-counted="true"]').count()) === 2, 10_000);
    expect(await history.locator('li').first().getAttribute('data-type')).toBe('statement');
    const total = await history.locator('li').count();
    expect(await pa.getByTestId('statement-history-count').textContent()).toBe(`Events: ${total}; the latest ${total} shown.`);
    expect(await pa.getByTestId('statement-history-all').count()).toBe(0);

    // the language versions side by side, stacked on a narrow screen
    const box = async (lang: string) => (await sa.version(lang).boundingBox())!;
    expect((await box('ru')).x).toBeGreaterThan((await box('en')).x);
    await pa.setViewportSize({ width: 600, height: 900 });
    await waitFor('the versions stacked', async () => (await box('ru')).x === (await box('en')).x && (await box('ru')).y > (await box('en')).y, 10_000);
    await pa.setViewportSize({ width: 1440, height: 900 });

    // the co-signed document downloads as JSON with both signatures
    const doc = await pa.request.get(new URL((await sa.downloadLink().getAttribute('href'))!, a.url).toString());
    expect(doc.status()).toBe(200);
    const body = (await doc.json()) as { texts: Record<string, string>; signatures: { node: string }[] };
    expect(body.texts).toEqual({ en: EN, ru: RU_AMENDED });
    expect(body.signatures.map((x) => x.node).sort()).toEqual(['kz-cert', 'uz-cert']);

    // A proposes to put the adopted terms in force; a bad figure is named at its field first
    const form = pa.getByTestId('in-force-form');
    await form.getByLabel('Request types').fill('preservation-stored-data, mla-production');
    await form.getByLabel('Working languages').fill('ru');
    await form.getByLabel('Acknowledge urgent requests within (hours)').fill('0');
    await form.getByRole('button', { name: 'Propose to put in force' }).click();
    const urgent = form.getByLabel('Acknowledge urgent requests within (hours)');
    await waitFor('the field at fault marked', async () => (await urgent.getAttribute('aria-invalid')) === 'true', 10_000);
    await urgent.fill('12');
    await form.getByRole('button', { name: 'Propose to put in force' }).click();
    await waitFor('the proposal on A', async () => (await sa.inForceState.getAttribute('data-status')) === 'open', 10_000);

    // B consents on the group's page, where the proposal links to the adopted agreement
    const gb = new GroupsPage(pb);
    await shellB.open('groups');
    await shellB.heading('Groups').waitFor();
    await gb.open(GROUP);
    const proposal = gb.proposal(TITLE);
    await proposal.waitFor({ timeout: 60_000 });
    await proposal.getByTestId('proposal-source').first().waitFor();
    // B checked the named source against its own copy: adopted in that version, signed by both
    const check = proposal.getByTestId('proposal-source-check');
    await check.waitFor();
    expect(await check.getAttribute('data-problem')).toBe('none');
    await gb.consent(TITLE);
    await waitFor('the agreement in force on B', async () => (await gb.agreement())['Title'] === TITLE, 30_000);
    expect((await gb.agreement())['Time to acknowledge']).toBe('urgent: 12 h');
    const timeline = pb.getByTestId('group-agreements').locator('li');
    expect(await timeline.evaluateAll((els) => els.map((e) => [e.querySelector('strong')?.textContent, e.getAttribute('data-current'), !!e.querySelector('[data-testid="agreement-source"]')]))).toEqual([
      [TITLE, 'true', true],
      ['Bilateral agreement', 'false', false],
    ]);
    await pb.screenshot({ path: resolve(RESULTS, 'statements-agreement-in-force.png'), fullPage: true });

    // A sees the terms in force too
    await waitFor('in force on A', async () => (await sa.inForceState.getAttribute('data-current')) === 'true', 60_000);
    expect(await pa.getByTestId('in-force-form').count()).toBe(0);
    expect(fx.errors).toEqual([]);
  });
});
