import type { Locator, Page } from 'playwright-core';

/**
 * The sign-in steps: e-mail and password, then whichever step the session names
 * (second factor, forced password change, TOTP enrolment and recovery codes).
 * Labels are the English ones: these steps are driven with the UI in English.
 */
export class SignInPage {
  constructor(readonly page: Page) {}

  async goto(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl);
    await this.heading('Sign in').waitFor();
  }

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }

  get alert(): Locator {
    return this.page.getByRole('alert');
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByLabel('E-mail').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  /** The current-password field (the Account page has one; the forced change after a one-time password does not). */
  get currentPassword(): Locator {
    return this.page.getByLabel(/^(Current|One-time) password$/);
  }

  /** The forced change after signing in with a one-time password: only the new password, twice. */
  async changePassword(_oneTimePassword: string, next: string): Promise<void> {
    await this.heading('Choose a new password').waitFor();
    await this.page.getByLabel('New password', { exact: true }).fill(next);
    await this.page.getByLabel('Repeat new password').fill(next);
    await this.page.getByRole('button', { name: 'Change password' }).click();
  }

  /** Reads the key shown for manual entry (grouped in fours on screen). */
  async totpSecret(): Promise<string> {
    await this.heading('Set up two-step verification').waitFor();
    const secret = this.page.getByTestId('totp-secret');
    await secret.waitFor();
    return ((await secret.textContent()) ?? '').replace(/\s+/g, '');
  }

  async qrImageSource(): Promise<string | null> {
    return this.page.getByRole('img', { name: /QR code/ }).getAttribute('src');
  }

  async confirmTotp(code: string): Promise<void> {
    await this.page.getByLabel('Code from the app').fill(code);
    await this.page.getByRole('button', { name: 'Confirm' }).click();
  }

  async secondFactor(code: string): Promise<void> {
    await this.heading('Two-step verification').waitFor();
    await this.page.getByLabel('Authentication code').fill(code);
    await this.page.getByRole('button', { name: 'Verify' }).click();
  }

  async recoveryCode(code: string): Promise<void> {
    await this.heading('Two-step verification').waitFor();
    await this.page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await this.page.getByLabel('Recovery code').fill(code);
    await this.page.getByRole('button', { name: 'Verify' }).click();
  }

  /** The recovery codes shown once after enrolment; then continues to the app. */
  async saveRecoveryCodes(): Promise<string[]> {
    await this.heading('Save your recovery codes').waitFor();
    const codes = await this.page.getByTestId('recovery-codes').locator('li').allTextContents();
    await this.page.getByRole('button', { name: 'I saved them, continue' }).click();
    return codes.map((c) => c.trim());
  }
}
