import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
}

/** A failed SMTP attempt; `smtpCode` is the server's reply code when it gave one. */
export class MailSendError extends Error {
  override name = 'MailSendError';
  constructor(message: string, readonly smtpCode?: number) {
    super(message);
  }
}

export interface Mailer {
  /** Resolves with the server's final reply (e.g. `250 OK: queued as …`). */
  send(m: MailMessage): Promise<string>;
  close(): void;
}

/** `smtp://user:pass@host:port` (port 587 by default) or `smtps://…` (implicit TLS, port 465). */
export function parseSmtpUrl(url: string): { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } } {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:') throw new Error('the SMTP URL must start with smtp:// or smtps://');
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  return { host, port, secure, ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}) };
}

/**
 * An SMTP mailer for `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…`.
 * Every phase has a timeout, so a slow or silent server fails the attempt instead of holding it.
 */
export function createMailer(url: string, from: string, timeoutMs = 10_000): Mailer {
  // @NOTE nodemailer ignores every other option when given `url`, timeouts included.
  const transport: Transporter = nodemailer.createTransport({
    ...parseSmtpUrl(url),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  return {
    async send(m) {
      try {
        const info = (await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) })) as { response?: string };
        return info.response ?? '250';
      } catch (e) {
        const err = e as Error & { responseCode?: number };
        throw new MailSendError(err.message, typeof err.responseCode === 'number' ? err.responseCode : undefined);
      }
    },
    close: () => transport.close(),
  };
}
