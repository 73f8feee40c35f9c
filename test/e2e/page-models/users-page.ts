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

  /**
   * The role names that do not fit their dropdown (in any language): each option's text,
   * measured in the select's font, against the select's inner width less its arrow.
   */
  async cutOffRoleSelects(): Promise<string[]> {
    return this.page.locator('select.role-select').evaluateAll((els) => {
      const ctx = document.createElement('canvas').getContext('2d')!;
      return (els as HTMLSelectElement[]).flatMap((sel) => {
        const cs = getComputedStyle(sel);
        ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 12;
        return [...sel.options].map((o) => o.text).filter((text) => ctx.measureText(text).width > room);
      });
    });
  }

  async setDisabled(email: string, disabled: boolean): Promise<void> {
    await this.row(email).getByRole('button', { name: disabled ? 'Disable' : 'Enable' }).click();
  }
}
