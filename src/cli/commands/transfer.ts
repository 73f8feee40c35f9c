import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { nodeOptions, print, printJson, withNode } from '../common.js';

const CLI = { ref: 'cli' };

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Air-gapped links: messages and receipts carried on files. */
export function transferCommand(): Command {
  const transfer = new Command('transfer').description('carry messages to a peer across an air gap on signed files');

  nodeOptions(transfer.command('export <node>'))
    .description("write this node's undelivered messages for a peer to a signed file")
    .requiredOption('--out <file>', 'file to write')
    .action((node: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const { exportForPeer } = await import('../../federation/transfer.service.js');
        const file = await exportForPeer(ctx, CLI, node);
        if (!file) return print(`nothing to send to ${node}`);
        writeFileSync(o.out as string, JSON.stringify(file), { mode: 0o600 });
        print(`wrote ${file.batch.body.envelopes.length} message(s) for ${node} to ${o.out as string}`);
      }),
    );

  nodeOptions(transfer.command('import <file>'))
    .description('import a transfer file from a peer; writes the signed receipt to carry back')
    .requiredOption('--receipt-out <file>', 'where to write the signed receipt')
    .option('--json', 'print the receipt as JSON')
    .action((path: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const { importTransfer } = await import('../../federation/transfer.service.js');
        const { createNodeRegistry } = await import('../../app/standard.js');
        const r = await importTransfer(ctx, createNodeRegistry(), CLI, readJsonFile(path));
        writeFileSync(o.receiptOut as string, JSON.stringify(r));
        if (o.json) return printJson(r.receipt);
        const by = (s: string) => r.receipt.items.filter((i) => i.status === s).length;
        print(`accepted ${by('accepted')}, duplicate ${by('duplicate')}, rejected ${by('rejected')}; receipt written to ${o.receiptOut as string}`);
        if (by('rejected') > 0) process.exitCode = 1;
      }),
    );

  nodeOptions(transfer.command('receipt <file>'))
    .description("import a peer's signed receipt for a transfer file: marks the messages delivered")
    .action((path: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const { importReceipt } = await import('../../federation/transfer.service.js');
        const r = await importReceipt(ctx, CLI, readJsonFile(path));
        print(`${r.delivered} message(s) delivered, ${r.rejected} rejected`);
      }),
    );
  return transfer;
}
