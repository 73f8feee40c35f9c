import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { nodeOptions, print, printJson, withNode } from '../common.js';

const CLI = { ref: 'cli' };

function progressLine(done: number, total: number, objects: number, started: number): string {
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `\r${(done / 1024 / 1024).toFixed(1)} / ${(total / 1024 / 1024).toFixed(1)} MiB (${pct}%)  ${objects} objects  ${Math.round(objects / secs)}/s `;
}

/** `accord intel import` and `accord intel export`: STIX 2.1 bundles into and out of this node's threat-intelligence store. */
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
        const s = await importBundle(ctx, CLI, createReadStream(file, { highWaterMark: 1024 * 1024 }), { bytesTotal: size, onProgress, ownChunks: true });
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
  nodeOptions(cmd.command('export'))
    .description("export the objects of this node's store as a STIX 2.1 bundle, streamed, under the release policy as a signed-in user sees them (TLP:RED only with --include-red); audited")
    .option('--type <type>', 'only objects of this STIX type')
    .option('--tlp <level>', 'only objects of this TLP level (clear, green, amber, amber+strict, red)')
    .option('--origin <origin>', 'local or received')
    .option('-q, --query <words>', 'words that must all appear')
    .option('--all-versions', 'every version held, not only the newest of each object')
    .option('--include-red', "include TLP:RED objects (as the node's named recipients see them)")
    .option('--out <file>', 'write the bundle here (default: standard output)')
    .action(async (o: Record<string, unknown>) => {
      const { TLP_LEVELS } = await import('../../intel/policy/markings.js');
      const tlp = o.tlp as string | undefined;
      if (tlp !== undefined && !(TLP_LEVELS as readonly string[]).includes(tlp)) throw new Error(`--tlp: one of ${TLP_LEVELS.join(', ')}`);
      const origin = o.origin as string | undefined;
      if (origin !== undefined && origin !== 'local' && origin !== 'received') throw new Error('--origin: local or received');
      const type = o.type as string | undefined;
      if (type !== undefined && !/^[a-z0-9-]{1,250}$/.test(type)) throw new Error('--type: a STIX type such as indicator');
      await withNode(o, async (ctx) => {
        const { exportBundle } = await import('../../intel/store/export.service.js');
        const { DEFAULT_POLICY } = await import('../../intel/policy/release.policy.js');
        const filters = {
          ...(type ? { type } : {}),
          ...(tlp ? { tlp: tlp as (typeof TLP_LEVELS)[number] } : {}),
          ...(origin ? { origin: origin as 'local' | 'received' } : {}),
          ...(typeof o.query === 'string' && o.query ? { q: o.query } : {}),
          ...(o.allVersions ? { versions: 'all' as const } : {}),
        };
        const { count, text } = await exportBundle(ctx, CLI, { kind: 'user', redRecipient: o.includeRed === true }, DEFAULT_POLICY, filters);
        if (typeof o.out === 'string') {
          await pipeline(Readable.from(text), createWriteStream(o.out));
          process.stderr.write(`${o.out}: ${count} objects\n`);
        } else await pipeline(Readable.from(text), process.stdout, { end: false });
      });
    });
  return cmd;
}
