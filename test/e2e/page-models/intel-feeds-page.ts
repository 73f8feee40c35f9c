import type { Locator, Page } from 'playwright-core';

/** Threat intelligence → Feeds: the list of followed TAXII feeds and the form to add one. Controls by their English labels. */
export class IntelFeedsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.locator('nav.sidebar a[data-nav="intelligence"]').click();
    await this.page.locator('nav.tabs a[data-tab="feeds"]').click();
    await this.page.getByRole('heading', { level: 2, name: 'Feeds this node follows' }).waitFor();
  }

  async addFeed(f: { title: string; apiRoot: string; collection: string; token: string; marking: string }): Promise<void> {
    const form = this.page.locator('section.intel-feed-form');
    await form.getByLabel('Name', { exact: true }).fill(f.title);
    await form.getByLabel('API root URL', { exact: true }).fill(f.apiRoot);
    await form.getByLabel('Collection id', { exact: true }).fill(f.collection);
    await form.getByRole('radio', { name: 'API token (Bearer)' }).check();
    await form.getByLabel('API token', { exact: true }).fill(f.token);
    await form.getByLabel('Default marking', { exact: true }).selectOption({ label: f.marking });
    await form.getByRole('button', { name: 'Add feed' }).click();
    await form.getByRole('status').waitFor();
  }

  row(title: string): Locator {
    return this.page.getByTestId('intel-feeds').locator('tbody tr', { hasText: title });
  }

  async runNow(title: string): Promise<void> {
    await this.row(title).getByRole('button', { name: 'Run now' }).click();
  }

  counts(title: string): Promise<string | null> {
    return this.row(title).getByTestId('feed-counts').textContent();
  }
}
