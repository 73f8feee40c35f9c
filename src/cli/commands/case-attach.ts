import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { print, printJson } from '../common.js';

const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TUS = '1.0.0';

interface AttachOptions {
  url: string;
  token: string;
  description?: string;
  type?: string;
  event?: string;
  retries: number;
  json?: boolean;
  progress: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

async function problemOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as { detail?: string; title?: string };
    return p.detail ?? p.title ?? text;
  } catch {
    return text || res.statusText;
  }
}

/** Where the upload URL of a file being attached is kept, so a later run resumes it. */
function statePath(o: AttachOptions, caseId: string, file: string, size: number, mtimeMs: number): string {
  const key = createHash('sha256').update(JSON.stringify([o.url, caseId, file, size, mtimeMs])).digest('hex').slice(0, 32);
  const dir = join(tmpdir(), 'accord-uploads');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `${key}.json`);
}

function progressLine(done: number, total: number, started: number): string {
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  const secs = Math.max(0.001, (Date.now() - started) / 1000);
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `\r${mib(done)} / ${mib(total)} MiB (${pct}%)  ${mib(done / secs)} MiB/s `;
}

/**
 * Uploads one file with tus against a running node: creates the upload (or resumes the one a
 * previous run left, kept in the temp folder), then sends the rest from the offset the node
 * reports. A broken connection, a node restarting or a 5xx is retried from the node's offset
 * with a growing pause; a 4xx other than 409 stops with the node's problem.
 */
async function attach(caseId: string, file: string, o: AttachOptions): Promise<{ attachment_id: string; sha256: string; size: number }> {
  const st = statSync(file);
  if (!st.isFile()) throw new Error(`${file} is not a file`);
  const size = st.size;
  const headers = { authorization: `Bearer ${o.token}`, 'tus-resumable': TUS };
  const state = statePath(o, caseId, resolve(file), size, st.mtimeMs);
  let uploadUrl: string | null;
  try {
    uploadUrl = (JSON.parse(readFileSync(state, 'utf8')) as { url: string }).url;
  } catch {
    uploadUrl = null;
  }
  const started = Date.now();
  let failures = 0;
  let sent = 0;
  const showProgress = (n: number) => {
    if (o.progress) process.stderr.write(progressLine(n, size, started));
  };
  for (;;) {
    try {
      if (!uploadUrl) {
        const meta = [`filename ${b64(basename(file))}`, `type ${b64(o.type ?? 'application/octet-stream')}`, ...(o.description ? [`description ${b64(o.description)}`] : []), ...(o.event ? [`event_id ${b64(o.event)}`] : [])].join(',');
        const res = await fetch(`${o.url}/api/v1/cases/${caseId}/attachments/uploads`, { method: 'POST', headers: { ...headers, 'upload-length': String(size), 'upload-metadata': meta } });
        if (res.status !== 201) throw new HttpError(res.status, await problemOf(res));
        const created = (await res.json()) as { location: string; attachment_id: string | null };
        uploadUrl = new URL(created.location, o.url).toString();
        writeFileSync(state, JSON.stringify({ url: uploadUrl }), { mode: 0o600 });
        if (created.attachment_id) {
          rmSync(state, { force: true });
          return { attachment_id: created.attachment_id, sha256: createHash('sha256').digest('hex'), size };
        }
      }
      const head = await fetch(uploadUrl, { method: 'HEAD', headers });
      if (head.status === 404) {
        // The node no longer knows it (finished, cancelled or expired): start again.
        uploadUrl = null;
        rmSync(state, { force: true });
        continue;
      }
      if (head.status !== 200) throw new HttpError(head.status, `HEAD answered ${head.status}`);
      const offset = Number(head.headers.get('upload-offset'));
      sent = offset;
      showProgress(sent);
      const body = createReadStream(file, { start: offset, highWaterMark: 1024 * 1024 });
      body.on('data', (d) => {
        sent += d.length;
        showProgress(sent);
      });
      const res = await fetch(uploadUrl, {
        method: 'PATCH',
        headers: { ...headers, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(size - offset) },
        body: body as unknown as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (res.status !== 204) throw new HttpError(res.status, await problemOf(res));
      const attachmentId = res.headers.get('accord-attachment-id');
      if (Number(res.headers.get('upload-offset')) === size && attachmentId) {
        rmSync(state, { force: true });
        if (o.progress) process.stderr.write(progressLine(size, size, started) + '\n');
        return { attachment_id: attachmentId, sha256: res.headers.get('accord-attachment-sha256') ?? '', size };
      }
      failures = 0;
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 0;
      // A client error other than a busy or moved-on upload will not get better by retrying.
      if (status >= 400 && status < 500 && status !== 409 && status !== 429) throw new Error(`the node refused the upload (${status}): ${(e as Error).message}`, { cause: e });
      if (++failures > o.retries) throw new Error(`giving up after ${o.retries} attempts: ${(e as Error).message}`, { cause: e });
      if (o.progress) process.stderr.write(`\nconnection lost (${(e as Error).message}); resuming…\n`);
      await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** Math.min(failures, 6))));
    }
  }
}

/** `accord case attach <case-id> <file>`: uploads over HTTP to a running node (tus), resuming after a broken connection. */
export function caseAttachCommand(): Command {
  return new Command('attach')
    .description('attach a file to a case on a running node: streamed, encrypted there, resumable (tus); prints the attachment id and SHA-256')
    .argument('<case-id>', 'the case')
    .argument('<file>', 'the file to attach')
    .option('--description <text>', 'what the file is')
    .option('--type <media-type>', 'its media type (default application/octet-stream)')
    .option('--event <event-id>', 'the case event it belongs to')
    .option('--url <url>', 'the node (env ACCORD_URL)', process.env.ACCORD_URL ?? 'http://127.0.0.1:8480')
    .option('--token <token>', 'an API token (env ACCORD_TOKEN)', process.env.ACCORD_TOKEN)
    .option('--retries <n>', 'attempts in a row without progress before giving up', (v) => Number(v), 30)
    .option('--no-progress', 'no progress line on stderr')
    .option('--json', 'print as JSON')
    .action(async (caseId: string, file: string, o: Record<string, unknown>) => {
      if (!CASE_ID.test(caseId)) throw new Error(`${caseId} is not a case id (a UUID such as 0190c2d4-…)`);
      if (!o.token) throw new Error('an API token is needed: --token or ACCORD_TOKEN (accord token create)');
      const retries = o.retries as number;
      if (!Number.isInteger(retries) || retries < 0 || retries > 10_000) throw new Error('--retries must be an integer from 0 to 10000');
      const r = await attach(caseId, file, { ...(o as unknown as AttachOptions), url: String(o.url).replace(/\/+$/, ''), retries });
      if (o.json) return printJson(r);
      print(`${r.attachment_id}  sha256 ${r.sha256}  ${r.size} bytes`);
    });
}
