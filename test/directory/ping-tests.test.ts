import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { runCliJson, type NodeProcess } from '../_util/node-process.js';
import { startMailbox } from '../_util/smtp.js';
import { useTwoNodes, waitFor } from '../federation/_federation.js';
import { buildEntryInput } from './_entries.js';

type Api = (n: NodeProcess, path: string, init?: RequestInit) => Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(DIALECTS)('ping tests between nodes on %s', (dialect) => {
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  const settings: Record<string, string> = {};
  beforeAll(async () => {
    mailbox = await startMailbox();
    settings.ACCORD_SMTP_URL = mailbox.url;
    settings.ACCORD_SMTP_FROM = 'accord@example.org';
    // Request logs on, to check that they never carry a link's secret.
    settings.ACCORD_LOG_LEVEL = 'info';
  });
  afterAll(() => mailbox?.close());
  const fx = useTwoNodes(dialect, settings);
  const tokens = new Map<string, string>();
  let a: NodeProcess, b: NodeProcess;
  const api: Api = async (n, path, init = {}) => {
    const res = await fetch(`${n.url}${path}`, { ...init, headers: { authorization: `Bearer ${tokens.get(n.nodeId)}`, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, json: await res.json() };
  };

  let logB = '';
  beforeAll(async () => {
    ({ a, b } = fx);
    b.child.stdout!.on('data', (d: Buffer) => (logB += d.toString()));
    for (const n of [a, b]) tokens.set(n.nodeId, runCliJson<{ token: string }>(['token', 'create', '--data', n.dataDir, '--user', n.adminEmail, '--name', 't']).token);
    const entry = buildEntryInput();
    entry.contacts = entry.contacts.map((c, i) => ({ ...c, channels: [{ kind: 'email', value: i === 0 ? 'duty@kz.example' : 'backup@kz.example' }] }));
    expect((await api(b, '/api/v1/directory/own', { method: 'PUT', body: JSON.stringify(entry) })).status).toBe(200);
  });

  it('the contact confirms through the link in the e-mail, and the asking node sees the answer and its time', async () => {
    const started = await api(a, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: 'kz-cert', window_minutes: 30 }) });
    expect(started.status).toBe(201);
    const testId = started.json[0].id;
    const mail = await waitFor('the e-mail to the 24/7 contact', () => mailbox.mails.find((m) => m.to.includes('duty@kz.example') && m.text.includes('/ping-tests/confirm?token=')));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/ping-tests\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect(link.startsWith(b.url)).toBe(true);

    // Opening the link changes nothing (mail scanners open links); pressing the button confirms.
    const pageRes = await fetch(link);
    expect(await pageRes.text()).toContain('<button type="submit"');
    expect((await api(a, '/api/v1/ping-tests?direction=outgoing')).json[0].status).toBe('pending');
    const token = new URL(link).searchParams.get('token')!;
    const confirm = await fetch(`${b.url}/ping-tests/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(await confirm.text()).toContain('Thank you');

    const answered = await waitFor('the answer on the asking node', async () => {
      const t = (await api(a, '/api/v1/ping-tests?direction=outgoing')).json.find((x: { id: string }) => x.id === testId);
      return t?.status === 'answered' ? t : undefined;
    });
    expect(answered.confirmed_by).toBe('contact (e-mail link)');
    expect(answered.response_ms).toBeGreaterThan(0);
    const stats = (await api(a, '/api/v1/ping-tests/stats')).json;
    expect(stats.nodes['kz-cert']).toMatchObject({ sent: 1, answered: 1, response_rate: 1 });
    // Pressing again or opening the link again says so, and changes nothing; an unknown token is refused with a page.
    const again = await fetch(`${b.url}/ping-tests/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Already confirmed');
    const reopened = await (await fetch(link)).text();
    expect(reopened).toContain('Already confirmed');
    expect(reopened).not.toContain('<button');
    const unknown = await fetch(`${b.url}/ping-tests/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: `token=${'x'.repeat(32)}` });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Link not valid');
    expect((await fetch(`${b.url}/ping-tests/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${'x'.repeat(32)}` })).headers.get('content-type')).toContain('application/problem+json');
    // The node logged the requests, never the link's secret.
    await waitFor('request logs', async () => logB.includes('/ping-tests/confirm'));
    expect(logB).not.toContain(token);
  });

  it('a duty officer signed in on the node asked can confirm too', async () => {
    const started = await api(a, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: 'kz-cert', window_minutes: 30 }) });
    const id = started.json[0].id;
    await waitFor('the test on B', async () => (await api(b, '/api/v1/ping-tests?direction=incoming')).json.some((t: { id: string }) => t.id === id));
    const r = await api(b, `/api/v1/ping-tests/${id}/confirm`, { method: 'POST', body: '{}' });
    expect(r.json).toMatchObject({ status: 'answered', confirmed_by: expect.stringContaining(b.adminEmail) });
    await waitFor('answered on A', async () => (await api(a, '/api/v1/ping-tests?direction=outgoing')).json.find((t: { id: string }) => t.id === id)?.status === 'answered');
  });

  it.runIf(dialect === 'sqlite')('escalates to the next contact when nobody answers, then counts the test unanswered', async () => {
    const started = await api(a, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: 'kz-cert', window_minutes: 1 }) });
    const id = started.json[0].id;
    const linkOf = (text: string) => /(http:\/\/127\.0\.0\.1:\d+\/ping-tests\/confirm\?token=[A-Za-z0-9_-]+)/.exec(text)![1]!;
    // The subject names the test's deadline on B, which tells this test's e-mails from the others'.
    const deadline = await waitFor('the test on B', async () => (await api(b, '/api/v1/ping-tests?direction=incoming')).json.find((t: { id: string }) => t.id === id)?.deadline_at as string | undefined);
    const dutyLink = linkOf((await waitFor('the e-mail to the 24/7 contact', () => mailbox.mails.find((m) => m.to.includes('duty@kz.example') && m.raw.includes(deadline)))).text);
    // Two contacts share the one-minute window: the backup is asked after 30 s.
    const backupLink = linkOf((await waitFor('the escalation e-mail', () => mailbox.mails.find((m) => m.to.includes('backup@kz.example')), 60_000)).text);
    // The first contact's link still works until the deadline.
    const open = await fetch(dutyLink);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('<button type="submit"');
    const closed = await waitFor('unanswered on A', async () => {
      const t = (await api(a, '/api/v1/ping-tests?direction=outgoing')).json.find((x: { id: string }) => x.id === id);
      return t?.status === 'unanswered' ? t : undefined;
    }, 60_000);
    expect(closed.response_ms).toBeNull();
    // B's window was opened when the test arrived there, a moment after A's: wait (by opening
    // the link, which records nothing) until B's clock has passed its own deadline too.
    await waitFor('the window closed on B', async () => (await fetch(dutyLink)).status === 410, 30_000);
    // Too late: both links say so, and nothing is recorded or sent.
    for (const link of [dutyLink, backupLink]) {
      const late = await fetch(`${b.url}/ping-tests/confirm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${new URL(link).searchParams.get('token')}` });
      expect(late.status).toBe(410);
      const text = await late.text();
      expect(text).toContain('Too late');
      expect(text).not.toContain('null');
      expect((await fetch(link)).status).toBe(410);
    }
    // B closes its side at its own next sweep, independently of A's.
    const onB = await waitFor('unanswered on B', async () => {
      const t = (await api(b, '/api/v1/ping-tests?direction=incoming')).json.find((x: { id: string }) => x.id === id);
      return t?.status === 'unanswered' ? t : undefined;
    }, 30_000);
    expect(onB).toMatchObject({ status: 'unanswered', confirmed_at: null });
    const stats = (await api(a, '/api/v1/ping-tests/stats')).json.nodes['kz-cert'];
    expect(stats).toMatchObject({ sent: 3, answered: 2, unanswered: 1 });
    expect(stats.response_rate).toBeCloseTo(2 / 3);
  }, 150_000);

  it('refuses a ping test without a target or of an unknown node', async () => {
    expect((await api(a, '/api/v1/ping-tests', { method: 'POST', body: '{}' })).json.detail).toMatch(/node_id or a group_id/);
    expect((await api(a, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: 'nobody' }) })).status).toBe(404);
    expect((await api(a, '/api/v1/ping-tests', { method: 'POST', body: JSON.stringify({ node_id: 'kz-cert', window_minutes: 0 }) })).status).toBe(400);
  });
});
