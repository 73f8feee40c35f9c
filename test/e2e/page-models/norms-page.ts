import type { Locator, Page } from 'playwright-core';

/** Cooperation → Norms: the matrix, this node's report drafts and one state's report. Fields and buttons by their English labels, cells by stable attributes. */
export class NormsPage {
  constructor(readonly page: Page) {}

  async tab(name: 'Compare' | 'Our report' | 'Catalogue'): Promise<void> {
    await this.page.locator('nav.norms-tabs').getByRole('link', { name, exact: true }).click();
  }

  get matrix(): Locator {
    return this.page.getByTestId('norms-matrix');
  }

  /** The status shown in the matrix for a state's norm: not_started, in_progress or implemented. */
  async cell(node: string, norm: string): Promise<string | null> {
    return this.matrix.locator(`tr[data-node="${node}"] td[data-norm="${norm}"]`).getAttribute('data-status');
  }

  async newDraft(): Promise<void> {
    await this.page.getByRole('button', { name: 'New draft' }).click();
    await this.page.getByRole('heading', { name: 'National implementation report' }).waitFor();
  }

  norm(id: string): Locator {
    return this.page.locator(`fieldset[data-norm="${id}"]`);
  }

  async fillNorm(id: string, v: { status: 'Not started' | 'In progress' | 'Implemented'; measures?: string; links?: string }): Promise<void> {
    const f = this.norm(id);
    await f.getByLabel('Status').selectOption({ label: v.status });
    if (v.measures !== undefined) await f.getByLabel('Measures taken').fill(v.measures);
    if (v.links !== undefined) await f.getByLabel('Links').fill(v.links);
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save draft' }).click();
    await this.page.getByRole('status').getByText('Draft saved.').waitFor();
  }

  async sendForReview(): Promise<void> {
    await this.page.getByRole('button', { name: 'Send for review' }).click();
    await this.page.getByTestId('draft-state').getByText('In review').waitFor();
  }

  async publishTo(groupName: string): Promise<void> {
    await this.page.getByLabel(groupName).check();
    await this.page.getByRole('button', { name: 'Publish to the chosen groups' }).click();
  }

  /** Opens a state's report from the matrix. */
  async openReport(node: string): Promise<void> {
    await this.matrix.locator(`tr[data-node="${node}"] th a`).click();
    await this.page.getByTestId('norms-report').waitFor();
  }

  /** The norms the diff names as changed, with what changed. */
  async diff(): Promise<string[]> {
    const items = this.page.getByTestId('norms-diff').locator('li[data-norm]');
    return (await items.allTextContents()).map((s) => s.trim());
  }
}
