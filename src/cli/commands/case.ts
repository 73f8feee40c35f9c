import { Command } from 'commander';
import type { NodeContext } from '../../context.js';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';
import { caseAttachCommand } from './case-attach.js';

const CLI = { ref: 'cli' };
const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function caseId(id: string): string {
  if (!CASE_ID.test(id)) throw new Error(`${id} is not a case id (a UUID such as 0190c2d4-…)`);
  return id;
}

/** Writes the bundle to a temporary file beside `file` and renames it into place once whole. */
async function writeCaseBundle(ctx: NodeContext, id: string, file: string, hashesOnly: boolean, json: boolean): Promise<void> {
  const { createWriteStream } = await import('node:fs');
  const { rename, rm } = await import('node:fs/promises');
  const { exportCaseBundle } = await import('../../evidence/bundle/bundle.export.js');
  const part = `${file}.part-${process.pid}`;
  try {
    const w = await exportCaseBundle(ctx, CLI, id, createWriteStream(part, { flags: 'wx' }), { hashesOnly });
    await rename(part, file);
    const summary = { file, case_id: id, bytes: w.bytes, members: w.manifest.members.length, attachments_included: w.manifest.attachments_included, fingerprint: ctx.identity.fingerprint };
    if (json) printJson(summary);
    else print(`${file}: case ${id}, ${summary.members} members, ${w.bytes} bytes, signed by ${ctx.identity.node_id} (key ${ctx.identity.fingerprint})`);
  } catch (e) {
    await rm(part, { force: true });
    throw e;
  }
}

