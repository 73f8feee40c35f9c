import { createReadStream, statSync } from 'node:fs';
import { Command } from 'commander';
import { nodeOptions, print, printJson, withNode } from '../common.js';

const CLI = { ref: 'cli' };

function progressLine(done: number, total: number, objects: number, started: number): string {
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `\r${(done / 1024 / 1024).toFixed(1)} / ${(total / 1024 / 1024).toFixed(1)} MiB (${pct}%)  ${objects} objects  ${Math.round(objects / secs)}/s `;
}

/** `accord intel import`: STIX 2.1 bundles into this node's threat-intelligence store. */
export function intelCommand(): Command {
  const cmd = new Command('intel').description('threat intelligence: the STIX 2.1 store of this node');
  nodeOptions(cmd.command('import'))
    .description('import a STIX 2.1 bundle file, streamed (any size, bounded memory): good objects are stored, each bad one named; importing again stores only what is missing')
    .argument('<file>', 'the bundle (JSON)')
    .option('--no-progress', 'no progress line on stderr')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, o: Record<string, unknown>) => {
      const size = statSync(file).size;
      await withNode(o, async (ctx) => {
        const { importBundle } = await import('../../intel/store/import.service.js');
        const started = Date.now();
        let last = 0;
        const onProgress = (p: { bytes: number; objects: number }) => {
          if (!o.progress || Date.now() - last < 200) return;
          last = Date.now();
          process.stderr.write(progressLine(p.bytes, size, p.objects, started));
        };
        const s = await importBundle(ctx, CLI, createReadStream(file, { highWaterMark: 1024 * 1024 }), { bytesTotal: size, onProgress });
        if (o.progress) process.stderr.write(progressLine(size, size, s.objects_read, started) + '\n');
        if (o.json) printJson(s);
        else {
          print(`${file}: ${s.objects_read} objects read, ${s.stored} stored, ${s.duplicates} already held, ${s.refused} refused (import ${s.import_id})`);
          for (const r of s.refusals.slice(0, 20)) print(`  #${r.index}${r.id ? ` ${r.id}` : ''}: ${r.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ')}`);
          if (s.refused > 20) print(`  … and ${s.refused - 20} more (accord intel import --json lists the first 1000)`);
        }
        if (s.state === 'failed') throw new Error(`not a readable STIX bundle: ${s.error}`);
      });
    });
  return cmd;
}
