import type { Locator, Page } from 'playwright-core';

/** Cooperation → Plans: the list of plans, the form to found one, and a plan's page. */
export class PlansPage {
  constructor(readonly page: Page) {}

  async openFromSidebar(): Promise<void> {
    await this.page.locator('nav.sidebar a[data-nav="plans"]').click();
    await this.page.getByRole('heading', { level: 1, name: 'Plans of interaction' }).waitFor();
  }

  get createForm(): Locator {
    return this.page.getByTestId('new-plan-form');
  }

  async create(plan: { group: string; title: string; agreement?: string; reference?: string }): Promise<void> {
    const f = this.createForm;
    await f.getByLabel('Group').selectOption({ label: plan.group });
    await f.getByLabel('Title').fill(plan.title);
    if (plan.agreement) await f.getByLabel('Agreement it implements').selectOption({ label: plan.agreement });
    if (plan.reference) await f.getByLabel('Reference (optional)').fill(plan.reference);
    await f.getByRole('button', { name: 'Create plan' }).click();
  }

  row(title: string): Locator {
    return this.page.locator('table.plans-table tr', { has: this.page.getByRole('link', { name: title }) });
  }

  async open(title: string): Promise<void> {
    await this.page.getByRole('link', { name: title }).click();
    await this.page.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  get addItemForm(): Locator {
    return this.page.getByTestId('add-item-form');
  }

  async addItem(item: { title: string; owner: string; deadline: string; description?: string }): Promise<void> {
    const f = this.addItemForm;
    await f.getByLabel('Item').fill(item.title);
    if (item.description) await f.getByLabel('Description (optional)').fill(item.description);
    await f.getByLabel('Owner').selectOption(item.owner);
    await f.getByLabel('Deadline').fill(item.deadline);
    await f.getByRole('button', { name: 'Add item' }).click();
  }

  /** An item's row on the plan page. */
  item(title: string): Locator {
    return this.page.locator('table.plan-items > tbody > tr', { has: this.page.getByText(title, { exact: true }) });
  }

  async publishStatus(title: string, status: string, note: string): Promise<void> {
    const row = this.item(title);
    await row.getByLabel('Status').selectOption({ label: status });
    await row.getByLabel('Note').fill(note);
    await row.getByRole('button', { name: 'Publish status' }).click();
  }

  exportLink(kind: 'HTML' | 'PDF'): Locator {
    return this.page.getByRole('link', { name: kind === 'HTML' ? 'Print report (HTML)' : 'Download report (PDF)' });
  }
}
