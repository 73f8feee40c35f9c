import type { Locator, Page } from 'playwright-core';

export type PeerCell = 'name' | 'node-id' | 'country' | 'status' | 'reachable' | 'last-contact' | 'queue' | 'oldest' | 'error';

/** The Federation → Peers page. Buttons and fields by their English labels; the table, rows and cells by stable attributes, so they work in any language. */
export class PeersPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.locator('table.peers-table');
  }

  get ownFingerprint(): Locator {
    return this.page.getByTestId('own-fingerprint');
  }

  get addForm(): Locator {
    return this.page.locator('form', { has: this.page.getByRole('heading', { name: 'Add a peer' }) });
  }

  /** The security warning shown when the peer's key has another fingerprint. */
  get fingerprintMismatch(): Locator {
    return this.page.getByTestId('fingerprint-mismatch');
  }

  row(nodeId: string): Locator {
    return this.table.locator(`tr[data-peer="${nodeId}"]`);
  }

  cell(nodeId: string, cell: PeerCell): Locator {
    return this.row(nodeId).locator(`[data-cell="${cell}"]`);
  }

  /** The row under a peer where the results of its actions show (ping, notice form, remove confirmation). */
  panel(nodeId: string): Locator {
    return this.table.locator(`tr[data-panel-for="${nodeId}"]`);
  }

  async text(nodeId: string, cell: PeerCell): Promise<string> {
    return ((await this.cell(nodeId, cell).textContent()) ?? '').trim();
  }

  /** "true", "false" or "null", from the reachability badge. */
  async reachable(nodeId: string): Promise<string | null> {
    return this.cell(nodeId, 'reachable').locator('[data-reachable]').getAttribute('data-reachable');
  }

  async addPeer(url: string, fingerprint: string): Promise<void> {
    await this.addForm.getByLabel('Peer URL').fill(url);
    await this.addForm.getByLabel('Key fingerprint').fill(fingerprint);
    await this.addForm.getByRole('button', { name: 'Add peer' }).click();
  }

  /** Pings the peer and returns the text of the result (round-trip time and who signed the receipt). */
  async ping(nodeId: string): Promise<string> {
    await this.row(nodeId).getByRole('button', { name: 'Ping', exact: true }).click();
    const result = this.panel(nodeId).getByTestId('ping-result');
    await result.waitFor();
    return ((await result.textContent()) ?? '').trim();
  }

  async sendNotice(nodeId: string, subject: string, text: string): Promise<void> {
    await this.row(nodeId).getByRole('button', { name: 'Send notice' }).click();
    const form = this.panel(nodeId).locator('form');
    await form.getByLabel('Subject', { exact: true }).fill(subject);
    await form.getByLabel('Text', { exact: true }).fill(text);
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    const queued = this.panel(nodeId).getByText('The notice is queued for delivery.');
    await queued.waitFor();
    await this.panel(nodeId).getByRole('button', { name: 'Close' }).click();
  }

  async retryNow(nodeId: string): Promise<void> {
    await this.row(nodeId).getByRole('button', { name: 'Retry now' }).click();
  }

  async suspend(nodeId: string): Promise<void> {
    await this.row(nodeId).getByRole('button', { name: 'Suspend' }).click();
  }

  async resume(nodeId: string): Promise<void> {
    await this.row(nodeId).getByRole('button', { name: 'Resume' }).click();
  }

  /** Remove asks first: this clicks Remove, then the confirmation. */
  async remove(nodeId: string): Promise<void> {
    await this.row(nodeId).getByRole('button', { name: 'Remove', exact: true }).click();
    await this.panel(nodeId).getByRole('button', { name: 'Remove peer' }).click();
  }
}
