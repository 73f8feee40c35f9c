import type { Locator, Page } from 'playwright-core';

/** The Team section of a case's page: who is assigned, add and remove. */
export class CaseTeamSection {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('case-team');
  }

  /** `true` once the case has a team, as the section says it. */
  async restricted(): Promise<boolean> {
    return (await this.root.locator('[data-restricted]').getAttribute('data-restricted')) === 'true';
  }

  member(userId: string): Locator {
    return this.root.locator(`tr[data-member="${userId}"]`);
  }

  /** Opens the candidate list, picks the user and assigns them. */
  async assign(userId: string): Promise<void> {
    await this.root.locator('button[data-action="team-add-open"]').click();
    await this.root.getByTestId('team-candidate').selectOption(userId);
    await this.root.locator('button[data-action="assign"]').click();
    await this.member(userId).waitFor();
  }

  async remove(userId: string): Promise<void> {
    await this.member(userId).locator('button[data-action="unassign"]').click();
    await this.member(userId).waitFor({ state: 'detached' });
  }
}
