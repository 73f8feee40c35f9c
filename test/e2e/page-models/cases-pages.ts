import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Locator, Page } from 'playwright-core';

/** Cases → the list: rows by case id, cells by stable attributes. */
export class CaseListPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.locator('table.cases-table');
  }

  /** The row of a case, by its subject link. */
  row(subject: string): Locator {
    return this.table.locator('tr[data-case]', { has: this.page.getByRole('link', { name: subject, exact: true }) });
  }

  async newRequest(): Promise<void> {
    await this.page.locator('a[data-action="new-request"]').click();
    await this.page.getByRole('heading', { level: 1, name: 'New request' }).waitFor();
  }
}

/** Cases → a new request or a draft: fields by their English labels. */
export class DraftFormPage {
  constructor(readonly page: Page) {}

  get form(): Locator {
    return this.page.locator('form.draft-form');
  }

  get sendButton(): Locator {
    return this.page.locator('button[data-action="send"]');
  }

  /** The problems listed at the top of the form, as "place: text". */
  async problems(): Promise<string[]> {
    return (await this.page.locator('.draft-problems li').allTextContents()).map((s) => s.trim());
  }

  /** The error shown next to the field labelled `label`. */
  fieldError(label: string): Locator {
    return this.form.locator('.field', { has: this.page.getByLabel(label, { exact: true }) }).locator('.field-error');
  }

  /** The legal source and "unconfirmed" badge shown under a field. */
  fieldSource(label: string): Locator {
    return this.form.locator('.field', { has: this.page.getByLabel(label, { exact: true }) }).locator('[data-source]');
  }

  async choose(label: string, value: string | string[]): Promise<void> {
    await this.form.getByLabel(label, { exact: true }).selectOption(value);
  }

  async fill(label: string, text: string): Promise<void> {
    await this.form.getByLabel(label, { exact: true }).fill(text);
  }

  async check(label: string): Promise<void> {
    await this.form.getByLabel(label, { exact: true }).check();
  }

  async save(): Promise<void> {
    await this.form.getByRole('button', { name: 'Save draft' }).click();
    await this.page.getByText('Draft saved.').waitFor();
  }
}

/** Cases → one case: its summary, the action panel and the signed timeline. */
export class CaseDetailPage {
  constructor(readonly page: Page) {}

  get summary(): Locator {
    return this.page.locator('section.case-summary');
  }

  async status(): Promise<string | null> {
    return this.summary.locator('[data-status]').first().getAttribute('data-status');
  }

  async verificationCode(): Promise<string> {
    return ((await this.summary.locator('[data-cell="verification"]').textContent()) ?? '').trim();
  }

  /** Picks an action of the panel and submits it with what `fill` enters. */
  async act(action: string, fill?: (form: Locator) => Promise<void>): Promise<void> {
    const panel = this.page.locator('section.action-panel');
    await panel.locator(`button[data-action="${action}"]`).click();
    const form = panel.locator(`form[data-form-action="${action}"]`);
    await form.waitFor();
    if (fill) await fill(form);
    await form.locator(`button[data-submit="${action}"]`).click();
    await panel.locator('.alert-success').waitFor();
  }

  event(action: string): Locator {
    return this.page.locator(`.case-timeline li[data-action="${action}"]`);
  }
}

/** The text of a PDF, page after page, with runs of white space as one space. */
export async function pdfText(pdf: Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: pdf, disableFontFace: true }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    for (const item of content.items) if ('str' in item) parts.push(item.str);
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text: parts.join(' ').replace(/\s+/g, ' ') };
}
