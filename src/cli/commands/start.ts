import { Command } from 'commander';
import { resolve } from 'node:path';
import { isInitialised } from '../../node/identity.js';
import { initNode } from '../../node/init.js';
import { print, settingsFrom } from '../common.js';

/** One command for a first look: creates a demo node in DIR when there is none, then serves it. */
export function startCommand(): Command {
  return new Command('start')
    .description('create a demo node in --data if there is none, then serve it')
    .option('--data <dir>', 'the node folder (env ACCORD_DATA)', process.env.ACCORD_DATA ?? './data')
    .option('--host <host>', 'address to listen on (env ACCORD_HOST)')
    .option('--port <port>', 'port to listen on (env ACCORD_PORT)')
    .action(async (o: Record<string, unknown>) => {
      const dataDir = resolve(o.data as string);
      let credentials: string[] = [];
      if (!isInitialised(dataDir)) {
        const r = await initNode({
          dataDir,
          nodeId: 'demo-cert',
          country: 'UZ',
          names: { en: 'Demo national CERT', ru: 'Демонстрационный национальный CERT', uz: 'Namunaviy milliy CERT' },
          authorityKinds: ['cert'],
          // A demo node lets the administrator in without a second factor; real nodes keep it on.
          settings: { requireAdminTotp: false },
        });
        await r.ctx.store.close();
        credentials = [
          `First administrator: ${r.adminEmail}`,
          `One-time password:   ${r.oneTimePassword}   (shown once; change it at first sign-in)`,
        ];
      }
      // The HTTP stack loads only for the commands that serve.
      const { startServer } = await import('../../server.js');
      const node = await startServer(settingsFrom({ data: dataDir, host: o.host, port: o.port, logLevel: process.env.ACCORD_LOG_LEVEL ?? 'warn' }), { handleSignals: true });
      print(`Accord node ${node.ctx.identity.node_id} is running at ${node.url}`);
      for (const line of credentials) print(line);
      if (credentials.length === 0) print(`Existing node in ${dataDir}; \`accord user reset EMAIL --data ${dataDir}\` gives a new one-time password.`);
    });
}
