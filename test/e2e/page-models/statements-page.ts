import type { Locator, Page } from 'playwright-core';

/** Cooperation → Statements: the list, the form to draft one, and a statement's page. */
export class StatementsPage {
  constructor(readonly page: Page) {}

  async openFromSidebar(): Promise<void> {
    await this.page.locator('nav.sidebar a[data-nav="statements"]').click();
    await this.page.getByRole('heading', { level: 1, name: 'Joint statements and agreements' }).waitFor();
  }

  get createForm(): Locator {
    return this.page.getByTestId('new-statement-form');
  }

  /** Drafts a statement; `texts` in order, the first language is the form's English one. */
  async create(s: { group: string; title: string; kind: 'Joint statement' | 'Agreement'; texts: Record<string, string> }): Promise<void> {
    const f = this.createForm;
    await f.getByLabel('Group').selectOption({ label: s.group });
    await f.getByLabel('Title').fill(s.title);
    await f.getByLabel('Kind').selectOption({ label: s.kind });
    for (const [lang, text] of Object.entries(s.texts)) {
      if ((await f.getByLabel(`Text (${lang})`).count()) === 0) {
        await f.getByLabel('Language code').fill(lang);
        await f.getByRole('button', { name: 'Add language' }).click();
      }
      await f.getByLabel(`Text (${lang})`).fill(text);
    }
    await f.getByRole('button', { name: 'Draft statement' }).click();
  }

  row(title: string): Locator {
    return this.page.locator('table.statements-table tr', { has: this.page.getByRole('link', { name: title }) });
  }

  async open(title: string): Promise<void> {
    await this.page.getByRole('link', { name: title }).click();
    await this.page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  /** The current text of one language version on the statement's page. */
  version(lang: string): Locator {
    return this.page.getByTestId('statement-texts').locator(`[data-lang="${lang}"] .statement-text`);
  }

  get state(): Locator {
    return this.page.getByTestId('statement-state');
  }

  async proposeAmendment(texts: Record<string, string>): Promise<void> {
    const f = this.page.getByTestId('amend-form');
    for (const [lang, text] of Object.entries(texts)) await f.getByLabel(`Text (${lang})`).fill(text);
    await f.getByRole('button', { name: 'Propose amendment' }).click();
  }

  /** An open amendment on the statement's page. */
  openAmendment(): Locator {
    return this.page.getByTestId('amendments').locator('li.amendment[data-status="open"]');
  }

  get adoption(): Locator {
    return this.page.getByTestId('adoption');
  }

  get signatures(): Locator {
    return this.page.getByTestId('signatures');
  }

  signer(node: string): Locator {
    return this.signatures.locator(`tr[data-signer="${node}"]`);
  }

  get verifyResult(): Locator {
    return this.page.getByTestId('verify-result');
  }

  /** What the page says of the agreement's terms in force for the group (data-status, data-current). */
  get inForceState(): Locator {
    return this.page.getByTestId('in-force-state');
  }

  downloadLink(): Locator {
    return this.page.getByRole('link', { name: 'Download co-signed document (JSON)' });
  }
}
