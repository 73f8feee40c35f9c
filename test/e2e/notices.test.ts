import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../_util/node-process.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { NoticesPage } from './page-models/notices-page.js';
import { PeersPage } from './page-models/peers-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

/** Long enough for a delivery plus two 5-second refreshes of the lists. */
const POLL = { timeout: 20_000, interval: 250 };
const OFFICER = { email: 'duty.officer@kz-cert.example', name: 'Aigerim Duty', password: 'officer password long enough 1' };

function shot(name: string): string {
  return resolve(RESULTS, `notices-${name}.png`);
}

describe('notices between two nodes in the browser', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();

  it("A sends a notice; B's officer sees it unacknowledged, acknowledges and replies; A sees who acknowledged it and the reply", async () => {
    const added = runCli(['user', 'add', '--data', fx.b.dataDir, '--email', OFFICER.email, '--name', OFFICER.name, '--role', 'officer', '--password-stdin'], { input: `${OFFICER.password}\n` });
    expect(added.status, added.stderr).toBe(0);

    // A's admin sends the notice from the Peers page.
    const { page: pageA, shell: shellA } = await fx.signInAsAdmin(fx.a);
    await shellA.open('federation');
    await new PeersPage(pageA).sendNotice('kz-cert', 'Phishing wave against banks', 'Indicators follow in the shared case.');

    // B's officer signs in and finds it on the Notices page, marked as not acknowledged.
    const pageB = await fx.newPage();
    const signIn = new SignInPage(pageB);
    await signIn.goto(fx.b.url);
    await signIn.signIn(OFFICER.email, OFFICER.password);
    // It waits on the officer's duty desk (the Overview), which links to the Notices page.
    const deskItem = pageB.locator('li.desk-item[data-kind="federation.notice_to_acknowledge"]');
    await deskItem.waitFor({ timeout: POLL.timeout });
    expect(await deskItem.textContent()).toMatch(/Notice from uz-cert: “Phishing wave against banks”/);
    await pageB.screenshot({ path: shot('b-desk'), fullPage: true });
    await deskItem.getByRole('link').click();
    const noticesB = new NoticesPage(pageB);
    await pageB.getByRole('heading', { level: 1, name: 'Notices' }).waitFor();
    const received = noticesB.notice('received', 'Phishing wave against banks');
    await received.waitFor({ timeout: POLL.timeout });
    expect(await noticesB.state(received)).toBe('unacknowledged');
    await expect.poll(() => pageB.getByTestId('unacknowledged-count').textContent()).toBe('Not acknowledged: 1');
    await expect.poll(() => received.locator('.hint').first().textContent()).toMatch(/^From uz-cert/);
    await pageB.screenshot({ path: shot('b-received'), fullPage: true });

    await noticesB.acknowledge(received);
    expect(await received.locator('[data-state="acknowledged"]').textContent()).toMatch(/^Acknowledged by Aigerim Duty at /);
    await expect.poll(() => pageB.getByTestId('unacknowledged-count').count()).toBe(0);
    await noticesB.reply(received, 'Seen here too, since this morning.');
    await pageB.screenshot({ path: shot('b-acknowledged'), fullPage: true });

    // A's page shows the acknowledgement on the sent notice, and the reply received in its thread.
    const noticesA = new NoticesPage(pageA);
    await noticesA.open();
    const sent = noticesA.notice('sent', 'Phishing wave against banks');
    await expect.poll(() => sent.getAttribute('data-acknowledged'), POLL).toBe('true');
    expect(await sent.locator('[data-state="acknowledged"]').textContent()).toMatch(/^Acknowledged by Aigerim Duty at /);
    const reply = noticesA.notice('received', 'Re: Phishing wave against banks');
    await reply.waitFor({ timeout: POLL.timeout });
    await expect.poll(() => sent.getByRole('button', { name: /^Show thread/ }).textContent(), POLL).toBe('Show thread (replies: 1)');
    expect(await noticesA.thread(sent)).toEqual(['Phishing wave against banks', 'Re: Phishing wave against banks']);
    await pageA.screenshot({ path: shot('a-acknowledged'), fullPage: true });
    expect(fx.errors).toEqual([]);
  });

  it('an auditor reads the notices but has nothing to act with', async () => {
    const auditor = { email: 'auditor@kz-cert.example', password: 'auditor password long enough 1' };
    expect(runCli(['user', 'add', '--data', fx.b.dataDir, '--email', auditor.email, '--name', 'Auditor', '--role', 'auditor', '--password-stdin'], { input: `${auditor.password}\n` }).status).toBe(0);
    const page = await fx.newPage();
    const signIn = new SignInPage(page);
    await signIn.goto(fx.b.url);
    await signIn.signIn(auditor.email, auditor.password);
    const notices = new NoticesPage(page);
    await notices.open();
    await page.getByText('You can read the notices but not acknowledge or answer them.').waitFor();
    const received = notices.notice('received', 'Phishing wave against banks');
    await received.waitFor();
    expect(await received.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await received.getByRole('button', { name: 'Reply', exact: true }).count()).toBe(0);
    expect(fx.errors).toEqual([]);
  });
});
