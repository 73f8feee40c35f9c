import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESERVATION } from '../cases/_cases.js';
import type { NodeProcess } from '../_util/node-process.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { AttachmentsSection } from './page-models/attachments-section.js';
import { CaseDetailPage } from './page-models/cases-pages.js';

/**
 * Case attachments in Chromium across two node processes (SQLite): an admin of uz-cert
 * attaches a generated file of a few MB to a case over tus, the progress bar moving to the
 * end; the file is listed with its SHA-256 and its custody log; where the node transfers
 * attachments, it arrives on kz-cert's page of the case; the case bundle is exported from the
 * page and checked in the offline /verify page; the section in English, Russian and Uzbek.
 */

const POLL = { timeout: 30_000, interval: 200 };
/** Eight 4 MiB tus chunks: enough for the progress bar to be seen between the ends. */
const SIZE = 30 * 1024 * 1024 + 12345;

function shot(name: string): string {
  return resolve(RESULTS, `case-attachments-${name}.png`);
}

/** Opens a case as the signed-in user of the page, through the API (the drafting form has its own test). */
async function sendCase(page: Page, requested: string): Promise<string> {
  return page.evaluate(
    async ({ requested, content }) => {
      const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrf_token: string };
      const headers = { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token };
      const draft = await fetch('/api/v1/cases/drafts', { method: 'POST', headers, body: JSON.stringify({ requested, content }) });
      if (draft.status !== 201) throw new Error(`draft: ${draft.status} ${await draft.text()}`);
      const sent = await fetch(`/api/v1/cases/drafts/${((await draft.json()) as { id: string }).id}/send`, { method: 'POST', headers: { 'x-csrf-token': session.csrf_token } });
      if (sent.status !== 201) throw new Error(`send: ${sent.status} ${await sent.text()}`);
      return ((await sent.json()) as { id: string }).id;
    },
    { requested, content: PRESERVATION },
  );
}

