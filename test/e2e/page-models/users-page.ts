import type { Locator, Page } from 'playwright-core';

/** The Users page (labels in English). */
export class UsersPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Users of this node' });
  }

  row(email: string): Locator {
    return this.table.locator(`tr[data-email="${email}"]`);
  }

  get oneTimePassword(): Locator {
    return this.page.getByTestId('one-time-password');
  }

  /** Adds a user through the form and returns the one-time password the page shows once. */
  async addUser(input: { email: string; name: string; role: 'admin' | 'coordinator' | 'officer' | 'analyst' | 'auditor' }): Promise<string> {
    const form = this.page.locator('form', { has: this.page.getByRole('heading', { name: 'Add a user' }) });
    await form.getByLabel('E-mail').fill(input.email);
    await form.getByLabel('Name').fill(input.name);
    await form.getByLabel('Role').selectOption(input.role);
    await form.getByRole('button', { name: 'Add user' }).click();
    await this.oneTimePassword.waitFor();
    return ((await this.oneTimePassword.textContent()) ?? '').trim();
  }

  async setDisabled(email: string, disabled: boolean): Promise<void> {
    await this.row(email).getByRole('button', { name: disabled ? 'Disable' : 'Enable' }).click();
  }
}
