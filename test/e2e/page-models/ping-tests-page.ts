import type { Locator, Page } from 'playwright-core';

export type PingTestCell = 'node' | 'status' | 'response' | 'started' | 'deadline';
export type PingStatsCell = 'name' | 'rate' | 'median' | 'p90' | 'counts' | 'chart';
export type ScheduleCell = 'target' | 'interval' | 'window' | 'next' | 'last' | 'created';
export type SchedulePreset = 'Monthly (every 30 days)' | 'Quarterly (every 91 days)' | 'Half-yearly (every 182 days)' | 'Yearly (every 365 days)';

export interface NewSchedule {
  nodeId: string;
  /** A preset by its label, or a number of days. */
  interval: SchedulePreset | number;
  windowMinutes?: number;
  /** `YYYY-MM-DDTHH:mm` in the browser's time zone; empty for now. */
  firstRun?: string;
}

/** Cooperation → Directory → Ping tests. Buttons and fields by their English labels; tests, rows and cells by stable attributes. */
export class PingTestsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.locator('nav.tabs a[data-tab="ping-tests"]').click();
    await this.page.waitForFunction(() => document.querySelector('nav.tabs a[data-tab="ping-tests"]')?.getAttribute('aria-current') === 'page');
    await this.incoming.waitFor();
  }

  // Start a ping test

  get startForm(): Locator {
    return this.page.locator('form.ping-test-form');
  }

  /** Starts a test of one peer (by node id) with the given window, or the default one. */
  async startNode(nodeId: string, windowMinutes?: number): Promise<void> {
    const f = this.startForm;
    await f.getByRole('radio', { name: 'A peer' }).check();
    await f.getByLabel('Peer', { exact: true }).selectOption(nodeId);
    if (windowMinutes !== undefined) await f.getByLabel('Window (minutes)').fill(String(windowMinutes));
    await f.getByRole('button', { name: 'Start test' }).click();
  }

  get started(): Locator {
    return this.page.getByTestId('ping-started');
  }

  // Waiting for our answer

  get incoming(): Locator {
    return this.page.getByTestId('ping-incoming');
  }

  /** Open requests from a node, with their Confirm button. */
  request(fromNode: string): Locator {
    return this.incoming.locator(`li.ping-request[data-peer="${fromNode}"]`);
  }

  async confirm(fromNode: string): Promise<void> {
    await this.request(fromNode).getByRole('button', { name: 'Confirm' }).click();
  }

  /** Earlier tests of us, answered or not. */
  history(fromNode: string): Locator {
    return this.incoming.locator(`ul.ping-history li[data-peer="${fromNode}"]`);
  }

  // Our tests of others

  get outgoing(): Locator {
    return this.page.getByTestId('ping-outgoing');
  }

  outgoingRows(nodeId: string): Locator {
    return this.outgoing.locator(`tr[data-peer="${nodeId}"]`);
  }

  async outgoingCell(nodeId: string, cell: PingTestCell): Promise<string> {
    return ((await this.outgoingRows(nodeId).first().locator(`[data-cell="${cell}"]`).textContent()) ?? '').trim();
  }

  /** "pending", "answered" or "unanswered" of the newest test of a node. */
  async outgoingStatus(nodeId: string): Promise<string | null> {
    return this.outgoingRows(nodeId).first().locator('[data-status]').getAttribute('data-status');
  }

  // Results

  get results(): Locator {
    return this.page.getByTestId('ping-results');
  }

  resultRow(nodeId: string): Locator {
    return this.page.getByTestId('ping-stats-nodes').locator(`tr[data-node="${nodeId}"]`);
  }

  /** The response rate of a node in per cent, from the bar's stable attribute. */
  async rate(nodeId: string): Promise<string | null> {
    return this.resultRow(nodeId).locator('[data-rate]').getAttribute('data-rate');
  }

  async resultCell(nodeId: string, cell: PingStatsCell): Promise<string> {
    return ((await this.resultRow(nodeId).locator(`[data-cell="${cell}"]`).textContent()) ?? '').trim();
  }

  /** The peer-state badges of the newest test of a node: `unreachable`, `stale`, `expired`. */
  async outgoingPeerStates(nodeId: string): Promise<string[]> {
    const badges = this.outgoingRows(nodeId).first().locator('[data-peer-state]');
    return Promise.all((await badges.all()).map(async (b) => (await b.getAttribute('data-peer-state')) ?? ''));
  }

  // Scheduled ping tests

  get schedules(): Locator {
    return this.page.getByTestId('ping-schedules');
  }

  get scheduleForm(): Locator {
    return this.schedules.locator('form.ping-schedule-form');
  }

  async schedule(s: NewSchedule): Promise<void> {
    const f = this.scheduleForm;
    await f.getByRole('radio', { name: 'A peer' }).check();
    await f.getByLabel('Peer', { exact: true }).selectOption(s.nodeId);
    if (typeof s.interval === 'number') {
      await f.getByLabel('How often').selectOption({ label: 'Another interval…' });
      await f.getByLabel('Interval (days)').fill(String(s.interval));
    } else {
      await f.getByLabel('How often').selectOption({ label: s.interval });
    }
    if (s.windowMinutes !== undefined) await f.getByLabel('Window (minutes)').fill(String(s.windowMinutes));
    await f.getByLabel('First run').fill(s.firstRun ?? '');
    await f.getByRole('button', { name: 'Schedule tests' }).click();
  }

  get scheduleCreated(): Locator {
    return this.page.getByTestId('schedule-created');
  }

  get scheduleDeleted(): Locator {
    return this.page.getByTestId('schedule-deleted');
  }

  /** Schedule rows of a target (`node:<id>` or `group:<id>`), next run first; optionally only those whose interval reads `interval`. */
  scheduleRows(target: string, interval?: string): Locator {
    const rows = this.schedules.locator(`tr[data-target="${target}"]`);
    return interval ? rows.filter({ has: this.page.locator('[data-cell="interval"]', { hasText: interval }) }) : rows;
  }

  async scheduleCell(row: Locator, cell: ScheduleCell): Promise<string> {
    return ((await row.locator(`[data-cell="${cell}"]`).textContent()) ?? '').trim();
  }

  async deleteSchedule(row: Locator): Promise<void> {
    await row.getByRole('button', { name: /^Delete the schedule of / }).click();
  }

  // Results over time

  get overTime(): Locator {
    return this.page.getByTestId('ping-history');
  }

  async historyBucket(bucket: 'By month' | 'By quarter'): Promise<void> {
    await this.overTime.getByRole('radio', { name: bucket }).check();
  }

  /** The chart of a series (`node:<id>` or `group:<id>`). */
  historyChart(series: string): Locator {
    return this.overTime.locator(`figure[data-series="${series}"] svg.history-chart`);
  }

  /** The column of one period (`2026-11`, `2026-Q4`) in a series' chart. */
  historyPoint(series: string, period: string): Locator {
    return this.historyChart(series).locator(`g[data-period="${period}"]`);
  }

  // Export

  exportLink(format: 'csv' | 'json'): Locator {
    return this.page.getByTestId(`ping-export-${format}`);
  }
}
