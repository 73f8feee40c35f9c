import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports.js';

export { freePort };

export const ACCORD_BIN = resolve(import.meta.dirname, '../../bin/accord.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `accord` command without a terminal (stdin is empty unless given). */
export function runCli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [ACCORD_BIN, ...args], {
    input: opts.input ?? '',
    env: { ...process.env, ACCORD_LOG_LEVEL: 'silent', ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function runCliJson<T = unknown>(args: string[]): T {
  const r = runCli([...args, '--json']);
  if (r.status !== 0) throw new Error(`accord ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface NodeProcess {
  nodeId: string;
  url: string;
  port: number;
  dataDir: string;
  adminEmail: string;
  adminPassword: string;
  fingerprint: string;
  child: ChildProcess;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL, no chance to clean up. */
  kill9(): Promise<void>;
  /** Starts `accord serve` again on the same folder and port. */
  restart(): Promise<void>;
  /** Stops and deletes the folder. */
  destroy(): Promise<void>;
}

export interface StartOptions {
  settings?: Record<string, string>;
  nodeId?: string;
  country?: string;
  initArgs?: string[];
}

function spawnServe(dataDir: string, port: number, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [ACCORD_BIN, 'serve', '--data', dataDir, '--port', String(port)], {
    env: { ...process.env, ACCORD_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res, rej) => {
    let out = '';
    // A node that did not start in time is killed, not left running behind the failed test. A minute:
    // on a busy machine (two cores, test files in parallel) two nodes starting at once take 10–20 s each.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`node did not start: ${stderr}`));
    }, 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      rej(new Error(`node exited with ${code}: ${stderr}`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', onExit);
        res({ child, url: m[1]! });
      }
    });
  });
}

/** `accord init` then `accord serve` as a child process on a free port (SQLite unless initArgs say --db). */
export async function startNodeProcess(opts: StartOptions = {}): Promise<NodeProcess> {
  const root = mkdtempSync(join(tmpdir(), 'accord-proc-'));
  const dataDir = join(root, 'node');
  const nodeId = opts.nodeId ?? 'uz-cert';
  const init = runCli([
    'init', '--data', dataDir, '--node-id', nodeId, '--country', opts.country ?? 'UZ',
    '--name', 'en=Uzbekistan national CERT', '--name', 'ru=Национальный CERT Узбекистана', '--name', 'uz=Oʻzbekiston milliy CERT',
    '--authority', 'cert', '--admin-email', 'admin@example.org', '--json', ...(opts.initArgs ?? []),
  ]);
  if (init.status !== 0) throw new Error(`accord init failed: ${init.stderr}`);
  const info = JSON.parse(init.stdout) as { admin_email: string; one_time_password: string; fingerprint: string };
  const env = opts.settings ?? {};
  // A free port can be taken by a parallel test before the node binds it: try another.
  let port = 0;
  let first: Awaited<ReturnType<typeof spawnServe>> | undefined;
  for (let attempt = 1; !first; attempt++) {
    port = await freePort();
    first = await spawnServe(dataDir, port, env).catch((e: Error) => {
      if (attempt >= 5 || !e.message.includes('EADDRINUSE')) throw e;
      return undefined;
    });
  }
  const node: NodeProcess = {
    nodeId,
    url: first.url,
    port,
    dataDir,
    adminEmail: info.admin_email,
    adminPassword: info.one_time_password,
    fingerprint: info.fingerprint,
    child: first.child,
    stop: async () => {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        const exited = new Promise((r) => node.child.once('exit', r));
        node.child.kill('SIGTERM');
        await exited;
      }
    },
    kill9: async () => {
      if (node.child.exitCode === null && node.child.signalCode === null) {
        const exited = new Promise((r) => node.child.once('exit', r));
        node.child.kill('SIGKILL');
        await exited;
      }
    },
    restart: async () => {
      await node.stop();
      node.child = (await spawnServe(dataDir, port, env)).child;
    },
    destroy: async () => {
      await node.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return node;
}
