import { Command } from 'commander';
import { join, resolve } from 'node:path';
import { isInitialised, type AuthorityKind } from '../../node/identity.js';
import { initNode } from '../../app/init-node.js';
import { print, settingsFrom } from '../common.js';

interface DemoNode {
  id: string;
  country: string;
  kinds: AuthorityKind[];
  names: Record<string, string>;
}

/** A small federation to look at: three authorities of three states, peered with each other. */
const DEMO: DemoNode[] = [
  { id: 'uz-cert', country: 'UZ', kinds: ['cert'], names: { en: 'Uzbekistan national CERT', ru: 'Национальный CERT Узбекистана', uz: 'Oʻzbekiston milliy CERT' } },
  { id: 'kz-cybercrime', country: 'KZ', kinds: ['law_enforcement_24_7'], names: { en: 'Kazakhstan cybercrime unit (24/7)', ru: 'Подразделение по киберпреступности Казахстана (24/7)', uz: 'Qozogʻiston kiberjinoyatlar boʻlinmasi (24/7)' } },
  { id: 'kg-central-authority', country: 'KG', kinds: ['central_authority'], names: { en: 'Kyrgyzstan central authority for mutual legal assistance', ru: 'Центральный орган Кыргызстана по взаимной правовой помощи', uz: 'Qirgʻiziston oʻzaro huquqiy yordam markaziy organi' } },
];

/**
 * One command for a first look: creates the demo federation's nodes in DIR/<node id> when
 * they are missing, serves them all from this process on consecutive ports, and peers them.
 */
export function startCommand(): Command {
  return new Command('start')
    .description('run a demo federation of three nodes (created in --data on the first run)')
    .option('--data <dir>', 'folder for the demo nodes (env ACCORD_DATA)', process.env.ACCORD_DATA ?? './data')
    .option('--host <host>', 'address to listen on (env ACCORD_HOST)')
    .option('--port <port>', 'port of the first node; the others take the next ones (env ACCORD_PORT)', process.env.ACCORD_PORT ?? '8480')
    .action(async (o: Record<string, unknown>) => {
      const root = resolve(o.data as string);
      const firstPort = Number(o.port);
      if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort > 65_000) throw new Error(`invalid --port: ${String(o.port)}`);
      const credentials = new Map<string, string>();
      for (const d of DEMO) {
        const dataDir = join(root, d.id);
        if (isInitialised(dataDir)) continue;
        const r = await initNode({
          dataDir,
          nodeId: d.id,
          country: d.country,
          names: d.names,
          authorityKinds: d.kinds,
          // Demo nodes let the administrator in without a second factor; real nodes keep it on.
          settings: { requireAdminTotp: false },
        });
        await r.ctx.store.close();
        credentials.set(d.id, `${r.adminEmail} / ${r.oneTimePassword}`);
      }
      // The HTTP stack loads only for the commands that serve.
      const { startServer } = await import('../../app/server.js');
      const { addPeer, listPeers } = await import('../../federation/peers.service.js');
      const nodes: Awaited<ReturnType<typeof startServer>>[] = [];
      for (const [i, d] of DEMO.entries()) {
        const settings = settingsFrom({ data: join(root, d.id), host: o.host, port: String(firstPort + i), logLevel: process.env.ACCORD_LOG_LEVEL ?? 'warn' });
        nodes.push(await startServer(settings, { handleSignals: i === 0 }));
      }
      if (nodes.length > 1) process.once('SIGINT', () => void Promise.all(nodes.slice(1).map((n) => n.stop())));
      for (const a of nodes) {
        const known = new Set((await listPeers(a.ctx)).map((p) => p.node_id));
        for (const b of nodes) {
          if (a === b || known.has(b.ctx.identity.node_id)) continue;
          await addPeer(a.ctx, { ref: 'cli' }, { url: b.url, fingerprint: b.ctx.identity.fingerprint });
        }
      }
      // A first run opens a few requests between the authorities, so that every node has cases to look at.
      if (credentials.size === DEMO.length) {
        const { seedDemoCases } = await import('./demo-cases.js');
        const opened = await seedDemoCases(new Map(nodes.map((n) => [n.ctx.identity.node_id, n.ctx])));
        print(`Opened ${opened} demo requests between the nodes (Cases).`);
        const { seedDemoIntel } = await import('./demo-intel.js');
        const objects = await seedDemoIntel(new Map(nodes.map((n) => [n.ctx.identity.node_id, n.ctx])));
        if (objects) print(`Stored ${objects} threat-intelligence objects on uz-cert and released them to kz-cybercrime (Threat intelligence).`);
      }
      print('Accord demo federation is running:');
      for (const n of nodes) {
        const id = n.ctx.identity.node_id;
        print(`  ${id.padEnd(22)} ${n.url}   ${credentials.get(id) ?? '(existing node; `accord user reset EMAIL --data ' + join(root, id) + '` gives a new one-time password)'}`);
      }
      if (credentials.size > 0) print('Sign in with the e-mail and one-time password shown (shown once); you will choose a new password.');
    });
}
