import { Command } from 'commander';
import { formatFingerprint } from '../../node/identity.js';
import { nodeOptions, print, printJson, withNode } from '../common.js';

export function keyCommand(): Command {
  const key = new Command('key').description("the node's signing key");
  nodeOptions(key.command('rotate'))
    .description('replace the signing key; peers are told under the old key and switch over by themselves')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const { rotateNodeKey } = await import('../../federation/key-rotation.service.js');
        const r = await rotateNodeKey(ctx, { ref: 'cli' });
        if (o.json) return printJson(r);
        print(`old fingerprint: ${formatFingerprint(r.old_fingerprint)}`);
        print(`new fingerprint: ${formatFingerprint(r.new_fingerprint)}`);
        print(`announced to ${r.peers_notified.length} peer(s): ${r.peers_notified.join(', ') || '-'} (a running node picks up the new key by itself)`);
      }),
    );
  return key;
}
