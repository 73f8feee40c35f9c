import { SMTPServer } from 'smtp-server';
import { freePort } from './node-process.js';

export interface CapturedMail {
  to: string[];
  raw: string;
  /** The body with quoted-printable soft breaks and `=3D` undone, enough to find links. */
  text: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts. */
export async function startMailbox(): Promise<{ url: string; mails: CapturedMail[]; close(): Promise<void> }> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=') });
        cb(null, 'queued');
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((res) => server.close(() => res())) };
}
