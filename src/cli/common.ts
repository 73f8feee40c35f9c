import type { Command } from 'commander';
import { resolveSettings, type Settings } from '../config/settings.js';
import type { NodeContext } from '../context.js';
import { openNode } from '../app/open-node.js';

/** The options every command that opens a node accepts; each also reads ACCORD_* variables. */
export function nodeOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'the node folder (env ACCORD_DATA)')
    .option('--db <url>', 'database: a SQLite file or postgres://… (env ACCORD_DB)')
    .option('--db-schema <name>', 'PostgreSQL schema (env ACCORD_DB_SCHEMA)');
}

export function settingsFrom(opts: Record<string, unknown>): Settings {
  return resolveSettings({
    dataDir: opts.data,
    db: opts.db,
    dbSchema: opts.dbSchema,
    host: opts.host,
    port: opts.port,
    logLevel: opts.logLevel,
  });
}

/** Opens the node, runs `fn`, and always closes the database. */
export async function withNode<T>(opts: Record<string, unknown>, fn: (ctx: NodeContext) => Promise<T>): Promise<T> {
  const ctx = await openNode(settingsFrom(opts));
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

export function print(line: string): void {
  process.stdout.write(line + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Formats rows as aligned columns for people; scripts use --json. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '-' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}
