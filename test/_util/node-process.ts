import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface NodeProcess {
  url: string;
  dataDir: string;
  adminEmail: string;
  adminPassword: string;
  fingerprint: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `accord init` then `accord serve` as a child process on a free port, on SQLite. */
export async function startNodeProcess(opts: { settings?: Record<string, string>; nodeId?: string; initArgs?: string[] } = {}): Promise<NodeProcess> {
  const root = mkdtempSync(join(tmpdir(), 'accord-proc-'));
  const dataDir = join(root, 'node');
  const nodeId = opts.nodeId ?? 'uz-cert';
  const init = runCli([
    'init', '--data', dataDir, '--node-id', nodeId, '--country', 'UZ',
    '--name', 'en=Uzbekistan national CERT', '--name', 'ru=Национальный CERT Узбекистана', '--name', 'uz=Oʻzbekiston milliy CERT',
    '--authority', 'cert', '--admin-email', 'admin@example.org', '--json', ...(opts.initArgs ?? []),
  ]);
  if (init.status !== 0) throw new Error(`accord init failed: ${init.stderr}`);
  const info = JSON.parse(init.stdout) as { admin_email: string; one_time_password: string; fingerprint: string };
  const child = spawn(process.execPath, [ACCORD_BIN, 'serve', '--data', dataDir, '--port', '0'], {
    env: { ...process.env, ACCORD_LOG_LEVEL: 'warn', ...opts.settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`node did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`node exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    adminEmail: info.admin_email,
    adminPassword: info.one_time_password,
    fingerprint: info.fingerprint,
    child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
