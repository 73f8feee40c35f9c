import type { Locator, Page } from 'playwright-core';

export interface OwnEntryInput {
  authority: { en: string; ru?: string; uz?: string };
  timeZone: string;
  /** English labels of the kinds of authority to tick. */
  kinds: string[];
  /** Days until re-confirmation is due (the form's default is 180). */
  validDays?: number;
  contact: { nameEn: string; nameRu?: string; nameUz?: string; languages?: string; phone?: string; email?: string; channels?: ChannelInput[] };
}

/** A channel beyond phone and e-mail, by the English label of its kind. */
export interface ChannelInput {
  kind: 'Secure messenger' | 'Fax' | 'PGP key' | 'S/MIME certificate' | 'Accord';
  /** The handle, number or fingerprint. */
  value: string;
  /** The messenger's label (Signal, Threema…), for a secure messenger. */
  messenger?: string;
  /** A pasted key or certificate. */
  material?: string;
}

/** Cooperation → Directory: search and "Our entry". Buttons and fields by their English labels; cards and contacts by stable attributes. */
export class DirectoryPage {
  constructor(readonly page: Page) {}

  tab(name: 'search' | 'own' | 'print'): Locator {
    return this.page.locator(`nav.tabs a[data-tab="${name}"]`);
  }

  async openTab(name: 'search' | 'own' | 'print'): Promise<void> {
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

  /** A field of the entry form by its English label, e.g. 'Authority name (English)'. */
  field(label: string): Locator {
    return this.form.getByLabel(label, { exact: true });
  }

  /** The kinds of authority ticked in the form, by their English labels. */
  async checkedKinds(): Promise<string[]> {
    return this.form.locator('input[name="authority-kind"]:checked').evaluateAll((inputs) => inputs.map((i) => i.closest('label')?.textContent?.trim() ?? ''));
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
    if (input.contact.nameUz) await c.getByLabel('Name (Uzbek)', { exact: true }).fill(input.contact.nameUz);
    if (input.contact.languages) await c.getByLabel('Contact languages', { exact: true }).fill(input.contact.languages);
    if (input.contact.phone) await c.getByLabel('Phone', { exact: true }).fill(input.contact.phone);
    if (input.contact.email) await c.getByLabel('E-mail', { exact: true }).fill(input.contact.email);
    for (const [i, ch] of (input.contact.channels ?? []).entries()) {
      await c.getByRole('button', { name: 'Add channel' }).click();
      const row = c.locator('.channel-row').nth(i);
      await row.getByLabel('Channel', { exact: true }).selectOption({ label: ch.kind });
      if (ch.messenger) await row.getByLabel('Messenger', { exact: true }).selectOption({ label: ch.messenger });
      await row.locator('input').last().fill(ch.value);
      if (ch.material) await row.locator('textarea').fill(ch.material);
    }
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

  /** The card's facts as shown: country, local time, whether the authority is available now. */
  cardCell(nodeId: string, cell: 'country' | 'local-time' | 'kinds' | 'last-contact' | 'last-ping-test'): Locator {
    return this.card(nodeId).locator(`[data-cell="${cell}"]`).first();
  }

  availability(nodeId: string): Locator {
    return this.card(nodeId).getByTestId('available-now');
  }

  // Printable copy

  get printView(): Locator {
    return this.page.getByTestId('directory-print');
  }

  get printButton(): Locator {
    return this.page.getByRole('button', { name: 'Print / Save as PDF' });
  }

  exportLink(format: 'csv' | 'json'): Locator {
    return this.page.getByTestId(`export-${format}`);
  }
}
