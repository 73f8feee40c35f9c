import type { Locator, Page } from 'playwright-core';

/** Threat intelligence: the objects list with its import, an object's page, and the releases tab. Controls by their English labels. */
export class IntelPages {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.locator('nav.sidebar a[data-nav="intelligence"]').click();
    await this.page.getByRole('heading', { level: 1, name: 'Threat intelligence' }).waitFor();
  }

  /** Starts recording every value the import's progress bar takes (it may come and go quickly). */
  async recordProgress(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { progressSeen: number[] };
      w.progressSeen = [];
      new MutationObserver(() => {
        const p = document.querySelector('.intel-progress progress') as HTMLProgressElement | null;
        if (p) w.progressSeen.push(p.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  }

  progressSeen(): Promise<number[]> {
    return this.page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
  }

  /** Imports a bundle file and returns the result line once the node has answered. */
  async importBundle(file: string): Promise<string> {
    await this.page.getByLabel('Bundle file (JSON)').setInputFiles(file);
    await this.page.getByRole('button', { name: 'Import', exact: true }).click();
    const result = this.page.getByTestId('import-result');
    await result.waitFor({ timeout: 60_000 });
    return (await result.locator('p').first().textContent()) ?? '';
  }

  row(name: string): Locator {
    return this.page.getByTestId('intel-objects').locator('tbody tr', { has: this.page.getByRole('link', { name, exact: true }) });
  }

  /** The TLP of a row or object page, from its badge. */
  tlpOf(scope: Locator): Promise<string | null> {
    return scope.locator('.tlp').first().getAttribute('data-tlp');
  }

  async search(words: string): Promise<void> {
    await this.page.getByLabel('Words').fill(words);
    await this.page.getByRole('button', { name: 'Search' }).click();
  }

  async openReleases(): Promise<void> {
    await this.page.locator('nav.tabs a[data-tab="releases"]').click();
    await this.page.getByRole('heading', { level: 2, name: 'Releases of this node' }).waitFor();
  }

  async releaseToPeer(title: string, peer: string, ids: string[]): Promise<void> {
    const form = this.page.locator('section.intel-release-form');
    await form.getByLabel('Title').fill(title);
    await form.getByRole('radio', { name: 'A peer' }).check();
    await form.locator('fieldset select').selectOption(peer);
    await form.getByLabel('Object ids (one per line; optional)').fill(ids.join('\n'));
    await form.getByRole('button', { name: 'Release', exact: true }).click();
    await form.getByText(`Released: ${title}.`).waitFor();
  }
}
