import type { Locator, Page } from 'playwright-core';

/** The Attachments section of a case's page: the list, the attach form with its progress, the bundle export. */
export class AttachmentsSection {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('attachments');
  }

  item(name: string): Locator {
    return this.root.locator('li.attachment').filter({ has: this.page.locator('.attachment-name', { hasText: name }) });
  }

  get progress(): Locator {
    return this.root.getByTestId('upload-progress');
  }

  /** Picks a file and a description and starts the upload. */
  async attach(file: string, description: string): Promise<void> {
    await this.root.getByTestId('attach-file').setInputFiles(file);
    await this.root.getByLabel('Description').fill(description);
    await this.root.locator('button[data-action="attach"]').click();
  }

  /** The bytes the node has confirmed so far, as the progress bar shows them (null once it is gone). */
  async sent(): Promise<number | null> {
    const v = await this.progress.getAttribute('data-sent', { timeout: 1000 }).catch(() => null);
    return v === null ? null : Number(v);
  }

  /** Clicks Export bundle and saves the download to `path`. */
  async exportBundle(path: string, hashesOnly = false): Promise<string> {
    const box = this.root.getByTestId('bundle-hashes-only');
    if ((await box.isChecked()) !== hashesOnly) await box.click();
    const [download] = await Promise.all([this.page.waitForEvent('download', { timeout: 60_000 }), this.root.locator('a[data-action="export-bundle"]').click()]);
    await download.saveAs(path);
    return download.suggestedFilename();
  }
}
