import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ROLES } from '../../auth/roles.js';
import { createUser, getUser, listUsers, resetUser, updateUser } from '../../auth/users.service.js';
import { nodeOptions, print, printJson, table, withNode } from '../common.js';

const CLI = { ref: 'cli' };

export function userCommand(): Command {
  const user = new Command('user').description('manage the users of this node');

  nodeOptions(user.command('add'))
    .description('add a user; prints a one-time password unless --password-stdin is given')
    .requiredOption('--email <email>', 'e-mail address (the sign-in name)')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print the result as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const password = o.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : undefined;
        const r = await createUser(ctx, CLI, { email: o.email as string, display_name: o.name as string, role: o.role as string, password });
        if (o.json) return printJson({ user: r.user, one_time_password: r.oneTimePassword });
        print(`Added ${r.user.email} (${r.user.role}), id ${r.user.id}`);
        if (r.oneTimePassword) print(`One-time password: ${r.oneTimePassword}`);
      }),
    );

  nodeOptions(user.command('list'))
    .description('list users')
    .option('--json', 'print as JSON')
    .action((o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const users = await listUsers(ctx);
        if (o.json) return printJson(users);
        print(table(users.map((u) => ({ ...u, totp: u.totp_enabled ? 'yes' : 'no', state: u.disabled ? 'disabled' : u.locked_until ? 'locked' : 'active' })), ['email', 'role', 'state', 'totp', 'id']));
      }),
    );

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    nodeOptions(user.command(`${name} <user>`))
      .description(`${name} a user (by e-mail or id)${disabled ? '; ends their sessions' : ''}`)
      .action((who: string, o: Record<string, unknown>) =>
        withNode(o, async (ctx) => {
          const u = await updateUser(ctx, CLI, (await getUser(ctx, who)).id, { disabled });
          print(`${u.email} is ${u.disabled ? 'disabled' : 'enabled'}`);
        }),
      );
  }

  nodeOptions(user.command('reset <user>'))
    .description('give a user (by e-mail or id) a new one-time password, unlock them, end their sessions')
    .option('--totp', 'also remove their second factor, to be enrolled again')
    .option('--json', 'print the result as JSON')
    .action((who: string, o: Record<string, unknown>) =>
      withNode(o, async (ctx) => {
        const r = await resetUser(ctx, CLI, (await getUser(ctx, who)).id, { resetTotp: Boolean(o.totp) });
        if (o.json) return printJson({ user: r.user, one_time_password: r.oneTimePassword });
        print(`One-time password for ${r.user.email}: ${r.oneTimePassword}`);
      }),
    );
  return user;
}
