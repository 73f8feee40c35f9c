import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { AuthorityKind } from '../../node/identity.js';
import { formatFingerprint, secretsKeyPath } from '../../node/identity.js';
import { initNode } from '../../app/init-node.js';
import { print, printJson } from '../common.js';

/** `--name "ru=Узбекистан CERT"` → { ru: … }; a name without `lang=` is English. */
export function parseNames(values: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const v of values) {
    const m = /^([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)=(.+)$/.exec(v);
    if (m) names[m[1]!] = m[2]!.trim();
    else names.en = v.trim();
  }
  return names;
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

export function initCommand(): Command {
  return new Command('init')
    .description('create a node: identity and signing key, database, first administrator')
    .option('--data <dir>', 'the node folder (env ACCORD_DATA)', process.env.ACCORD_DATA ?? './data')
    .option('--node-id <id>', 'node id, e.g. uz-cert')
    .option('--country <cc>', 'ISO 3166-1 alpha-2 country code, e.g. UZ')
    .option('--name <name>', 'node name, as "lang=text" (repeat for each language)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(new Option('--authority <kind...>', 'authority kinds this node speaks for').choices(Object.values(AuthorityKind)))
    .option('--db <url>', 'database URL; default: DIR/accord.db (SQLite) (env ACCORD_DB)', process.env.ACCORD_DB)
    .option('--db-schema <name>', 'PostgreSQL schema (env ACCORD_DB_SCHEMA)', process.env.ACCORD_DB_SCHEMA)
    .option('--admin-email <email>', 'e-mail of the first administrator')
    .option('--no-require-admin-totp', 'let administrators sign in without a second factor (demos only)')
    .option('--json', 'print the result as JSON')
    .action(async (o: Record<string, unknown>) => {
      const interactive = process.stdin.isTTY === true && !o.json;
      const need = async (value: unknown, question: string, flag: string): Promise<string> => {
        if (typeof value === 'string' && value !== '') return value;
        if (!interactive) throw new Error(`missing ${flag} (no terminal to ask on)`);
        return ask(question);
      };
      const nodeId = await need(o.nodeId, 'Node id (e.g. uz-cert): ', '--node-id');
      const country = await need(o.country, 'Country, ISO 3166-1 alpha-2 (e.g. UZ): ', '--country');
      let names = parseNames(o.name as string[]);
      if (Object.keys(names).length === 0) names = parseNames([await need(undefined, 'Name in English: ', '--name')]);
      const r = await initNode({
        dataDir: resolve(o.data as string),
        nodeId,
        country,
        names,
        authorityKinds: (o.authority as AuthorityKind[] | undefined) ?? [],
        db: o.db as string | undefined,
        dbSchema: o.dbSchema as string | undefined,
        adminEmail: o.adminEmail as string | undefined,
        settings: o.requireAdminTotp === false ? { requireAdminTotp: false } : {},
      });
      const id = r.ctx.identity;
      await r.ctx.store.close();
      if (o.json) {
        printJson({ node_id: id.node_id, country: id.country, fingerprint: id.fingerprint, data_dir: r.ctx.settings.dataDir, db_dialect: r.ctx.store.dialect, admin_email: r.adminEmail, one_time_password: r.oneTimePassword });
        return;
      }
      print(`Created node ${id.node_id} (${id.country}) in ${r.ctx.settings.dataDir}`);
      print(`Key fingerprint: ${formatFingerprint(id.fingerprint)}`);
      print(`Back up with the database: the signing key and the secrets key (${secretsKeyPath(r.ctx.settings)})`);
      print(`First administrator: ${r.adminEmail}`);
      print(`One-time password:   ${r.oneTimePassword}   (change it at first sign-in)`);
    });
}
