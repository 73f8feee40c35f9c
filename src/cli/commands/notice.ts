import type { Command } from 'commander';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';

const CLI = { ref: 'cli' };

/** `accord notice list|show|ack|reply`: the notices this node received and sent, read and answered from the shell. */
export function addNoticeCommands(notice: Command): void {
  const repo = () => import('../../federation/notices.repository.js');
  const svc = () => import('../../federation/notices.service.js');

  nodeOptions(notice.command('list'))
    .description('notices received from peers (default) or sent to them, newest first, with their acknowledgement')
    .option('--received', 'notices peers sent to this node (default)')
    .option('--sent', 'notices this node sent')
    .option('--unacknowledged', 'only those not acknowledged yet')
    .option('--limit <n>', 'at most n notices', (v) => Number(v), 100)
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        if (o.received && o.sent) throw new Error('--received and --sent exclude each other');
        const limit = o.limit as number;
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit must be an integer from 1 to 10000');
        const direction = o.sent ? 'sent' : 'received';
        const list = await (await repo()).listNotices(ctx.store.db, ctx.identity.node_id, { direction, state: o.unacknowledged ? 'unacknowledged' : undefined, limit });
        if (o.json) return printJson(list);
        const rows = list.map((n) => ({
          ...n,
          peer: direction === 'sent' ? n.to_node : n.from_node,
          acknowledged: n.acknowledged_at ? `${n.acknowledged_by} at ${n.acknowledged_at}` : 'no',
          reply_to: n.in_reply_to ?? '',
        }));
        print(table(rows, ['id', 'peer', 'received_at', 'subject', 'acknowledged', 'reply_to', ...(direction === 'sent' ? ['delivery'] : [])]));
      }),
    );

  nodeOptions(notice.command('show <id>'))
    .description('one notice with its thread')
    .option('--json', 'print as JSON')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const r = await (await svc()).noticeWithThread(ctx, id);
        if (o.json) return printJson(r);
        for (const n of r.thread) {
          print(`${n.id === id ? '>' : ' '} ${n.issued_at}  ${n.from_node} → ${n.to_node}  ${n.subject}${n.acknowledged_at ? `  (acknowledged by ${n.acknowledged_by} at ${n.acknowledged_at})` : ''}`);
          if (n.text) print(n.text.replace(/^/gm, '    '));
        }
      }),
    );

  nodeOptions(notice.command('ack <id>'))
    .description('acknowledge a received notice; the signed acknowledgement goes back to its sender (delivered by the running node)')
    .option('--by <name>', 'the name the sender sees', 'node operator (CLI)')
    .option('--json', 'print the notice as JSON')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const { notice: n, already } = await (await svc()).acknowledgeNotice(ctx, CLI, id, String(o.by).slice(0, 200) || 'node operator (CLI)');
        if (o.json) return printJson(n);
        print(already ? `${id} was acknowledged already, by ${n.acknowledged_by} at ${n.acknowledged_at}` : `acknowledged ${id}; the acknowledgement is queued for ${n.from_node}`);
      }),
    );

  nodeOptions(notice.command('reply <id>'))
    .description('send a notice answering this one to the other node of its thread (delivered by the running node)')
    .requiredOption('--subject <text>', 'subject')
    .option('--body <text>', 'text', '')
    .option('--json', 'print the sent notice as JSON')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const n = await (await svc()).replyToNotice(ctx, CLI, id, o.subject as string, o.body as string);
        if (o.json) return printJson(n);
        print(`queued reply ${n.id} for ${n.to_node}`);
      }),
    );
}
