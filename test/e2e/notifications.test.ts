import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../_util/node-process.js';
import { startMailbox } from '../_util/smtp.js';
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
    expect(await notifications.channelsForm.locator('tr[data-kind] select').count()).toBe(9);
    expect(await notifications.channel('Ping test requests').inputValue()).toBe('email');
    expect(await notifications.channel('Requests received').inputValue()).toBe('email');
    expect(await notifications.channel('Case deadlines').inputValue()).toBe('none');
    expect(await notifications.channel('Test notifications').inputValue()).toBe('both');
    expect(await notifications.secretState.textContent()).toBe('No secret yet: one is made when you save a webhook URL.');
    await notifications.list.getByText('No notifications yet.').waitFor();

    // no mail server on this node: said plainly, and the administrator is told where to set it
    await notifications.emailNotConfigured.waitFor();
    expect(await notifications.emailNotConfigured.textContent()).toContain('E-mail is not configured on this node.');
    expect(await notifications.emailNotConfigured.textContent()).toContain('set the mail server below under “Mail server (SMTP)”');
    expect(await notifications.channelsIntro.textContent()).toContain('this node cannot send e-mail yet');
    expect(await notifications.smtpSource.textContent()).toContain('No mail server is set');

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
    // a value the schema refuses: shown by the field it concerns
    await expect.poll(() => notifications.webhookForm.textContent()).toContain('This value does not have the expected form.');
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
    // e-mail is off: the auditor is told whom to ask, and sees no mail server settings
    await notifications.emailNotConfigured.waitFor();
    expect(await notifications.emailNotConfigured.textContent()).toContain('Ask an administrator of this node to set up the mail server.');
    expect(await notifications.smtpCard.count()).toBe(0);
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

  it("lets an administrator set the node's mail server against a real SMTP server, shows the server's answer to a test e-mail, and then e-mails notifications", async () => {
    const mailbox = await startMailbox();
    try {
      const port = Number(new URL(mailbox.url).port);
      const { page, shell } = await fx.signInAsAdmin(fx.b);
      const notifications = new NotificationsPage(page);
      await shell.open('notifications');
      await shell.heading('Notifications').waitFor();
      await notifications.emailNotConfigured.waitFor();

      // a sender that is no address: refused, nothing saved
      await notifications.saveSmtp({ host: '127.0.0.1', security: 'none', port, from: 'Accord' });
      await notifications.smtpAlert.waitFor();
      expect(await notifications.smtpSource.textContent()).toContain('No mail server is set');

      // with a user name and password the server does not take: saved, the password only "set", the refusal shown without it
      await notifications.saveSmtp({ username: 'duty-relay', password: 'Relay-Secret-77', from: 'Accord KZ-CERT <accord@kz-cert.example.org>' });
      await notifications.smtpDone.waitFor();
      expect(await notifications.smtpDone.textContent()).toBe('The mail server is saved.');
      expect(await notifications.smtpPasswordState.textContent()).toBe('Password: set.');
      expect(await notifications.smtpField('Password').inputValue()).toBe('');
      expect(await notifications.smtpField('Password').getAttribute('placeholder')).toBe('set — unchanged');
      expect(await notifications.emailNotConfigured.count()).toBe(0);
      expect(await notifications.channelsIntro.textContent()).toContain('E-mail goes to');
      await notifications.sendTestEmail('duty@kz-cert.example.org');
      await expect.poll(() => notifications.smtpTestResult.getAttribute('data-sent')).toBe('false');
      expect(await notifications.smtpTestResult.textContent()).toMatch(/^The message was not sent: .*535/);
      expect(await notifications.smtpTestResult.textContent()).not.toContain('Relay-Secret-77');
      await shell.screenshot(shot('smtp-refused'));

      // without a user name (the relay takes mail as it comes): the test e-mail goes through, with the server's answer
      await notifications.smtpField('User name').fill('');
      await notifications.saveSmtp({});
      await expect.poll(() => notifications.smtpPasswordState.textContent()).toBe('Password: not set.');
      await notifications.sendTestEmail('duty@kz-cert.example.org');
      await expect.poll(() => notifications.smtpTestResult.getAttribute('data-sent')).toBe('true');
      expect(await notifications.smtpTestResult.textContent()).toMatch(/^The mail server accepted the message: 250 .*queued/);
      expect(mailbox.mails.map((m) => m.to)).toEqual([['duty@kz-cert.example.org']]);
      expect(mailbox.mails[0]!.raw).toMatch(/^From: "Accord KZ-CERT" <accord@kz-cert\.example\.org>$/m);
      await shell.screenshot(shot('smtp'));

      // a notification by e-mail now goes out through it
      await notifications.sendTest();
      await notifications.testRecorded.waitFor();
      expect(await notifications.testRecorded.textContent()).toContain('E-mail: Pending');
      await expect.poll(() => notifications.state('notification.test', 'email'), POLL).toBe('sent');
      expect(await notifications.cell('notification.test', 'email', 'details')).toContain('250');
      expect(mailbox.mails.some((m) => m.to.includes(fx.b.adminEmail) && /Accord test notification/.test(m.raw))).toBe(true);

      // the page in Russian and Uzbek
      await shell.selectLanguage('ru');
      await notifications.smtpCard.getByRole('heading', { name: 'Почтовый сервер (SMTP)' }).waitFor();
      await shell.selectLanguage('uz');
      await notifications.smtpCard.getByRole('heading', { name: 'Pochta serveri (SMTP)' }).waitFor();
      await shell.selectLanguage('en');
      expect(fx.errors).toEqual([]);
    } finally {
      await mailbox.close();
    }
  });
});
