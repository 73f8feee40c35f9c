import type { Locator, Page } from 'playwright-core';

/** The Federation → Notices page. Buttons and fields by their English labels; notices by their id attribute, so they work in any language. */
export class NoticesPage {
  constructor(readonly page: Page) {}

  /** Opens it from the sidebar. */
  async open(): Promise<void> {
    await this.page.locator('nav.sidebar a[data-nav="notices"]').click();
    await this.page.getByRole('heading', { level: 1, name: 'Notices' }).waitFor();
  }

  section(direction: 'received' | 'sent'): Locator {
    return this.page.locator(`section[data-section="${direction}"]`);
  }

  notice(direction: 'received' | 'sent', subject: string): Locator {
    return this.section(direction).locator('article.notice', { has: this.page.getByRole('heading', { level: 3, name: subject, exact: true }) });
  }

  /** `acknowledged` or `unacknowledged`, from the notice's badge. */
  state(notice: Locator): Promise<string | null> {
    return notice.locator('.notice-head [data-state]').getAttribute('data-state');
  }

  async acknowledge(notice: Locator): Promise<void> {
    await notice.getByRole('button', { name: 'Acknowledge' }).click();
    await notice.locator('[data-state="acknowledged"]').waitFor();
  }

  async reply(notice: Locator, text: string): Promise<void> {
    await notice.getByRole('button', { name: 'Reply', exact: true }).click();
    const form = notice.locator('form');
    await form.getByLabel('Text', { exact: true }).fill(text);
    await form.getByRole('button', { name: 'Send reply' }).click();
    await notice.getByText('The reply is queued for delivery.').waitFor();
  }

  /** Opens the thread under a notice and returns its entries' subjects, oldest first. */
  async thread(notice: Locator): Promise<string[]> {
    await notice.getByRole('button', { name: /^Show thread/ }).click();
    const list = notice.locator('ol.notice-thread');
    await list.waitFor();
    return list.locator('.notice-subject').allTextContents();
  }
}
