import type { Locator, Page } from 'playwright-core';

export interface OwnEntryInput {
  authority: { en: string; ru?: string; uz?: string };
  timeZone: string;
  /** English labels of the kinds of authority to tick. */
  kinds: string[];
  /** Days until re-confirmation is due (the form's default is 180). */
  validDays?: number;
  contact: { nameEn: string; nameRu?: string; languages?: string; phone?: string; email?: string };
}

/** Cooperation → Directory: search and "Our entry". Buttons and fields by their English labels; cards and contacts by stable attributes. */
export class DirectoryPage {
  constructor(readonly page: Page) {}

  tab(name: 'search' | 'own'): Locator {
    return this.page.locator(`nav.tabs a[data-tab="${name}"]`);
  }

  async openTab(name: 'search' | 'own'): Promise<void> {
    await this.tab(name).click();
    await this.page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-current') === 'page', `nav.tabs a[data-tab="${name}"]`);
  }

  // Our entry

  get form(): Locator {
    return this.page.locator('form.own-entry-form');
  }

  get published(): Locator {
    return this.page.getByTestId('published');
  }

  get reconfirm(): Locator {
    return this.page.getByRole('button', { name: 'Re-confirm' });
  }

  get ownState(): Locator {
    return this.page.getByTestId('own-entry-state');
  }

  /** Fills the authority and the first contact (staffed 24/7 as a new contact is), then saves and publishes. */
  async publish(input: OwnEntryInput): Promise<void> {
    const f = this.form;
    await f.getByLabel('Authority name (English)', { exact: true }).fill(input.authority.en);
    if (input.authority.ru) await f.getByLabel('Authority name (Russian)', { exact: true }).fill(input.authority.ru);
    if (input.authority.uz) await f.getByLabel('Authority name (Uzbek)', { exact: true }).fill(input.authority.uz);
    await f.getByLabel('Time zone', { exact: true }).fill(input.timeZone);
    for (const k of input.kinds) await f.getByRole('checkbox', { name: k, exact: true }).check();
    const c = f.locator('fieldset[data-contact-form="0"]');
    await c.getByLabel('Name (English)', { exact: true }).fill(input.contact.nameEn);
    if (input.contact.nameRu) await c.getByLabel('Name (Russian)', { exact: true }).fill(input.contact.nameRu);
    if (input.contact.languages) await c.getByLabel('Contact languages', { exact: true }).fill(input.contact.languages);
    if (input.contact.phone) await c.getByLabel('Phone', { exact: true }).fill(input.contact.phone);
    if (input.contact.email) await c.getByLabel('E-mail', { exact: true }).fill(input.contact.email);
    await c.getByRole('checkbox', { name: 'Staffed 24/7' }).check();
    if (input.validDays !== undefined) await f.getByLabel('Valid for (days)').fill(String(input.validDays));
    await f.getByRole('button', { name: 'Save & publish' }).click();
  }

  // Search

  get searchForm(): Locator {
    return this.page.locator('form.directory-filters');
  }

  async search(text: string): Promise<void> {
    await this.searchForm.getByLabel('Search (any language)').fill(text);
    await this.searchForm.getByRole('button', { name: 'Search', exact: true }).click();
  }

  get cards(): Locator {
    return this.page.locator('article.directory-card');
  }

  card(nodeId: string): Locator {
    return this.page.locator(`article.directory-card[data-node="${nodeId}"]`);
  }

  async authority(nodeId: string): Promise<string> {
    return ((await this.card(nodeId).locator('[data-cell="authority"]').textContent()) ?? '').trim();
  }

  async freshness(nodeId: string): Promise<string | null> {
    return this.card(nodeId).getAttribute('data-freshness');
  }

  contacts(nodeId: string): Locator {
    return this.card(nodeId).locator('li.contact');
  }

  exportLink(format: 'csv' | 'json'): Locator {
    return this.page.getByTestId(`export-${format}`);
  }
}
