import { Command } from 'commander';
import { takeCheckpoint } from '../../audit/audit.checkpoints.js';
import { verifyAudit, type AuditVerdict } from '../../audit/audit.verify.js';
import { listWitnessed } from '../../audit/audit.witnesses.js';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';

function describeVerdict(v: AuditVerdict): string[] {
  const lines: string[] = [];
  const cps = v.checkpoints ? `, matching ${v.checkpoints.compared} signed checkpoints (newest agreeing at entry ${v.checkpoints.lastAgreeingSeq})` : ', no signed checkpoint to compare with';
  if (v.ok) lines.push(`audit log intact: ${v.checked} entries verified${cps}`);
  else if (v.firstBroken) lines.push(`audit log BROKEN at entry ${v.firstBroken.seq}: ${v.firstBroken.reason} (${v.firstBroken.detail}); ${v.checked} entries before it are intact`);
  else lines.push(`audit log BROKEN: checkpoints that this node did not sign were found`);
  for (const b of v.badCheckpoints ?? []) lines.push(`  checkpoint at entry ${b.seq} (held by ${b.source}) is not this node's: ${b.reason}`);
  for (const w of v.witnesses ?? []) {
    if (!w.answered) lines.push(`  witness ${w.peer}: no answer (${w.error})`);
    else lines.push(`  witness ${w.peer}: ${w.checkpoints} checkpoints, newest at entry ${w.newest_seq ?? '-'}${w.equivocations.length ? `; holds two different heads signed by this node at ${w.equivocations.join(', ')}` : ''}`);
  }
  return lines;
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('the tamper-evident audit log');
  nodeOptions(audit.command('verify'))
    .description('check the hash chain against the signed checkpoints; exits 1 and names the first entry that disagrees (2: --witnesses and no witness answered)')
    .option('--witnesses', "also ask every peer for the checkpoints it witnessed of this node (they survive a rewrite of this node's database)")
    .option('--json', 'print the verdict as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const v = await verifyAudit(ctx, { witnesses: o.witnesses === true });
        if (o.json) printJson(v);
        else for (const l of describeVerdict(v)) print(l);
        const heard = v.witnesses?.some((w) => w.answered) ?? false;
        if (!v.ok) process.exitCode = 1;
        else if (o.witnesses && !heard) {
          // Asked for outside proof and got none: say so, and do not pass as a full check.
          if (!o.json) print('no witness answered: the chain was checked against this node\'s own checkpoints only');
          process.exitCode = 2;
        }
      }),
    );
  nodeOptions(audit.command('checkpoint'))
    .description("sign the chain's head now and queue the checkpoint for every active peer (the running node delivers it)")
    .option('--json', 'print the checkpoint as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const r = await takeCheckpoint(ctx, { ref: 'cli' });
        if (o.json) printJson(r);
        else print(`checkpoint at entry ${r.checkpoint.seq} (${r.checkpoint.hash}) signed; queued for ${r.sent_to.length ? r.sent_to.join(', ') : 'no peer'}`);
      }),
    );
  nodeOptions(audit.command('witnessed'))
    .description("the checkpoints of peers' audit chains this node holds as witness; EQUIVOCATION marks a peer that signed two histories")
    .option('--node <id>', 'only this peer')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const rows = await listWitnessed(ctx, { node: typeof o.node === 'string' ? o.node : undefined, limit: 1000 });
        if (o.json) return printJson(rows);
        print(
          table(
            rows.map((w) => ({ node: w.checkpoint.node, seq: w.checkpoint.seq, hash: w.checkpoint.hash.slice(0, 16), signed_at: w.checkpoint.at, status: w.conflict ? `EQUIVOCATION: also ${w.conflict.hash.slice(0, 16)}` : 'ok' })),
            ['node', 'seq', 'hash', 'signed_at', 'status'],
          ),
        );
      }),
    );
  return audit;
}
