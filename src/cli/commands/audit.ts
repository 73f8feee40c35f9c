import { Command } from 'commander';
import { verifyStoredAudit } from '../../audit/audit.verify.js';
import { nodeOptions, print, printJson, withNode } from '../common.js';

export function auditCommand(): Command {
  const audit = new Command('audit').description('the tamper-evident audit log');
  nodeOptions(audit.command('verify'))
    .description('check the hash chain; exits 1 and names the first broken entry if it was altered')
    .option('--json', 'print the verdict as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const v = await verifyStoredAudit(ctx.store.db);
        if (o.json) printJson(v);
        else if (v.ok) print(`audit log intact: ${v.checked} entries verified`);
        else print(`audit log BROKEN at entry ${v.firstBroken!.seq}: ${v.firstBroken!.reason} (${v.firstBroken!.detail}); ${v.checked} entries before it are intact`);
        if (!v.ok) process.exitCode = 1;
      }),
    );
  return audit;
}
