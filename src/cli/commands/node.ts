import { Command } from 'commander';
import { resolveSettings } from '../../config/settings.js';
import { loadIdentity } from '../../node/identity.js';
import { describeNode, describeNodeText } from '../../node/node.service.js';
import { print, printJson } from '../common.js';

export function nodeCommand(): Command {
  const node = new Command('node').description("this node's identity");
  node
    .command('show')
    .description('print node id, country, names and the key fingerprint to read out to peers')
    .option('--data <dir>', 'the node folder (env ACCORD_DATA)')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) => {
      const id = loadIdentity(resolveSettings({ dataDir: o.data }).dataDir);
      if (o.json) printJson(describeNode(id));
      else print(describeNodeText(id));
    });
  return node;
}
