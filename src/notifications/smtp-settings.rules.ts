import { isIP } from 'node:net';
import { parseSmtpUrl, type SmtpSecurity, type SmtpServer } from './smtp.js';

/**
 * Pure rules of the node's mail server settings: what a valid setting is, which one applies
 * (ACCORD_SMTP_URL before the one saved in the web app), and how SMTP answers are shown
 * without the password in them.
 */

/** Where the mail server in use comes from. */
export const SmtpSource = { environment: 'environment', web: 'web', none: 'none' } as const;
export type SmtpSource = (typeof SmtpSource)[keyof typeof SmtpSource];

/** The mail server an administrator saves (the password in plaintext: callers seal it). */
export interface SmtpSettingsInput {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  from: string;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$|^[^\s@<>",;]+@localhost$/;

/** A host name or an IP address (IPv6 without brackets). */
export function isSmtpHost(host: string): boolean {
  return isIP(host) !== 0 || HOSTNAME.test(host);
}

/** `accord@cert.example.org` or `Accord <accord@cert.example.org>`; no line breaks (header injection). */
export function isFromAddress(from: string): boolean {
  if (/[\r\n]/.test(from)) return false;
  const m = /^(.*)<([^<>]+)>$/.exec(from.trim());
  return m ? !/[<>]/.test(m[1]!) && ADDRESS.test(m[2]!.trim()) : ADDRESS.test(from.trim());
}

/** Why a setting is refused, or null. The schema has checked types and lengths already. */
export function checkSmtpSettings(s: SmtpSettingsInput): string | null {
  if (!isSmtpHost(s.host)) return 'host must be a host name or an IP address';
  if (!isFromAddress(s.from)) return 'from must be an e-mail address, optionally with a name: Accord <accord@cert.example.org>';
  if (s.username !== null && /[\r\n]/.test(s.username)) return 'username must not contain line breaks';
  return null;
}

/** The server the node uses: ACCORD_SMTP_URL when set, else the saved one, else none. */
export function effectiveSmtpServer(envUrl: string | undefined, envFrom: string, saved: (SmtpSettingsInput & { password: string | null }) | null): { source: SmtpSource; server: SmtpServer; from: string } | null {
  if (envUrl !== undefined) return { source: SmtpSource.environment, server: parseSmtpUrl(envUrl), from: envFrom };
  if (!saved) return null;
  const auth = saved.username !== null ? { auth: { user: saved.username, pass: saved.password ?? '' } } : {};
  return { source: SmtpSource.web, server: { host: saved.host, port: saved.port, security: saved.security, ...auth }, from: saved.from };
}

/**
 * An SMTP answer or error as it may be shown: every secret given (the password, also in its
 * URL-encoded and base64 forms, which AUTH PLAIN/LOGIN transcripts carry) and the password
 * of any URL replaced by `***`.
 */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, '$1***@');
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s), Buffer.from(s).toString('base64')])) out = out.split(form).join('***');
  }
  return out;
}
