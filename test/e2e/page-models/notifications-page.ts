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

  // E-mail on this node

  /** The notice shown when this node cannot send e-mail. */
  get emailNotConfigured(): Locator {
    return this.page.getByTestId('email-not-configured');
  }

  get channelsIntro(): Locator {
    return this.page.getByTestId('channels-intro');
  }

  /** Administrators only: the node's mail server. */
  get smtpCard(): Locator {
    return this.page.locator('section.smtp-settings');
  }

  /** Where the mail server comes from (set here, ACCORD_SMTP_URL, or none). */
  get smtpSource(): Locator {
    return this.page.getByTestId('smtp-source');
  }

  get smtpPasswordState(): Locator {
    return this.page.getByTestId('smtp-password-state');
  }

  get smtpDone(): Locator {
    return this.page.getByTestId('smtp-done');
  }

  get smtpAlert(): Locator {
    return this.smtpCard.locator('form').first().getByRole('alert');
  }

  /** A field of the mail server card by its English label (a required field's mark may follow it). */
  smtpField(label: 'Host' | 'Port' | 'Security' | 'User name' | 'Password' | 'Sender' | 'Send to'): Locator {
    return this.smtpCard.getByLabel(new RegExp(`^${label}\\b`));
  }

  /** Fills the fields given (security by value: starttls, tls, none) and saves. */
  async saveSmtp(s: { host?: string; security?: 'starttls' | 'tls' | 'none'; port?: number; username?: string; password?: string; from?: string }): Promise<void> {
    if (s.host !== undefined) await this.smtpField('Host').fill(s.host);
    if (s.security !== undefined) await this.smtpField('Security').selectOption(s.security);
    if (s.port !== undefined) await this.smtpField('Port').fill(String(s.port));
    if (s.username !== undefined) await this.smtpField('User name').fill(s.username);
    if (s.password !== undefined) await this.smtpField('Password').fill(s.password);
    if (s.from !== undefined) await this.smtpField('Sender').fill(s.from);
    await this.smtpCard.getByRole('button', { name: 'Save mail server' }).click();
  }

  async sendTestEmail(to: string): Promise<void> {
    await this.smtpField('Send to').fill(to);
    await this.smtpCard.getByRole('button', { name: 'Send a test e-mail' }).click();
  }

  /** The server's answer to the test e-mail, or why it was not sent. */
  get smtpTestResult(): Locator {
    return this.page.getByTestId('smtp-test-result');
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
