import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { buildEntryInput } from '../directory/_entries.js';
import { PingTestsPage } from './page-models/ping-tests-page.js';
import { ShellPage } from './page-models/shell-page.js';

/**
 * Cooperation → Directory → Ping tests in Chromium: A tests B, B's duty officer confirms, A sees the result;
 * then A schedules tests, sees the results over time, exports them, and sees when B is down.
 */

/** Long enough for a delivery to the other node and the page's next refresh (every 5 s). */
const POLL = { timeout: 40_000, interval: 500 };

function shot(name: string): string {
  return resolve(RESULTS, `ping-tests-${name}.png`);
}

describe('ping tests page', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  const errors = fx.errors;
  let a: NodeProcess;
  let b: NodeProcess;
  beforeAll(() => {
    ({ a, b } = fx);
  });

  beforeAll(async () => {
    // B publishes its entry, so a ping test has contacts to ask
    const { token } = runCliJson<{ token: string }>(['token', 'create', '--data', b.dataDir, '--user', b.adminEmail, '--name', 't']);
    const entry = buildEntryInput({ authority_names: { en: 'Kazakhstan national CERT', ru: 'Национальный CERT Казахстана', uz: 'Qozogʻiston milliy CERT' }, time_zone: 'Asia/Almaty' });
    const res = await fetch(`${b.url}/api/v1/directory/own`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(entry) });
    expect(res.status, await res.text()).toBe(200);
  }, TIMEOUT);

  type SignedIn = Awaited<ReturnType<typeof signInToPingTests>>;
  /** The admins' pages, signed in by the first test and used by the later ones (the one-time password works once). */
  let onA: SignedIn;
  let onB: SignedIn;

  /** Signs in to a node as its first admin, replaces the one-time password, and opens Directory → Ping tests. */
  async function signInToPingTests(node: NodeProcess): Promise<{ page: Page; shell: ShellPage; ping: PingTestsPage }> {
    const { page, shell } = await fx.signInAsAdmin(node);
    await shell.open('directory');
    await shell.heading('Directory').waitFor();
    const ping = new PingTestsPage(page);
    await ping.open();
    return { page, shell, ping };
  }

  it('tests a peer, the peer confirms, and the result shows a 100 % response rate', async () => {
    onA = await signInToPingTests(a);
    expect(new URL(onA.page.url()).pathname).toBe('/directory/ping-tests');
    await onA.ping.incoming.getByText('No ping test is waiting for our answer.').waitFor();
    await onA.ping.outgoing.getByText('We have not tested anyone yet.').waitFor();

    await onA.ping.startNode('kz-cert');
    await onA.ping.started.waitFor();
    expect(await onA.ping.started.textContent()).toBe('Tests started: 1.');
    await onA.ping.outgoingRows('kz-cert').first().waitFor();
    expect(await onA.ping.outgoingStatus('kz-cert')).toBe('pending');
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Pending');

    // on B the request arrives by federation and waits for an answer, with a countdown from 60 minutes
    onB = await signInToPingTests(b);
    const request = onB.ping.request('uz-cert');
    await request.waitFor({ timeout: POLL.timeout });
    expect(await request.textContent()).toContain('asks us to confirm that our point of contact answers');
    expect(await request.getByTestId('countdown').textContent()).toMatch(/^(59 min \d+ s|1 h 0 min) left$/);
    await onB.shell.screenshot(shot('incoming'));
    await onB.ping.confirm('uz-cert');
    await onB.ping.history('uz-cert').waitFor();
    expect(await onB.ping.request('uz-cert').count()).toBe(0);
    expect(await onB.ping.history('uz-cert').locator('[data-status]').getAttribute('data-status')).toBe('answered');
    expect(await onB.ping.history('uz-cert').textContent()).toContain(`confirmed by`);

    // back on A the acknowledgement arrives; the page refreshes by itself
    await expect.poll(() => onA.ping.outgoingStatus('kz-cert'), POLL).toBe('answered');
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Answered');
    expect(await onA.ping.outgoingCell('kz-cert', 'response')).toMatch(/^(\d+ s|\d+ min \d+ s)$/);
    await expect.poll(() => onA.ping.rate('kz-cert'), POLL).toBe('100');
    expect(await onA.ping.resultCell('kz-cert', 'rate')).toContain('100\u00a0%'); // a no-break space keeps the sign with its number
    expect(await onA.ping.resultCell('kz-cert', 'counts')).toBe('1 of 1 answered');
    expect(await onA.ping.resultCell('kz-cert', 'median')).toMatch(/^(\d+ s|\d+ min \d+ s)$/);
    expect(await onA.ping.resultRow('kz-cert').locator('svg.response-chart rect.chart-bar').count()).toBe(1);
    await onA.shell.screenshot(shot('en'));

    // the page in Russian and Uzbek
    await onA.shell.selectLanguage('ru');
    await onA.shell.heading('Справочник').waitFor();
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Отвечено');
    expect(await onA.ping.resultCell('kz-cert', 'counts')).toBe('отвечено 1 из 1');
    await onA.shell.screenshot(shot('ru'));
    await onA.shell.selectLanguage('uz');
    await onA.shell.heading('Maʼlumotnoma').waitFor();
    expect(await onA.ping.outgoingCell('kz-cert', 'status')).toBe('Javob berildi');
    await onA.shell.screenshot(shot('uz'));
    await onA.shell.selectLanguage('en');
    expect(errors).toEqual([]);
  });

  /** `YYYY-MM-DDTHH:mm` in the browser's time zone, days ahead at 09:30, and the instant it means. */
  async function localDateTime(days: number): Promise<{ local: string; iso: string }> {
    return onA.page.evaluate((d) => {
      const at = new Date(Date.now() + d * 86_400_000);
      at.setHours(9, 30, 0, 0);
      const p = (n: number) => String(n).padStart(2, '0');
      return { local: `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}`, iso: at.toISOString() };
    }, days);
  }

  /** GET an API path with the page's session. */
  function apiGet<T>(path: string): Promise<T> {
    return onA.page.evaluate(async (p) => (await fetch(p)).json() as Promise<T>, path);
  }

  it('schedules ping tests of a peer, runs a due one, lists next and last runs, and deletes one', async () => {
    const { ping, page, shell } = onA;
    await ping.schedules.getByText('No ping tests are scheduled.').waitFor();

    // a monthly schedule starting in three days, with a two-hour window
    const first = await localDateTime(3);
    await ping.schedule({ nodeId: 'kz-cert', interval: 'Monthly (every 30 days)', windowMinutes: 120, firstRun: first.local });
    await ping.scheduleCreated.waitFor();
    const monthly = ping.scheduleRows('node:kz-cert', 'Monthly');
    await monthly.waitFor();
    expect(await ping.scheduleCell(monthly, 'window')).toBe('2 h 0 min');
    expect(await ping.scheduleCell(monthly, 'last')).toBe('Not yet');
    expect(await ping.scheduleCell(monthly, 'created')).toContain('(you)');
    const [stored] = await apiGet<{ node_id: string; interval_days: number; window_minutes: number; next_run_at: string; last_run_at: string | null }[]>('/api/v1/ping-schedules');
    expect(stored).toMatchObject({ node_id: 'kz-cert', interval_days: 30, window_minutes: 120, next_run_at: first.iso, last_run_at: null });

    // a weekly one with no first run is due at once: the node starts a test by itself
    const before = await ping.outgoingRows('kz-cert').count();
    await ping.schedule({ nodeId: 'kz-cert', interval: 7 });
    const weekly = ping.scheduleRows('node:kz-cert', 'Every 7 days');
    await weekly.waitFor();
    await expect.poll(() => ping.scheduleCell(weekly, 'last'), POLL).not.toBe('Not yet');
    await expect.poll(() => ping.outgoingRows('kz-cert').count(), POLL).toBe(before + 1);
    expect(await ping.outgoingStatus('kz-cert')).toBe('pending');
    // next run first: the monthly one (in three days) before the weekly one (in a week)
    expect(await ping.schedules.locator('tbody tr').first().getAttribute('data-schedule')).toBe(await monthly.getAttribute('data-schedule'));
    await shell.screenshot(shot('schedules'));

    // delete the monthly one; the weekly one stays, also after a reload
    await ping.deleteSchedule(monthly);
    await ping.scheduleDeleted.waitFor();
    expect(await ping.scheduleDeleted.textContent()).toMatch(/^The schedule of .+ is deleted\. The tests it started stay\.$/);
    await expect.poll(() => ping.scheduleRows('node:kz-cert').count()).toBe(1);
    await page.reload();
    await shell.waitForShell();
    await ping.incoming.waitFor();
    await ping.scheduleRows('node:kz-cert', 'Every 7 days').waitFor();
    expect(await ping.scheduleRows('node:kz-cert').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('charts the results over time per month and per quarter', async () => {
    const { ping, shell } = onA;
    const now = new Date();
    const month = now.toISOString().slice(0, 7);
    const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;

    // the answered test of the first case: 100 %, with a median and a 90th percentile
    const point = ping.historyPoint('node:kz-cert', month);
    await point.waitFor();
    expect(await point.getAttribute('data-rate')).toBe('100');
    expect(Number(await point.getAttribute('data-median'))).toBeGreaterThan(0);
    expect(Number(await point.getAttribute('data-p90'))).toBeGreaterThan(0);
    expect(await point.locator('rect.chart-rate').count()).toBe(1);
    expect(await point.locator('rect.chart-median').count()).toBe(1);
    expect(await point.locator('line.chart-p90').count()).toBe(1);
    expect(await ping.historyChart('node:kz-cert').getAttribute('aria-label')).toMatch(/: response rate and response times, month by month$/);

    await ping.historyBucket('By quarter');
    await ping.historyPoint('node:kz-cert', quarter).waitFor();
    expect(await ping.historyPoint('node:kz-cert', quarter).getAttribute('data-rate')).toBe('100');
    expect(await ping.historyChart('node:kz-cert').getAttribute('aria-label')).toMatch(/quarter by quarter$/);
    // the figures behind the chart, for reading exact values
    await ping.overTime.getByText('Show the figures').first().click();
    expect(await ping.overTime.locator(`figure[data-series="node:kz-cert"] tr[data-period="${quarter}"] [data-cell="rate"]`).textContent()).toContain('100\u00a0%');
    await shell.screenshot(shot('history'));
    await ping.overTime.screenshot({ path: shot('history-chart') });

    // the new parts in Russian and Uzbek
    await shell.selectLanguage('ru');
    await ping.overTime.getByRole('heading', { name: 'Результаты во времени' }).waitFor();
    await ping.overTime.getByRole('radio', { name: 'По кварталам' }).waitFor();
    await ping.schedules.getByRole('heading', { name: 'Проверки по расписанию' }).waitFor();
    await ping.scheduleForm.getByLabel('Как часто').waitFor();
    await ping.scheduleForm.getByLabel('Первый запуск').waitFor();
    expect(await ping.exportLink('csv').textContent()).toBe('Скачать CSV');
    await shell.screenshot(shot('over-time-ru'));
    await shell.selectLanguage('uz');
    await ping.overTime.getByRole('heading', { name: 'Vaqt boʻyicha natijalar' }).waitFor();
    await ping.scheduleForm.getByLabel('Qanchalik tez-tez').waitFor();
    expect(await ping.exportLink('json').textContent()).toBe('JSON yuklab olish');
    await shell.screenshot(shot('over-time-uz'));
    await shell.selectLanguage('en');
    await shell.toggleTheme();
    await shell.screenshot(shot('over-time-dark'));
    await shell.toggleTheme();
    await ping.historyBucket('By month');
    expect(errors).toEqual([]);
  });

  it('exports every ping test as CSV and JSON downloads', async () => {
    const { ping, page } = onA;
    const [csv] = await Promise.all([page.waitForEvent('download'), ping.exportLink('csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^accord-ping-tests-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await csv.path())!, 'utf8')).trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['id', 'direction', 'peer_node', 'started_at', 'status', 'response_ms']));
    expect(lines.length).toBeGreaterThanOrEqual(3); // the answered test and the scheduled one
    const answered = lines.slice(1).map((l) => l.split(',')).find((cells) => cells[header.indexOf('peer_node')] === 'kz-cert' && cells[header.indexOf('status')] === 'answered');
    expect(answered, lines.join('\n')).toBeDefined();
    expect(Number(answered![header.indexOf('response_ms')])).toBeGreaterThan(0);

    const [json] = await Promise.all([page.waitForEvent('download'), ping.exportLink('json').click()]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    const rows = JSON.parse(await readFile((await json.path())!, 'utf8')) as { peer_node: string; status: string; direction: string }[];
    expect(rows.length).toBe(lines.length - 1);
    expect(rows.some((r) => r.peer_node === 'kz-cert' && r.status === 'answered' && r.direction === 'outgoing')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('marks the tests of a peer that cannot be reached, until it is back', async () => {
    // B goes down hard (its page first, so that its refreshes do not log failed requests)
    await onB.page.close();
    await b.kill9();
    const { ping, shell } = onA;
    await ping.startNode('kz-cert');
    await ping.started.waitFor();
    await expect.poll(() => ping.outgoingPeerStates('kz-cert'), POLL).toEqual(['unreachable']);
    expect(await ping.outgoingRows('kz-cert').first().locator('[data-peer-state="unreachable"]').textContent()).toBe('Unreachable');
    await shell.screenshot(shot('unreachable'));

    // B is back: the queued request is delivered and the badge goes
    await b.restart();
    await expect.poll(() => ping.outgoingPeerStates('kz-cert'), POLL).toEqual([]);

    // time passes for B's entry on A (written straight into A's database: days cannot be waited for here)
    const db = new Database(resolve(a.dataDir, 'accord.db'));
    db.pragma('busy_timeout = 5000');
    const age = db.prepare("UPDATE directory_entries SET published_at = ?, valid_until = ? WHERE node_id = 'kz-cert'");
    try {
      age.run(new Date(Date.now() - 200 * 86_400_000).toISOString(), new Date(Date.now() + 100 * 86_400_000).toISOString());
      await expect.poll(() => ping.outgoingPeerStates('kz-cert'), POLL).toEqual(['stale']);
      expect(await ping.outgoingRows('kz-cert').first().locator('[data-peer-state="stale"]').textContent()).toBe('Directory entry stale');
      age.run(new Date(Date.now() - 400 * 86_400_000).toISOString(), new Date(Date.now() - 86_400_000).toISOString());
      await expect.poll(() => ping.outgoingPeerStates('kz-cert'), POLL).toEqual(['expired']);
      await shell.screenshot(shot('expired'));
    } finally {
      db.close();
    }
    expect(errors).toEqual([]);
  });
});
