import { Command } from 'commander';
import { formatFingerprint } from '../../node/identity.js';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';
import { addNoticeCommands } from './notice.js';

const CLI = { ref: 'cli' };

/** Peers: add by URL + fingerprint read out of band, list with delivery state, ping, suspend, remove. */
export function peerCommand(): Command {
  const peer = new Command('peer').description('the nodes this node federates with');
  const fed = () => import('../../federation/peers.service.js');
  const svc = () => import('../../federation/federation.service.js');

  nodeOptions(peer.command('add <url>'))
    .description("add a peer; refuses unless its key has the fingerprint its operators read out to you")
    .requiredOption('--fingerprint <hex>', "the peer's key fingerprint (64 hex digits; spaces allowed)")
    .option('--json', 'print as JSON')
    .action((url: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const p = await (await fed()).addPeer(ctx, CLI, { url, fingerprint: o.fingerprint as string });
        if (o.json) return printJson(p);
        print(`Added peer ${p.node_id} (${p.country}) at ${p.base_url}\nKey fingerprint: ${formatFingerprint(p.fingerprint)}`);
      }),
    );

  nodeOptions(peer.command('list'))
    .description('every peer: state, reachability, last contact, queue length, oldest undelivered message, last error')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const peers = await (await fed()).listPeers(ctx);
        if (o.json) return printJson(peers);
        print(table(peers.map((p) => ({ ...p, reachable: p.reachable === null ? '?' : p.reachable ? 'yes' : 'no' })), ['node_id', 'status', 'reachable', 'last_contact_at', 'queue_length', 'oldest_undelivered_at', 'last_error']));
      }),
    );

  nodeOptions(peer.command('ping <node>'))
    .description("send a signed ping through the whole path; prints the round-trip time and the peer's signed receipt")
    .option('--json', 'print as JSON')
    .action((node: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const r = await (await svc()).pingPeer(ctx, node);
        if (o.json) return printJson(r);
        print(`${node}: ${r.rtt_ms} ms round trip; receipt signed by ${r.receipt.by} at ${r.receipt.received_at}`);
        print(JSON.stringify(r.receipt, null, 2));
      }),
    );

  for (const [name, status, what] of [
    ['suspend', 'suspended', 'hold messages to it and refuse its messages until resumed'],
    ['resume', 'active', 'undo suspend'],
    ['remove', 'removed', 'forget it: its messages are refused from now on'],
  ] as const) {
    nodeOptions(peer.command(`${name} <node>`))
      .description(`${name} a peer: ${what}`)
      .action((node: string, o: Record<string, unknown>) =>
        withNode(o, async (ctx) => {
          const p = await (await fed()).setPeerStatus(ctx, CLI, node, status);
          print(`${p.node_id} is ${p.status}`);
        }),
      );
  }

  nodeOptions(peer.command('retry <node>'))
    .description('clear the backoff so that delivery to the peer is tried at once')
    .action((node: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        await (await fed()).retryPeerNow(ctx, CLI, node);
        print(`delivery to ${node} will be retried now`);
      }),
    );

  nodeOptions(peer.command('catch-up <node>'))
    .description('ask the peer to send again everything after the last release number received without a gap')
    .action((node: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const r = await (await svc()).requestCatchUp(ctx, CLI, node);
        print(`asked ${node} for everything after release ${r.after_seq}`);
      }),
    );
  return peer;
}

export function noticeCommand(): Command {
  const notice = new Command('notice').description('signed notices between node operators');
  nodeOptions(notice.command('send <node>'))
    .description('queue a signed notice for a peer (delivered by the running node)')
    .requiredOption('--subject <text>', 'subject')
    .option('--text <text>', 'text', '')
    .option('--count <n>', 'send it n times (load tests)', (v) => Number(v), 1)
    .option('--json', 'print the message ids as JSON')
    .action((node: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const count = o.count as number;
        if (!Number.isInteger(count) || count < 1 || count > 1_000_000) throw new Error('--count must be an integer from 1 to 1000000');
        const { sendNotice } = await import('../../federation/federation.service.js');
        const ids = await sendNotice(ctx, CLI, node, o.subject as string, o.text as string, count);
        if (o.json) return printJson({ message_ids: ids.length > 100 ? undefined : ids, queued: ids.length });
        print(`queued ${ids.length} notice(s) for ${node}`);
      }),
    );
  addNoticeCommands(notice);
  return notice;
}
