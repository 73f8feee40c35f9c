import type { Locator, Page } from 'playwright-core';

export type GroupCell = 'name' | 'level' | 'status' | 'members' | 'agreement';

export interface NewGroupInput {
  name: string;
  level: 'Bilateral' | 'Regional' | 'Global';
  /** Node ids of the peers to invite (checkboxes are labelled with name and id). */
  members: string[];
  title: string;
  instrument: string;
  channels?: string;
  requestTypes?: string;
  languages?: string;
  confidentiality?: string;
}

/** Federation → Groups: the list, the founding form and one group. Buttons and fields by their English labels; rows, cells and events by stable attributes. */
export class GroupsPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.locator('table.groups-table');
  }

  get createForm(): Locator {
    return this.page.locator('form', { has: this.page.getByRole('heading', { name: 'Create group' }) });
  }

  /** A row of the list, by the group's name. */
  row(name: string): Locator {
    return this.table.locator('tr[data-group]', { has: this.page.getByRole('link', { name, exact: true }) });
  }

  async text(name: string, cell: GroupCell): Promise<string> {
    return ((await this.row(name).locator(`[data-cell="${cell}"]`).textContent()) ?? '').trim();
  }

  async create(g: NewGroupInput): Promise<void> {
    const f = this.createForm;
    await f.getByLabel('Name', { exact: true }).fill(g.name);
    await f.getByLabel('Level').selectOption({ label: g.level });
    for (const m of g.members) await f.getByRole('checkbox', { name: new RegExp(m) }).check();
    await f.getByLabel('Title', { exact: true }).fill(g.title);
    await f.getByLabel('Instrument').fill(g.instrument);
    if (g.channels) await f.getByLabel('Channels').fill(g.channels);
    if (g.requestTypes) await f.getByLabel('Request types').fill(g.requestTypes);
    if (g.languages) await f.getByLabel('Working languages').fill(g.languages);
    if (g.confidentiality) await f.getByLabel('Confidentiality').fill(g.confidentiality);
    await f.getByRole('button', { name: 'Create group' }).click();
  }

  async open(name: string): Promise<void> {
    await this.row(name).getByRole('link', { name, exact: true }).click();
    await this.summary.waitFor();
  }

  // One group

  get summary(): Locator {
    return this.page.getByTestId('group-summary');
  }

  /** "proposed", "active" or "refused", from the status badge of the open group. */
  async status(): Promise<string | null> {
    return this.summary.locator('[data-status]').getAttribute('data-status');
  }

  /** Node ids of the members of the open group. */
  async members(): Promise<string[]> {
    return this.page.getByTestId('group-members').locator('[data-member]').evaluateAll((els) => els.map((e) => e.getAttribute('data-member') ?? ''));
  }

  member(nodeId: string): Locator {
    return this.page.getByTestId('group-members').locator(`[data-member="${nodeId}"]`);
  }

  /** The agreement as label → value. */
  async agreement(): Promise<Record<string, string>> {
    return this.page.getByTestId('group-agreement').evaluate((dl) => {
      const out: Record<string, string> = {};
      for (const dt of dl.querySelectorAll('dt')) out[dt.textContent ?? ''] = (dt.nextElementSibling?.textContent ?? '').trim();
      return out;
    });
  }

  get proposals(): Locator {
    return this.page.locator('article.proposal');
  }

  /** The open proposal whose heading contains the text (e.g. "Found the group"). */
  proposal(text: string): Locator {
    return this.proposals.filter({ has: this.page.getByRole('heading', { name: new RegExp(text) }) });
  }

  /** The dialog that asks before a consent is signed. */
  get consentDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Consent to this change?' });
  }

  /** Consents to the proposal and confirms in the dialog. */
  async consent(text: string): Promise<void> {
    await this.proposal(text).getByRole('button', { name: 'Consent' }).click();
    await this.consentDialog.getByRole('button', { name: 'Sign the consent' }).click();
    await this.consentDialog.waitFor({ state: 'hidden' });
  }

  /** The members a proposed group will have, with each one's answer ('founder', 'consent', 'refuse', 'pending'). */
  async proposedMembers(): Promise<{ node: string; answer: string }[]> {
    return this.page
      .getByTestId('group-proposed-members')
      .locator('[data-member]')
      .evaluateAll((els) => els.map((e) => ({ node: e.getAttribute('data-member') ?? '', answer: e.getAttribute('data-answer') ?? '' })));
  }

  get history(): Locator {
    return this.page.getByTestId('group-history');
  }

  /** The history as [type, kind, author, counted] per event, oldest first. */
  async events(): Promise<{ type: string; kind: string | null; author: string; counted: string; key: string }[]> {
    return this.history.locator('li').evaluateAll((els) =>
      els.map((e) => ({
        type: e.getAttribute('data-type') ?? '',
        kind: e.getAttribute('data-kind'),
        author: e.querySelector('[data-node]')?.getAttribute('data-node') ?? '',
        counted: e.getAttribute('data-counted') ?? '',
        key: e.querySelector('[data-fingerprint]')?.getAttribute('title') ?? '',
      })),
    );
  }
}
