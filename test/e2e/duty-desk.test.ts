import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { buildEntryInput } from '../directory/_entries.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { DeskPage } from './page-models/desk-page.js';
import type { ShellPage } from './page-models/shell-page.js';

/**
 * The duty desk in Chromium across two nodes: B starts a ping test of A; A's officer, on the
 * Overview with nothing waiting, sees it arrive without reloading (the list, the sidebar's
 * count, the tab title, a tone), confirms it from the desk, and it goes.
 */

const PING = 'directory.ping_test_to_confirm';

function shot(name: string): string {
  return resolve(RESULTS, `duty-desk-${name}.png`);
}

describe('the duty desk', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  const tokens = new Map<string, string>();
  let a: NodeProcess, b: NodeProcess;
  const api = async (n: NodeProcess, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${n.url}${path}`, { ...init, headers: { authorization: `Bearer ${tokens.get(n.nodeId)}`, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    ({ a, b } = fx);
    for (const n of [a, b]) tokens.set(n.nodeId, runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', n.adminEmail, '--name', 't']).token);
    // A's entry is published: nothing waits on A's desk before the test arrives.
    const entry = buildEntryInput({ authority_names: { en: 'Uzbekistan national CERT', ru: 'Национальный CERT Узбекистана', uz: 'Oʻzbekiston milliy CERT' }, time_zone: 'Asia/Tashkent' });
    const published = await api(a, '/api/v1/directory/own', { method: 'PUT', body: JSON.stringify(entry) });
    expect(published.status).toBe(200);
  }, TIMEOUT);

  let page: Page;
  let shell: ShellPage;
  let desk: DeskPage;
  const deskReads: string[] = [];
  const streams: string[] = [];

  it('shows an empty desk, live, with the peers and our entry', async () => {
    ({ page, shell } = await fx.signInAsAdmin(a));
    // Count every oscillator the page starts: the arrival tone is made of them.
    await page.evaluate(() => {
      const w = window as unknown as { tones: number };
      w.tones = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.tones++;
        return create.call(this);
      };
    });
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/api/v1/desk') deskReads.push(path);
      if (path === '/api/v1/events') streams.push(path);
    });
    desk = new DeskPage(page);
    await shell.heading('Duty desk').waitFor();
    await desk.empty.waitFor();
    expect(await desk.empty.textContent()).toBe('Nothing is waiting for you.');
    await desk.waitForLive();
    expect(await desk.sidebarCount.count()).toBe(0);
    expect(await desk.title()).toBe('Overview · Accord');
    expect(await desk.ownEntry.locator('[data-freshness]').getAttribute('data-freshness')).toBe('valid');
    expect(await desk.peers.textContent()).toContain('1 active, 0 unreachable, 0 with messages waiting.');
    // The node's identity is still there, smaller.
    await page.getByTestId('fingerprint').waitFor();
    // Sound is off until the officer turns it on (kept in this browser).
    expect(await desk.soundToggle.isChecked()).toBe(false);
    await desk.soundToggle.check();
    expect(await page.evaluate(() => localStorage.getItem('accord.desk.sound'))).toBe('on');
  });

  let testId = '';
  it("B's ping test arrives on A's desk without a reload: the list, the sidebar's count, the tab title, a tone", async () => {
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const readsBefore = deskReads.length;
    const started = await api(b, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: a.nodeId, window_minutes: 30 }) });
    expect(started.status).toBe(201);
    testId = started.json[0].id;

    const item = desk.item(PING, testId);
    await item.waitFor({ timeout: 30_000 });
    expect(await item.locator('.desk-item-title').textContent()).toBe('Ping test from kz-cert: confirm that our point of contact answers');
    expect(await item.getByTestId('desk-due').textContent()).toMatch(/^due in (29|30) minutes$/);
    expect(await item.locator('.desk-item-title').getAttribute('href')).toBe('/directory/ping-tests');
    await desk.sidebarCount.waitFor();
    expect(await desk.sidebarCount.textContent()).toBe('1');
    await page.waitForFunction(() => document.title === '(1) Overview · Accord');
    // The page was not reloaded; the desk was read again once for the event, not on a timer; one stream.
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(deskReads.length - readsBefore).toBeLessThanOrEqual(2);
    expect(streams).toHaveLength(0); // opened before the listener was attached, and never again
    await page.waitForFunction(() => (window as unknown as { tones: number }).tones >= 2);
    await shell.screenshot(shot('en'));
  });

  it('reads in Russian and Uzbek', async () => {
    await shell.selectLanguage('ru');
    await shell.heading('Пульт дежурного').waitFor();
    expect(await desk.item(PING, testId).locator('.desk-item-title').textContent()).toBe('Проверка связи от kz-cert: подтвердите, что наш контактный пункт отвечает');
    expect(await desk.item(PING, testId).getByTestId('desk-due').textContent()).toMatch(/^срок — через (29|30) минут$/);
    await page.waitForFunction(() => document.title === '(1) Обзор · Accord');
    await shell.screenshot(shot('ru'));
    await shell.selectLanguage('uz');
    await shell.heading('Navbatchi paneli').waitFor();
    expect(await desk.item(PING, testId).locator('.desk-item-title').textContent()).toBe('kz-cert tugunidan aloqa tekshiruvi: aloqa nuqtamiz javob berishini tasdiqlang');
    await shell.screenshot(shot('uz'));
    await shell.selectLanguage('en');
  });

  it("A's officer confirms from the desk: the item, the count and the title's number go, and B sees the answer", async () => {
    await desk.confirmPingTest(testId);
    await desk.item(PING, testId).waitFor({ state: 'detached' });
    await desk.empty.waitFor();
    expect(await desk.sidebarCount.count()).toBe(0);
    await page.waitForFunction(() => document.title === 'Overview · Accord');
    const answered = async () => (await api(b, '/api/v1/ping-tests?direction=outgoing')).json.find((t: { id: string }) => t.id === testId)?.status === 'answered';
    await expect.poll(answered, { timeout: 30_000, interval: 250 }).toBe(true);
    expect(fx.errors).toEqual([]);
  });

  it('keeps one stream for all tabs: a second tab hears through the first, and takes over when it closes', async () => {
    const context = page.context();
    const opened: string[] = [];
    context.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/events') opened.push(r.url());
    });
    const second = await context.newPage();
    second.on('pageerror', (e) => fx.errors.push(`pageerror: ${e.message}`));
    await second.goto(a.url);
    const deskTwo = new DeskPage(second);
    await deskTwo.empty.waitFor();
    // The first tab leads: the second is told it is live without a stream of its own.
    await deskTwo.waitForLive();
    expect(opened).toEqual([]);

    const startPing = async () => {
      const started = await api(b, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: a.nodeId, window_minutes: 30 }) });
      expect(started.status).toBe(201);
      return started.json[0].id as string;
    };
    const heardByBoth = await startPing();
    await desk.item(PING, heardByBoth).waitFor({ timeout: 30_000 });
    await deskTwo.item(PING, heardByBoth).waitFor({ timeout: 30_000 });

    // The leading tab closes: the second opens the stream and goes on hearing.
    await page.close();
    await expect.poll(() => opened.length, { timeout: 15_000, interval: 100 }).toBe(1);
    const heardAfter = await startPing();
    await deskTwo.item(PING, heardAfter).waitFor({ timeout: 30_000 });
    await second.waitForFunction(() => document.title === '(2) Overview · Accord');
    expect(fx.errors).toEqual([]);
  });
});
