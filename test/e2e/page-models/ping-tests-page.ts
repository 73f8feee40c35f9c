import type { Locator, Page } from 'playwright-core';

export type PingTestCell = 'node' | 'status' | 'response' | 'started' | 'deadline';
export type PingStatsCell = 'name' | 'rate' | 'median' | 'p90' | 'counts' | 'chart';

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
}