describe('case attachments pages', { timeout: TIMEOUT * 2 }, () => {
  const fx = useTwoNodeBrowser();
  let a: NodeProcess;
  let b: NodeProcess;
  let dir: string;
  let file: string;
  let sha256: string;
  beforeAll(() => {
    ({ a, b } = fx);
    dir = mkdtempSync(join(tmpdir(), 'accord-e2e-attach-'));
    file = join(dir, 'server-logs.bin');
    const bytes = randomBytes(SIZE);
    writeFileSync(file, bytes);
    sha256 = createHash('sha256').update(bytes).digest('hex');
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('attaches a file with progress, lists it with its hash and custody, and exports a bundle that the offline page verifies', async () => {
    const [onA, onB] = await Promise.all([fx.signInAsAdmin(a), fx.signInAsAdmin(b)]);
    const caseId = await sendCase(onA.page, b.nodeId);
    await onA.page.goto(`${a.url}/cases/${caseId}`);
    const caseA = new CaseDetailPage(onA.page);
    await caseA.summary.waitFor();
    const section = new AttachmentsSection(onA.page);
    await section.root.getByText('No files are attached to this case yet.').waitFor();

    // A link of modest speed: each chunk's request is held a little, so that the progress bar
    // is seen between its ends; `broken` cuts the link for the resume below.
    let broken = false;
    let patches = 0;
    await onA.page.route('**/api/v1/cases/*/attachments/uploads/*', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      if (broken) return route.abort('connectionreset');
      patches++;
      await new Promise((r) => setTimeout(r, 250));
      return route.continue();
    });

    // The upload: the progress bar is seen between its ends, then the file is listed.
    await section.attach(file, 'Access logs of 203.0.113.7, 15–25 November 2026');
    let figures = '';
    await expect
      .poll(async () => {
        const s = await section.sent();
        if (s === null || s <= 0 || s >= SIZE) return false;
        // The bar may finish between the two reads; then look again on the next poll.
        figures = (await section.progress.textContent({ timeout: 1000 }).catch(() => '')) ?? '';
        return /\d+ % · [\d.]+ (kB|MB) of 31\.5 MB · .+\/s/.test(figures);
      }, POLL)
      .toBe(true);
    await onA.shell.screenshot(shot('uploading'));
    // percentage, bytes of the whole, speed
    expect(figures).toMatch(/\d+ % · [\d.]+ (kB|MB) of 31\.5 MB · .+\/s/);
    await section.root.getByTestId('upload-done').waitFor({ timeout: 60_000 });
    expect(await section.root.getByTestId('upload-done').textContent()).toContain(sha256);
    const item = section.item('server-logs.bin');
    await item.waitFor();
    expect(await item.getAttribute('data-sha256')).toBe(sha256);
    expect(await item.getByTestId('attachment-sha256').getAttribute('title')).toBe(sha256);
    expect(await item.textContent()).toContain('31.5 MB');
    expect(await item.textContent()).toContain('application/octet-stream');

    expect(patches).toBeGreaterThanOrEqual(8);

    // A broken upload resumes: the link drops after the first chunks, the page says so; the
    // page is reloaded, the same file picked again, and the upload goes on from the node's offset.
    const second = join(dir, 'disk-image-part.bin');
    const secondBytes = randomBytes(20 * 1024 * 1024);
    writeFileSync(second, secondBytes);
    const before = patches;
    await section.attach(second, 'Part of a disk image');
    await expect.poll(() => patches - before, POLL).toBeGreaterThanOrEqual(2);
    broken = true;
    await section.root.getByTestId('upload-failed').waitFor({ timeout: 30_000 });
    await onA.shell.screenshot(shot('upload-broken'));
    broken = false;
    await onA.page.reload();
    await section.root.getByTestId('attach-file').setInputFiles(second);
    await section.root.getByTestId('attach-resumable').waitFor();
    await section.root.locator('button[data-action="attach"]', { hasText: 'Resume upload' }).click();
    const resumed = section.root.getByTestId('upload-resumed');
    await resumed.waitFor();
    expect(await resumed.textContent()).toMatch(/Resumed at [1-9][\d.]* MB already on the node/);
    await onA.shell.screenshot(shot('upload-resumed'));
    await section.root.getByTestId('upload-done').waitFor({ timeout: 60_000 });
    const secondItem = section.item('disk-image-part.bin');
    await secondItem.waitFor();
    expect(await secondItem.getAttribute('data-sha256')).toBe(createHash('sha256').update(secondBytes).digest('hex'));
    await onA.page.unroute('**/api/v1/cases/*/attachments/uploads/*');

    // The custody log of the file: its upload, then this view.
    await item.getByTestId('custody').locator('summary').click();
    await item.locator('tr[data-custody-action="upload"]').waitFor();
    expect(await item.locator('tr[data-custody-action="view"]').count()).toBeGreaterThanOrEqual(1);
    // Legal hold on and off (admins may), delete refused while the case is open.
    await item.locator('button[data-action="hold"]').click();
    await item.locator('[data-hold="true"]').waitFor();
    expect(await item.locator('button[data-action="delete"]').isDisabled()).toBe(true);
    await item.locator('button[data-action="release"]').click();
    await item.locator('button[data-action="hold"]').waitFor();

    // The download link gives the same bytes.
    const [download] = await Promise.all([onA.page.waitForEvent('download'), item.locator('a[data-action="download"]').click()]);
    const got = join(dir, 'downloaded.bin');
    await download.saveAs(got);
    expect(createHash('sha256').update(readFileSync(got)).digest('hex')).toBe(sha256);

    // The section in the three languages.
    await onA.shell.screenshot(shot('en'));
    await onA.shell.selectLanguage('ru');
    await section.root.getByRole('heading', { name: 'Вложения' }).waitFor();
    await onA.shell.screenshot(shot('ru'));
    await onA.shell.selectLanguage('uz');
    await section.root.getByRole('heading', { name: 'Ilovalar' }).waitFor();
    await onA.shell.screenshot(shot('uz'));
    await onA.shell.selectLanguage('en');

    // On kz-cert: the case is there; the file arrives where this build transfers attachments.
    await onB.page.goto(`${b.url}/cases/${caseId}`);
    await new CaseDetailPage(onB.page).summary.waitFor({ timeout: 30_000 });
    const transfers = await onB.page.evaluate(async (id) => (await fetch(`/api/v1/cases/${id}/transfers`)).status, caseId);
    if (transfers === 200) {
      const onBItem = new AttachmentsSection(onB.page).item('server-logs.bin');
      await onBItem.waitFor({ timeout: 60_000 });
      await onBItem.locator('[data-transfer="received"]').waitFor({ timeout: 60_000 });
      expect(await onBItem.getAttribute('data-sha256')).toBe(sha256);
      await onB.shell.screenshot(shot('received-on-b'));
    }

    // The bundle, with the file's content, exported from the page and checked offline.
    const bundle = join(dir, 'case.accord-bundle');
    expect(await section.exportBundle(bundle)).toBe(`case-${caseId}.accord-bundle`);
    expect(statSync(bundle).size).toBeGreaterThan(SIZE);
    const verify = await fx.newPage();
    await verify.goto(`${a.url}/verify`);
    await verify.getByTestId('bundle-file').waitFor();
    await verify.context().setOffline(true);
    await verify.getByTestId('bundle-file').setInputFiles(bundle);
    const report = verify.getByTestId('bundle-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.getAttribute('data-ok')).toBe('true');
    expect(await verify.getByTestId('bundle-problem').count()).toBe(0);
    expect(await verify.getByTestId('bundle-checked').textContent()).toMatch(/2 attachments/);
    await verify.screenshot({ path: shot('bundle-verified'), fullPage: true });
    await verify.context().setOffline(false);

    // Hashes only: a small file that verifies all the same.
    const small = join(dir, 'hashes.accord-bundle');
    await section.exportBundle(small, true);
    expect(statSync(small).size).toBeLessThan(SIZE);
    // The link cut on purpose above logs its resets; nothing else went wrong.
    expect(fx.errors.filter((e) => !e.includes('net::ERR_CONNECTION_RESET'))).toEqual([]);
  });
});
