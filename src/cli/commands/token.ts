import { Command } from 'commander';
import { createToken, listTokens, revokeToken } from '../../auth/tokens.service.js';
import { getUser } from '../../auth/users.service.js';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';

const CLI = { ref: 'cli' };

export function tokenCommand(): Command {
  const token = new Command('token').description('manage API tokens for scripts');

  nodeOptions(token.command('create'))
    .description("create an API token acting with the user's role; the token is shown once")
    .requiredOption('--user <user>', 'owner, by e-mail or id')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-in-days <n>', 'expiry in days (default: never)', (v) => Number(v))
    .option('--json', 'print the result as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const u = await getUser(ctx, o.user as string);
        const r = await createToken(ctx, CLI, u.id, { name: o.name as string, expires_in_days: o.expiresInDays as number | undefined });
        if (o.json) return printJson(r);
        print(`Token ${r.record.id} for ${u.email}:`);
        print(r.token);
      }),
    );

  nodeOptions(token.command('list'))
    .description('list API tokens (never their secrets)')
    .option('--user <user>', 'only the tokens of this user')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const userId = o.user ? (await getUser(ctx, o.user as string)).id : undefined;
        const tokens = await listTokens(ctx, userId);
        if (o.json) return printJson(tokens);
        print(table(tokens as unknown as Record<string, unknown>[], ['id', 'name', 'user_id', 'created_at', 'expires_at', 'revoked_at']));
      }),
    );

  nodeOptions(token.command('revoke <id>'))
    .description('revoke an API token')
    .action((id: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const t = await revokeToken(ctx, CLI, id);
        print(`Token ${t.id} revoked at ${t.revoked_at}`);
      }),
    );
  return token;
}
