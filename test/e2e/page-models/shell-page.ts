import type { Locator, Page } from 'playwright-core';

export type NavItem = 'overview' | 'directory' | 'cases' | 'intelligence' | 'norms' | 'federation' | 'groups' | 'users' | 'audit' | 'notifications' | 'tokens' | 'account';

/** The signed-in app shell: header (node, language, theme, user menu) and sidebar. */
export class ShellPage {
  constructor(readonly page: Page) {}

  get sidebar(): Locator {
    return this.page.locator('nav.sidebar');
  }

  /** A sidebar link, found by its stable page name rather than its translated label. */
  navLink(item: NavItem): Locator {
    return this.sidebar.locator(`a[data-nav="${item}"]`);
  }

  async open(item: NavItem): Promise<void> {
    await this.navLink(item).click();
    await this.page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('aria-current') === 'page', `nav.sidebar a[data-nav="${item}"]`);
  }

  async waitForShell(): Promise<void> {
    await this.sidebar.waitFor();
    await this.nodeName.waitFor();
  }

  get nodeName(): Locator {
    return this.page.getByTestId('node-name');
  }

  get fingerprint(): Locator {
    return this.page.getByTestId('fingerprint');
  }

  get languageSelect(): Locator {
    return this.page.locator('header select');
  }

  async selectLanguage(code: 'en' | 'ru' | 'uz'): Promise<void> {
    await this.languageSelect.selectOption(code);
    await this.page.waitForFunction((lang) => document.documentElement.lang === lang, code);
  }

  async htmlLang(): Promise<string | null> {
    return this.page.locator('html').getAttribute('lang');
  }

  async theme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme');
  }

  async toggleTheme(): Promise<void> {
    const before = await this.theme();
    await this.page.getByTestId('theme-toggle').click();
    await this.page.waitForFunction((prev) => document.documentElement.dataset.theme !== prev, before);
  }

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }

  /** Signs out through the user menu (labels in English). */
  async signOut(): Promise<void> {
    await this.page.getByTestId('user-menu').click();
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true });
  }
}
