import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../_util/db.js';
import { runCli, runCliJson } from '../_util/node-process.js';
import { startMailbox } from '../_util/smtp.js';
import { count, useTwoNodes, waitFor } from '../federation/_federation.js';

/** One sample of a Prometheus text exposition: name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): { samples: Sample[]; families: Map<string, string> } {
  const samples: Sample[] = [];
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, families };
}

async function scrape(url: string) {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  const { samples, families } = parseMetrics(await res.text());
  /** The value of the one sample of `name` whose labels include `labels` (undefined when there is none). */
  const value = (name: string, labels: Record<string, string> = {}) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  return { samples, families, value };
}

/**
 * Operational metrics over real HTTP between two node processes: what was delivered and taken,
 * refusals by reason, the outbox and reachability per peer, ping tests and notifications.
 */
describe.each(DIALECTS)('metrics of two node processes on %s', { timeout: 120_000 }, (dialect) => {
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  const settings: Record<string, string> = {};
  beforeAll(async () => {
    // Both nodes e-mail through a real SMTP server (B's coordinators are asked to confirm the ping test).
    mailbox = await startMailbox();
    settings.ACCORD_SMTP_URL = mailbox.url;
  });
  const fx = useTwoNodes(dialect, settings);
  afterAll(() => mailbox?.close());

  it('declares every family, with Prometheus types, before anything happened', async () => {
    const { families } = await scrape(fx.a.url);
    expect(Object.fromEntries([...families].filter(([n]) => /^accord_(federation|ping|notifications|cases)/.test(n)))).toEqual({
      accord_federation_messages_sent_total: 'counter',
      accord_federation_delivery_failures_total: 'counter',
      accord_federation_messages_received_total: 'counter',
      accord_federation_refusals_total: 'counter',
      accord_federation_outbox_messages: 'gauge',
      accord_federation_outbox_oldest_age_seconds: 'gauge',
      accord_federation_peer_reachable: 'gauge',
      accord_ping_tests: 'gauge',
      accord_cases: 'gauge',
      accord_cases_overdue: 'gauge',
      accord_notifications_total: 'counter',
    });
  });

  it('counts delivered and taken messages, the ping test on both sides and the e-mail it caused, and shows an empty outbox to a reachable peer', async () => {
    const { a, b, storeA, storeB } = fx;
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'Metrics', '--text', 'x', '--count', '5']);
    const token = runCliJson<{ token: string }>(['token', 'create', '--data', a.dataDir, '--user', a.adminEmail, '--name', 'metrics']).token;
    const started = await fetch(`${a.url}/api/v1/ping-tests`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ node_id: 'kz-cert' }) });
    expect(started.status).toBeLessThan(300);
    await waitFor('the notices and the ping test on B', async () => (await count(storeB, 'notices')) >= 5 && (await storeB.db.selectFrom('ping_tests').select('id').where('direction', '=', 'incoming').executeTakeFirst()));
    await waitFor("A's outbox to kz-cert drained", async () => (await count(storeA, 'outbox', { state: 'pending' })) === 0);
    await waitFor('the ping-test e-mail sent by B', async () => (await storeB.db.selectFrom('notifications').select('id').where('channel', '=', 'email').where('state', '=', 'sent').executeTakeFirst()));

    const delivered = await count(storeA, 'outbox', { state: 'delivered' });
    expect(delivered).toBeGreaterThanOrEqual(6);
    const ma = await scrape(a.url);
    // The counter agrees with the outbox: every message delivered was counted once.
    expect(ma.value('accord_federation_messages_sent_total', { peer: 'kz-cert', result: 'delivered' })).toBe(delivered);
    expect(ma.value('accord_federation_messages_sent_total', { peer: 'kz-cert', result: 'rejected' })).toBeUndefined();
    expect(ma.value('accord_federation_outbox_messages', { peer: 'kz-cert' })).toBe(0);
    expect(ma.value('accord_federation_outbox_oldest_age_seconds', { peer: 'kz-cert' })).toBe(0);
    expect(ma.value('accord_federation_peer_reachable', { peer: 'kz-cert' })).toBe(1);
    expect(ma.value('accord_ping_tests', { direction: 'outgoing', status: 'pending' })).toBe(1);
    expect(ma.value('accord_ping_tests', { direction: 'incoming', status: 'pending' })).toBe(0);

    const mb = await scrape(b.url);
    const taken = Number((await storeB.db.selectFrom('inbox').select((eb) => eb.fn.countAll<string | number>().as('n')).where('from_node', '=', 'uz-cert').executeTakeFirstOrThrow()).n);
    expect(mb.value('accord_federation_messages_received_total', { peer: 'uz-cert', result: 'accepted' })).toBe(taken);
    expect(mb.value('accord_ping_tests', { direction: 'incoming', status: 'pending' })).toBe(1);
    const sentMails = Number((await storeB.db.selectFrom('notifications').select((eb) => eb.fn.countAll<string | number>().as('n')).where('channel', '=', 'email').where('state', '=', 'sent').executeTakeFirstOrThrow()).n);
    expect(mb.value('accord_notifications_total', { channel: 'email', result: 'sent' })).toBe(sentMails);
    expect(mailbox.mails.length).toBeGreaterThanOrEqual(sentMails);
  });

  it('counts a batch from a stranger as refused by reason, without a peer label', async () => {
    const header = `"from":"xx-cert","id":"0190aaaa-0000-7000-8000-000000000001","issued_at":"${new Date().toISOString()}","sig":{"key":"${'a'.repeat(64)}","suite":"ed25519","value":"x"},"to":["kz-cert"],"type":"federation.batch/v1","v":1`;
    const res = await fetch(`${fx.b.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"body":{"envelopes":[]},${header}}` });
    expect(res.status).toBe(403);
    const mb = await scrape(fx.b.url);
    expect(mb.samples.filter((s) => s.name === 'accord_federation_refusals_total')).toEqual([{ name: 'accord_federation_refusals_total', labels: { scope: 'batch', reason: 'unknown_sender' }, value: 1 }]);
  });

  it('shows messages waiting for a peer that is down, their age, the failed attempts and the peer unreachable', async () => {
    const { a, b } = fx;
    await b.stop();
    runCli(['notice', 'send', 'kz-cert', '--data', a.dataDir, '--subject', 'While down', '--text', 'x', '--count', '2']);
    const m = await waitFor('a failed delivery counted', async () => {
      const s = await scrape(a.url);
      return (s.value('accord_federation_delivery_failures_total', { peer: 'kz-cert' }) ?? 0) >= 1 && s.value('accord_federation_peer_reachable', { peer: 'kz-cert' }) === 0 && s;
    });
    expect(m.value('accord_federation_outbox_messages', { peer: 'kz-cert' })).toBe(2);
    expect(m.value('accord_federation_outbox_oldest_age_seconds', { peer: 'kz-cert' })).toBeGreaterThan(0);
  });
});
