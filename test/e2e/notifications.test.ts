import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../_util/node-process.js';
import { RESULTS, TIMEOUT, useTwoNodeBrowser } from './_two-nodes.js';
import { NotificationsPage } from './page-models/notifications-page.js';
import { ShellPage } from './page-models/shell-page.js';
import { SignInPage } from './page-models/sign-in-page.js';

/** Personal → Notifications in Chromium: channels per event, the webhook and its secret, a test notification and the list. */

/** Long enough for the notification worker (polls every 500 ms) and the list's next refresh (every 5 s). */
const POLL = { timeout: 30_000, interval: 500 };

function shot(name: string): string {
  return resolve(RESULTS, `notifications-${name}.png`);
}

/** A webhook receiver on a free local port that records what it is sent. */
async function startReceiver(): Promise<{ server: Server; url: string; received: { headers: IncomingHttpHeaders; body: string }[] }> {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/accord-hook`, received };
}

describe('notifications page', { timeout: TIMEOUT }, () => {
  const fx = useTwoNodeBrowser();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await new Promise((res) => receiver?.server.close(res));
  });

  it('saves channels per event and the webhook, refuses a bad URL, and lists a delivered test notification', async () => {
    const { page, shell } = await fx.signInAsAdmin(fx.a);
    const notifications = new NotificationsPage(page);
    await shell.open('notifications');
    await shell.heading('Notifications').waitFor();
    expect(new URL(page.url()).pathname).toBe('/notifications');

    // the defaults of the server, one select per kind it defines (once the preferences have loaded)
    await notifications.channelsForm.locator('tr[data-kind] select').first().waitFor();
    expect(await notifications.channelsForm.locator('tr[data-kind] select').count()).toBe(6);
    expect(await notifications.channel('Ping test requests').inputValue()).toBe('email');
    expect(await notifications.channel('Case deadlines').inputValue()).toBe('none');
    expect(await notifications.channel('Test notifications').inputValue()).toBe('both');
    expect(await notifications.secretState.textContent()).toBe('No secret yet: one is made when you save a webhook URL.');
    await notifications.list.getByText('No notifications yet.').waitFor();

    // change two kinds; a webhook channel without a URL is pointed out
    await notifications.setChannels({ 'Case deadlines': 'webhook', 'Ping test results': 'none' });
    await notifications.channelsSaved.waitFor();
    await notifications.webhookMissing.waitFor();

    // a bad URL: the server's reason is shown and what was typed stays in the field
    const bad = 'http://duty:secret@hooks.example.org/accord';
    await notifications.saveWebhook(bad);
    await notifications.webhookAlert.waitFor();
    expect(await notifications.webhookAlert.textContent()).toContain('Some of the values are not valid.');
    expect(await notifications.webhookAlert.textContent()).toContain('webhook_url must not contain credentials');
    expect(await notifications.webhookUrl.inputValue()).toBe(bad);
    await shell.screenshot(shot('bad-webhook'));

    const notHttp = 'ftp://hooks.example.org/accord';
    await notifications.saveWebhook(notHttp);
    await expect.poll(() => notifications.webhookAlert.textContent()).toContain('webhook_url');
    expect(await notifications.webhookUrl.inputValue()).toBe(notHttp);

    // a good URL: saved, and its secret is shown once
    await notifications.saveWebhook(receiver.url);
    await notifications.webhookDone.waitFor();
    expect(await notifications.webhookDone.textContent()).toBe('The webhook is saved.');
    const secret = ((await notifications.webhookSecret.textContent()) ?? '').trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{20,}$/);
    expect(await notifications.secretState.textContent()).toContain('A secret is set.');
    expect(await notifications.webhookMissing.count()).toBe(0);

    // everything stuck after a reload, and the secret is not shown again
    await page.reload();
    await shell.waitForShell();
    await shell.heading('Notifications').waitFor();
    expect(await notifications.channel('Case deadlines').inputValue()).toBe('webhook');
    expect(await notifications.channel('Ping test results').inputValue()).toBe('none');
    expect(await notifications.channel('Ping test requests').inputValue()).toBe('email');
    expect(await notifications.webhookUrl.inputValue()).toBe(receiver.url);
    expect(await notifications.webhookSecret.count()).toBe(0);

    // a test notification: e-mail is not configured on this node (skipped), the webhook is delivered and signed
    await notifications.sendTest();
    await notifications.testRecorded.waitFor();
    expect(await notifications.testRecorded.textContent()).toContain('E-mail: Skipped, Webhook: Pending');
    await notifications.rows('notification.test', 'email').waitFor();
    expect(await notifications.state('notification.test', 'email')).toBe('skipped');
    expect(await notifications.cell('notification.test', 'email', 'details')).toContain('e-mail is not configured on this node');
    await expect.poll(() => notifications.state('notification.test', 'webhook'), POLL).toBe('sent');
    expect(await notifications.cell('notification.test', 'webhook', 'recipient')).toBe(receiver.url);
    expect(await notifications.cell('notification.test', 'webhook', 'details')).toContain('HTTP 204');
    expect(receiver.received).toHaveLength(1);
    const delivery = receiver.received[0]!;
    expect(delivery.headers['x-accord-event']).toBe('notification.test');
    expect(delivery.headers['x-accord-signature']).toBe(`sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`);
    await shell.screenshot(shot('en'));

    // a new secret replaces the old one, shown once
    await notifications.replaceSecret();
    await expect.poll(async () => ((await notifications.webhookSecret.textContent()) ?? '').trim()).toMatch(/^whsec_/);
    expect(((await notifications.webhookSecret.textContent()) ?? '').trim()).not.toBe(secret);

    // the page in Russian and Uzbek, and dark
    await shell.selectLanguage('ru');
    await shell.heading('Уведомления').waitFor();
    expect(await notifications.channelsForm.getByLabel('Сроки по запросам', { exact: true }).inputValue()).toBe('webhook');
    await page.getByLabel('Адрес веб-хука').waitFor();
    await page.getByRole('button', { name: 'Отправить тестовое уведомление' }).waitFor();
    expect(await notifications.cell('notification.test', 'webhook', 'state')).toBe('Отправлено');
    await shell.screenshot(shot('ru'));
    await shell.selectLanguage('uz');
    await shell.heading('Bildirishnomalar').waitFor();
    expect(await notifications.channelsForm.getByLabel('Aloqa tekshiruvi natijalari', { exact: true }).inputValue()).toBe('none');
    await page.getByLabel('Veb-xuk manzili').waitFor();
    await page.getByRole('button', { name: 'Sinov bildirishnomasini yuborish' }).waitFor();
    expect(await notifications.cell('notification.test', 'email', 'state')).toBe('Oʻtkazib yuborildi');
    await shell.screenshot(shot('uz'));
    await shell.selectLanguage('en');
    await shell.toggleTheme();
    await shell.screenshot(shot('dark'));
    await shell.toggleTheme();

    // removing the webhook
    await notifications.webhookForm.getByRole('button', { name: 'Remove webhook' }).click();
    await expect.poll(() => notifications.webhookDone.textContent()).toBe('The webhook is removed.');
    expect(await notifications.webhookUrl.inputValue()).toBe('');
    await notifications.webhookMissing.waitFor();
    expect(fx.errors).toEqual([]);
  });

  it('is there for every role: an auditor chooses their own channels', async () => {
    const added = runCli(['user', 'add', '--data', fx.a.dataDir, '--email', 'auditor@example.org', '--name', 'Aida Auditor', '--role', 'auditor', '--json']);
    expect(added.status, added.stderr).toBe(0);
    const { one_time_password: otp } = JSON.parse(added.stdout) as { one_time_password: string };
    const page = await fx.newPage();
    const signIn = new SignInPage(page);
    const shell = new ShellPage(page);
    const notifications = new NotificationsPage(page);
    await signIn.goto(fx.a.url);
    await signIn.signIn('auditor@example.org', otp);
    await signIn.changePassword(otp, 'a long auditor passphrase');
    await shell.waitForShell();
    await shell.open('notifications');
    await shell.heading('Notifications').waitFor();
    // the admin's choices are not the auditor's
    expect(await notifications.channel('Case deadlines').inputValue()).toBe('none');
    await notifications.setChannels({ 'Directory entry expiring': 'none' });
    await notifications.channelsSaved.waitFor();
    await page.reload();
    await shell.waitForShell();
    expect(await notifications.channelOf('directory.expiring').inputValue()).toBe('none');
    await shell.screenshot(shot('auditor'));
    expect(fx.errors).toEqual([]);
  });
});
