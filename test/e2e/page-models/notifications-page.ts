import type { Locator, Page } from 'playwright-core';

export type NotificationCell = 'time' | 'kind' | 'channel' | 'recipient' | 'state' | 'details';

/** Personal → Notifications. Fields and buttons by their English labels; list rows by stable attributes. */
export class NotificationsPage {
  constructor(readonly page: Page) {}

  // Channel for each event

  get channelsForm(): Locator {
    return this.page.locator('form.channel-preferences');
  }

  /** The channel select of a kind of event, by its label (e.g. "Case deadlines"). */
  channel(kindLabel: string): Locator {
    return this.channelsForm.getByLabel(kindLabel, { exact: true });
  }

  /** The channel select of a kind, by the server's kind (e.g. `case.deadline`), whatever the language. */
  channelOf(kind: string): Locator {
    return this.channelsForm.locator(`tr[data-kind="${kind}"] select`);
  }

  async setChannels(choices: Record<string, 'email' | 'webhook' | 'both' | 'none'>): Promise<void> {
    for (const [label, value] of Object.entries(choices)) await this.channel(label).selectOption(value);
    await this.channelsForm.getByRole('button', { name: 'Save channels' }).click();
  }

  get channelsSaved(): Locator {
    return this.page.getByTestId('channels-saved');
  }

  get webhookMissing(): Locator {
    return this.page.getByTestId('webhook-missing');
  }

  // Webhook

  get webhookForm(): Locator {
    return this.page.locator('form.webhook-settings');
  }

  get webhookUrl(): Locator {
    return this.webhookForm.getByLabel('Webhook URL');
  }

  async saveWebhook(url: string): Promise<void> {
    await this.webhookUrl.fill(url);
    await this.webhookForm.getByRole('button', { name: 'Save webhook' }).click();
  }

  get webhookAlert(): Locator {
    return this.webhookForm.getByRole('alert');
  }

  get webhookDone(): Locator {
    return this.page.getByTestId('webhook-done');
  }

  /** The secret shown once after it was made or replaced. */
  get webhookSecret(): Locator {
    return this.page.getByTestId('webhook-secret');
  }

  get secretState(): Locator {
    return this.page.getByTestId('webhook-secret-state');
  }

  async replaceSecret(): Promise<void> {
    await this.webhookForm.getByRole('button', { name: 'Replace secret' }).click();
  }

  // Test and list

  async sendTest(): Promise<void> {
    await this.page.getByRole('button', { name: 'Send a test notification' }).click();
  }

  get testRecorded(): Locator {
    return this.page.getByTestId('test-recorded');
  }

  get list(): Locator {
    return this.page.getByTestId('notification-list');
  }

  /** Rows of the list of one kind (and channel), newest first. */
  rows(kind: string, channel?: 'email' | 'webhook' | 'none'): Locator {
    return this.list.locator(`tr[data-kind="${kind}"]${channel ? `[data-channel="${channel}"]` : ''}`);
  }

  /** "pending", "sent", "failed" or "skipped" of the newest row of a kind and channel. */
  async state(kind: string, channel: 'email' | 'webhook' | 'none'): Promise<string | null> {
    const row = this.rows(kind, channel).first();
    if ((await row.count()) === 0) return null;
    return row.locator('[data-state]').getAttribute('data-state');
  }

  async cell(kind: string, channel: 'email' | 'webhook' | 'none', cell: NotificationCell): Promise<string> {
    return ((await this.rows(kind, channel).first().locator(`[data-cell="${cell}"]`).textContent()) ?? '').trim();
  }
}