/** `accord case list|show|export`: the cooperation requests this node sent and received, for scripts and for the record. */
export function caseCommand(): Command {
  const cmd = new Command('case').description('cooperation requests this node sent or received: list, show, export with the signed history');
  const svc = () => import('../../cases/cases.service.js');
  const rules = () => import('../../cases/cases.rules.js');

  nodeOptions(cmd.command('list'))
    .description('cases, most recently updated first')
    .option('--status <s>', 'only these statuses (comma-separated, e.g. sent,acknowledged)')
    .option('--peer <node>', 'only cases with this peer')
    .option('--type <type>', 'only this request type (e.g. preservation-stored-data)')
    .option('--overdue', 'only cases with a deadline passed')
    .option('--limit <n>', 'at most n cases', (v) => Number(v), 1000)
    .option('--json', 'print as JSON')
    .action(async (o: Record<string, unknown>) => {
      const limit = o.limit as number;
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new Error('--limit must be an integer from 1 to 100000');
      const { CaseStatus } = await rules();
      const statuses = o.status === undefined ? undefined : String(o.status).split(',').map((s) => s.trim()).filter(Boolean);
      const known = Object.values(CaseStatus) as string[];
      const bad = (statuses ?? []).filter((s) => !known.includes(s));
      if (statuses && (statuses.length === 0 || bad.length)) throw new Error(`--status: ${bad.join(', ') || '(empty)'} is not a status (${known.join(', ')})`);
      if (o.peer !== undefined && !NODE_ID.test(String(o.peer))) throw new Error(`--peer: ${String(o.peer)} is not a node id`);
      await withNode(o, async (ctx) => {
        const { listCases } = await svc();
        const out: Awaited<ReturnType<typeof listCases>>['cases'] = [];
        let after: string | undefined;
        do {
          const page = await listCases(ctx, {
            ...(statuses ? { status: statuses as (typeof CaseStatus)[keyof typeof CaseStatus][] } : {}),
            ...(o.peer ? { peer: String(o.peer) } : {}),
            ...(o.type ? { type: String(o.type) } : {}),
            ...(o.overdue ? { overdue: true } : {}),
            ...(after ? { after } : {}),
            sort: 'updated',
            limit: Math.min(500, limit - out.length),
          });
          out.push(...page.cases);
          after = page.next ?? undefined;
        } while (after && out.length < limit);
        if (o.json) return printJson(out);
        print(table(out.map((c) => ({ ...c, overdue: c.overdue ? 'yes' : '' })), ['case_id', 'direction', 'peer', 'type', 'priority', 'status', 'next_due', 'overdue', 'subject']));
      });
    });

  // A malformed id is refused before the node is opened.
  cmd.hook('preAction', (_cmd, action) => {
    if (['show', 'export'].includes(action.name())) caseId(String(action.args[0]));
  });

  nodeOptions(cmd.command('show <id>'))
    .description('one case: its state, deadlines, the actions open to this node and the counted history (reading it is audited)')
    .option('--json', 'print as JSON (with every signed envelope)')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const c = await (await svc()).getCase(ctx, CLI, id);
        if (o.json) return printJson(c);
        print(`${c.id}  ${c.request.type}  ${c.request.priority}  ${c.status}`);
        print(`  ${c.requesting} → ${c.requested}  (this node: ${c.my_party})`);
        print(`  subject: ${c.request.subject}${c.request.reference ? `  (ref. ${c.request.reference})` : ''}`);
        if (c.preservation_until) print(`  preserved until ${c.preservation_until}`);
        if (c.deadlines.next_due) print(`  next due ${c.deadlines.next_due}${c.deadlines.overdue ? '  OVERDUE' : ''}`);
        if (c.verification_code) print(`  verification code ${c.verification_code}`);
        print(`  actions open to this node: ${c.available_actions.join(', ') || 'none'}`);
        print('');
        for (const h of c.history) print(`  ${h.created_at}  ${h.author.padEnd(12)} ${h.action}${h.counted ? '' : `  (not counted: ${h.ignored_because})`}`);
      }),
    );

  nodeOptions(cmd.command('export <id>'))
    .description('the case with every signed event and the receipts of this node\'s own events, as one JSON document that can be verified later; with --bundle, a signed case bundle file that `accord bundle verify` checks offline')
    .option('--json', 'print as JSON (the default without --bundle)')
    .option('--bundle <file>', 'write the case bundle (events, receipts, custody log, attachments, keys, signed manifest) to this file (e.g. <case-id>.accord-bundle)')
    .option('--hashes-only', 'with --bundle: the attachments\' hashes only, not their content')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        if (o.hashesOnly && !o.bundle) throw new Error('--hashes-only goes with --bundle');
        if (typeof o.bundle === 'string') return writeCaseBundle(ctx, id, o.bundle, o.hashesOnly === true, o.json === true);
        const c = await (await svc()).getCase(ctx, CLI, id);
        const { findPeer } = await import('../../federation/peers.repository.js');
        const peer = await findPeer(ctx.store.db, c.peer);
        const me = ctx.identity;
        const { history, ...state } = c;
        const receipts = new Map<string, unknown>();
        for (const h of history) {
          const r = h.delivery?.receipt as { batch_id?: string } | null | undefined;
          if (r?.batch_id) receipts.set(r.batch_id, r);
        }
        printJson({
          format: 'accord.case-export/v1',
          exported_at: new Date().toISOString(),
          exported_by: me.node_id,
          parties: [
            { node_id: me.node_id, suite: me.suite, public_key: me.publicKeyRaw, fingerprint: me.fingerprint },
            ...(peer ? [{ node_id: peer.node_id, suite: peer.key_suite, public_key: peer.public_key, fingerprint: peer.fingerprint, retired_keys: JSON.parse(peer.retired_keys) as unknown }] : []),
          ],
          case: state,
          events: history.map((h) => ({ envelope: h.envelope, received_at: h.received_at, counted: h.counted, ignored_because: h.ignored_because, delivery: h.delivery ? { state: h.delivery.state, delivered_at: h.delivery.delivered_at, reject_reason: h.delivery.reject_reason, batch_id: (h.delivery.receipt as { batch_id?: string } | null)?.batch_id ?? null } : null })),
          receipts: [...receipts.values()],
          how_to_verify:
            'Each envelope is signed by its author (envelope.from) with the key in `parties` (Ed25519 over the canonical JSON, docs/federation-protocol.md §2–3); each receipt is signed by the peer (receipt.by) and lists the digest of every envelope it took. The state in `case` is the fold of the events (docs/federation-protocol.md, Cases).',
        });
      }),
    );

  cmd.addCommand(caseAttachCommand());
  return cmd;
}
