import type { Locator, Page } from 'playwright-core';

/** The duty desk (the Overview page): what waits, the peers panel, our entry, the sound toggle. */
export class DeskPage {
  constructor(readonly page: Page) {}

  get list(): Locator {
    return this.page.getByTestId('desk-list');
  }

  get empty(): Locator {
    return this.page.getByTestId('desk-empty');
  }

  /** A waiting item by its kind (and id, when given). */
  item(kind: string, id?: string): Locator {
    return this.page.locator(`li.desk-item[data-kind="${kind}"]${id ? `[data-id="${id}"]` : ''}`);
  }

  /** The count next to the Overview entry of the sidebar. */
  get sidebarCount(): Locator {
    return this.page.locator('nav.sidebar a[data-nav="overview"]').getByTestId('desk-count');
  }

  get live(): Locator {
    return this.page.getByTestId('desk-live');
  }

  get soundToggle(): Locator {
    return this.page.getByTestId('desk-sound');
  }

  get ownEntry(): Locator {
    return this.page.getByTestId('desk-own-entry');
  }

  get peers(): Locator {
    return this.page.getByTestId('desk-peers');
  }

  async waitForLive(): Promise<void> {
    await this.page.locator('[data-testid="desk-live"][data-live="true"]').waitFor();
  }

  /** Confirms a ping test from the desk itself. */
  async confirmPingTest(id: string): Promise<void> {
    await this.item('directory.ping_test_to_confirm', id).getByRole('button').click();
  }

  title(): Promise<string> {
    return this.page.title();
  }
}
