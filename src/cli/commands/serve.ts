import { Command } from 'commander';
import { nodeOptions, settingsFrom } from '../common.js';

export function serveCommand(): Command {
  return nodeOptions(new Command('serve'))
    .description('serve the HTTP API and the web app')
    .option('--host <host>', 'address to listen on (env ACCORD_HOST)')
    .option('--port <port>', 'port to listen on, 0 for any free one (env ACCORD_PORT)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env ACCORD_LOG_LEVEL)')
    .action(async (o: Record<string, unknown>) => {
      // The HTTP stack loads only for the commands that serve.
      const { startServer } = await import('../../app/server.js');
      const node = await startServer(settingsFrom(o), { handleSignals: true });
      process.stdout.write(`Accord node ${node.ctx.identity.node_id} listening on ${node.url}\n`);
    });
}
