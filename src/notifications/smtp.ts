import type { Transporter } from 'nodemailer';

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

/** How the connection is protected: STARTTLS required, TLS from the first byte, or plain (a local relay). */
export const SmtpSecurity = { starttls: 'starttls', tls: 'tls', none: 'none' } as const;
export type SmtpSecurity = (typeof SmtpSecurity)[keyof typeof SmtpSecurity];

/** Where and how to send: from ACCORD_SMTP_URL or from the settings an administrator saved. */
export interface SmtpServer {
  host: string;
  port: number;
  /**
   * `starttls` requires the upgrade, `tls` is implicit TLS; `opportunistic` (the URL form
   * `smtp://`) upgrades when the server offers STARTTLS, as ACCORD_SMTP_URL always did.
   */
  security: SmtpSecurity | 'opportunistic';
  auth?: { user: string; pass: string };
}

/** `smtp://user:pass@host:port` (port 587 by default, STARTTLS when offered) or `smtps://…` (implicit TLS, port 465). */
export function parseSmtpUrl(url: string): SmtpServer {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:') throw new Error('the SMTP URL must start with smtp:// or smtps://');
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  return { host, port, security: secure ? 'tls' : 'opportunistic', ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}) };
}

/** nodemailer's connection options for a server. */
export function transportOptions(s: SmtpServer): { host: string; port: number; secure: boolean; requireTLS?: boolean; ignoreTLS?: boolean; auth?: { user: string; pass: string } } {
  const tls = s.security === 'tls' ? { secure: true } : s.security === 'starttls' ? { secure: false, requireTLS: true } : s.security === 'none' ? { secure: false, ignoreTLS: true } : { secure: false };
  return { host: s.host, port: s.port, ...tls, ...(s.auth ? { auth: s.auth } : {}) };
}

/**
 * An SMTP mailer for a server (see SmtpServer) sending as `from`.
 * Every phase has a timeout, so a slow or silent server fails the attempt instead of holding it.
 */
export function createMailer(server: SmtpServer, from: string, timeoutMs = 10_000): Mailer {
  // @NOTE nodemailer ignores every other option when given `url`, timeouts included: hence the parts.
  const options = { ...transportOptions(server), connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs };
  // nodemailer is loaded on the first message: a node that sends none does not carry it.
  let transport: Promise<Transporter> | null = null;
  return {
    async send(m) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(options));
      const t = await transport;
      try {
        const info = (await t.sendMail({ from, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) })) as { response?: string };
        return info.response ?? '250';
      } catch (e) {
        const err = e as Error & { responseCode?: number };
        throw new MailSendError(err.message, typeof err.responseCode === 'number' ? err.responseCode : undefined);
      }
    },
    close: () => void transport?.then((t) => t.close()),
  };
}
