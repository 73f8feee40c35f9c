import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Settings come from, in order of precedence: command-line flags, ACCORD_* environment
 * variables, the node's config file (DIR/accord.json, key `settings`), then defaults.
 * Any invalid value stops the start with one line that names the setting.
 */
export interface Settings {
  dataDir: string;
  db: string;
  dbSchema: string | undefined;
  host: string;
  port: number;
  publicUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  requireAdminTotp: boolean;
  sessionTtlMinutes: number;
  bodyLimitBytes: number;
  loginMaxFailures: number;
  lockoutMinutes: number;
  loginRatePerMinute: number;
  cookieSecure: boolean;
  /** Federation: how old a delivered batch may be (replay window), and clock skew allowed. */
  replayWindowSeconds: number;
  clockSkewSeconds: number;
  /** Messages per delivery batch; larger batches amortise HTTP and signing. */
  deliveryBatchSize: number;
  /** Batches in flight to one peer at a time; 1 sends strictly one after another. */
  deliveryWindow: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** Messages a peer may deliver per second before it is told to slow down (429). */
  peerRatePerSecond: number;
  federationBodyLimitBytes: number;
  /** Requests to the federation inbox per minute from one source address. */
  inboxRatePerMinute: number;
  /** A large body that holds the inbox's lane must arrive within the grace plus its size at this rate. */
  inboxMinReadBytesPerSecond: number;
  inboxReadGraceMs: number;
  /** Directory: an entry published longer ago than this is flagged as stale. */
  directoryStaleAfterDays: number;
  /** Notifications: `smtp(s)://user:pass@host:port`; undefined = e-mail off (rows recorded as skipped). */
  smtpUrl: string | undefined;
  smtpFrom: string;
  notifyMaxAttempts: number;
  notifyRetryBaseMs: number;
  /** Cases: a second user must approve a request before it is sent (four-eyes). */
  casesFourEyes: boolean;
  /** Cases: hours ahead of a deadline this node must meet (execution target, routine acknowledgement) that its users are reminded (`case.deadline`). */
  casesDeadlineLeadHours: number;
  /**
   * Webhook targets allowed although they resolve to a loopback, private, link-local or
   * otherwise internal address: host names, IP addresses or CIDR ranges. Empty: none.
   */
  webhookAllow: string[];
  /**
   * TAXII feed servers allowed although they resolve to an internal address, as webhookAllow
   * (its own list: allowing an internal TAXII server does not open the same host to webhooks,
   * which any user may point anywhere).
   */
  feedAllow: string[];
  /** When set, /metrics answers only `Authorization: Bearer <this>`; unset, it is public (for a private network). */
  metricsToken: string | undefined;
  /**
   * The key that seals stored secrets (TOTP, webhook secrets); unset: DIR/keys/secrets-aes256gcm.key.
   * Set it to share one key between several `accord serve` processes of one node.
   */
  secretsKeyFile: string | undefined;
  /** The key that wraps each evidence file's key; unset: DIR/keys/evidence-aes256gcm.key. */
  evidenceKeyFile: string | undefined;
  /** The largest attachment accepted (tus Upload-Length, Tus-Max-Size). */
  evidenceMaxBytes: number;
  /** Uploads one user may have in progress at a time. */
  evidenceUploadsPerUser: number;
  /** Auditors may download attachments' content (otherwise they verify and read metadata only). */
  evidenceAuditorsDownload: boolean;
  /** Bytes per second this node serves evidence chunks to one peer (0: no limit). */
  evidencePeerBytesPerSecond: number;
  /**
   * Stored evidence goes to a bucket of an S3-compatible store at this endpoint (path-style
   * addressing) instead of DIR/evidence/store; unset: the file system. Needs evidenceS3Bucket.
   */
  evidenceS3Url: string | undefined;
  evidenceS3Bucket: string | undefined;
  evidenceS3Region: string;
  /** Unset: the AWS SDK's own chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  evidenceS3AccessKeyId: string | undefined;
  evidenceS3SecretAccessKey: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Parser<T> = (raw: unknown) => T;
type Spec<K extends keyof Settings> = { env: string; parse: Parser<Settings[K]>; default: (s: Partial<Settings>) => Settings[K] };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function text(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('must be a non-empty string');
  return raw.trim();
}
function optionalText(raw: unknown): string | undefined {
  return raw === undefined || raw === '' ? undefined : text(raw);
}
function int(min: number, max: number): Parser<number> {
  return (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return n;
  };
}
function bool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && /^(true|1|yes|on)$/i.test(raw)) return true;
  if (typeof raw === 'string' && /^(false|0|no|off)$/i.test(raw)) return false;
  throw new Error('must be true or false');
}
function url(raw: unknown): string | undefined {
  const s = optionalText(raw);
  if (s === undefined) return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(s)) throw new Error('must be an http(s) URL');
  return s.replace(/\/+$/, '');
}

/** Comma-separated (or a JSON array of) host names, IP addresses and CIDR ranges. */
function hostList(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!items || items.some((i) => typeof i !== 'string')) throw new Error('must be a comma-separated list of hosts, addresses or CIDR ranges');
  const out = (items as string[]).map((i) => i.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter((i) => i !== '');
  for (const i of out) if (!/^[a-z0-9.:_-]+(\/\d{1,3})?$/.test(i)) throw new Error(`"${i}" is not a host, address or CIDR range`);
  return out;
}

/** A value as it may be printed: the password of any URL in it is hidden. */
function redactCredentials(raw: unknown): unknown {
  if (typeof raw === 'string') return raw.replace(/(\/\/[^/\s:@]*):[^@\s]*@/g, '$1:***@');
  if (Array.isArray(raw)) return raw.map(redactCredentials);
  return raw;
}

const SPECS: { [K in Exclude<keyof Settings, 'dataDir'>]: Spec<K> } = {
  db: { env: 'ACCORD_DB', parse: text, default: (s) => join(s.dataDir ?? '.', 'accord.db') },
  dbSchema: {
    env: 'ACCORD_DB_SCHEMA',
    parse: (raw) => {
      const s = optionalText(raw);
      if (s !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new Error('must be a lowercase SQL identifier');
      return s;
    },
    default: () => undefined,
  },
  host: { env: 'ACCORD_HOST', parse: text, default: () => '127.0.0.1' },
  port: { env: 'ACCORD_PORT', parse: int(0, 65535), default: () => 8480 },
  publicUrl: { env: 'ACCORD_PUBLIC_URL', parse: url, default: () => undefined },
  logLevel: {
    env: 'ACCORD_LOG_LEVEL',
    parse: (raw) => {
      if (!LOG_LEVELS.includes(raw as Settings['logLevel'])) throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`);
      return raw as Settings['logLevel'];
    },
    default: () => 'info',
  },
  requireAdminTotp: { env: 'ACCORD_REQUIRE_ADMIN_TOTP', parse: bool, default: () => true },
  sessionTtlMinutes: { env: 'ACCORD_SESSION_TTL_MINUTES', parse: int(5, 60 * 24 * 30), default: () => 720 },
  bodyLimitBytes: { env: 'ACCORD_BODY_LIMIT_BYTES', parse: int(1024, 64 * 1024 * 1024), default: () => 1024 * 1024 },
  loginMaxFailures: { env: 'ACCORD_LOGIN_MAX_FAILURES', parse: int(1, 100), default: () => 5 },
  lockoutMinutes: { env: 'ACCORD_LOCKOUT_MINUTES', parse: int(1, 24 * 60), default: () => 15 },
  loginRatePerMinute: { env: 'ACCORD_LOGIN_RATE_PER_MINUTE', parse: int(1, 100000), default: () => 20 },
  cookieSecure: { env: 'ACCORD_COOKIE_SECURE', parse: bool, default: () => false },
  replayWindowSeconds: { env: 'ACCORD_REPLAY_WINDOW_SECONDS', parse: int(10, 86_400), default: () => 600 },
  clockSkewSeconds: { env: 'ACCORD_CLOCK_SKEW_SECONDS', parse: int(0, 3600), default: () => 60 },
  deliveryBatchSize: { env: 'ACCORD_DELIVERY_BATCH_SIZE', parse: int(1, 5000), default: () => 500 },
  deliveryWindow: { env: 'ACCORD_DELIVERY_WINDOW', parse: int(1, 8), default: () => 3 },
  retryBaseMs: { env: 'ACCORD_RETRY_BASE_MS', parse: int(10, 600_000), default: () => 1000 },
  retryCapMs: { env: 'ACCORD_RETRY_CAP_MS', parse: int(100, 86_400_000), default: () => 300_000 },
  peerRatePerSecond: { env: 'ACCORD_PEER_RATE_PER_SECOND', parse: int(1, 1_000_000), default: () => 50_000 },
  directoryStaleAfterDays: { env: 'ACCORD_DIRECTORY_STALE_AFTER_DAYS', parse: int(1, 3650), default: () => 90 },
  federationBodyLimitBytes: { env: 'ACCORD_FEDERATION_BODY_LIMIT_BYTES', parse: int(1024, 256 * 1024 * 1024), default: () => 32 * 1024 * 1024 },
  inboxRatePerMinute: { env: 'ACCORD_INBOX_RATE_PER_MINUTE', parse: int(1, 10_000_000), default: () => 6000 },
  inboxMinReadBytesPerSecond: { env: 'ACCORD_INBOX_MIN_READ_BYTES_PER_SECOND', parse: int(1024, 1024 * 1024 * 1024), default: () => 128 * 1024 },
  inboxReadGraceMs: { env: 'ACCORD_INBOX_READ_GRACE_MS', parse: int(100, 3_600_000), default: () => 10_000 },
  smtpUrl: {
    env: 'ACCORD_SMTP_URL',
    parse: (raw) => {
      const s = optionalText(raw);
      if (s !== undefined && !/^smtps?:\/\/[^\s/]+(\/[^\s]*)?$/.test(s)) throw new Error('must be an smtp:// or smtps:// URL');
      return s;
    },
    default: () => undefined,
  },
  smtpFrom: { env: 'ACCORD_SMTP_FROM', parse: text, default: () => 'Accord <accord@localhost>' },
  notifyMaxAttempts: { env: 'ACCORD_NOTIFY_MAX_ATTEMPTS', parse: int(1, 100), default: () => 8 },
  notifyRetryBaseMs: { env: 'ACCORD_NOTIFY_RETRY_BASE_MS', parse: int(10, 3_600_000), default: () => 10_000 },
  casesFourEyes: { env: 'ACCORD_CASES_FOUR_EYES', parse: bool, default: () => false },
  casesDeadlineLeadHours: { env: 'ACCORD_CASES_DEADLINE_LEAD_HOURS', parse: int(1, 24 * 60), default: () => 48 },
  webhookAllow: { env: 'ACCORD_WEBHOOK_ALLOW', parse: hostList, default: () => [] },
  feedAllow: { env: 'ACCORD_FEED_ALLOW', parse: hostList, default: () => [] },
  metricsToken: {
    env: 'ACCORD_METRICS_TOKEN',
    parse: (raw) => {
      const s = optionalText(raw);
      if (s !== undefined && s.length < 16) throw new Error('must have at least 16 characters');
      return s;
    },
    default: () => undefined,
  },
  secretsKeyFile: { env: 'ACCORD_SECRETS_KEY_FILE', parse: (raw) => { const s = optionalText(raw); return s === undefined ? undefined : resolve(s); }, default: () => undefined },
  evidenceKeyFile: { env: 'ACCORD_EVIDENCE_KEY_FILE', parse: (raw) => { const s = optionalText(raw); return s === undefined ? undefined : resolve(s); }, default: () => undefined },
  evidenceMaxBytes: { env: 'ACCORD_EVIDENCE_MAX_BYTES', parse: int(0, 2 ** 50), default: () => 64 * 1024 ** 3 },
  evidenceUploadsPerUser: { env: 'ACCORD_EVIDENCE_UPLOADS_PER_USER', parse: int(1, 1000), default: () => 8 },
  evidenceAuditorsDownload: { env: 'ACCORD_EVIDENCE_AUDITORS_DOWNLOAD', parse: bool, default: () => false },
  evidencePeerBytesPerSecond: { env: 'ACCORD_EVIDENCE_PEER_BYTES_PER_SECOND', parse: int(0, 2 ** 40), default: () => 128 * 1024 * 1024 },
  evidenceS3Url: { env: 'ACCORD_EVIDENCE_S3_URL', parse: url, default: () => undefined },
  evidenceS3Bucket: {
    env: 'ACCORD_EVIDENCE_S3_BUCKET',
    parse: (raw) => {
      const s = optionalText(raw);
      if (s !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s)) throw new Error('must be an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens)');
      return s;
    },
    default: () => undefined,
  },
  evidenceS3Region: { env: 'ACCORD_EVIDENCE_S3_REGION', parse: text, default: () => 'us-east-1' },
  evidenceS3AccessKeyId: { env: 'ACCORD_EVIDENCE_S3_ACCESS_KEY_ID', parse: optionalText, default: () => undefined },
  evidenceS3SecretAccessKey: { env: 'ACCORD_EVIDENCE_S3_SECRET_ACCESS_KEY', parse: optionalText, default: () => undefined },
};

export const SETTING_ENV: Record<keyof Settings, string> = {
  dataDir: 'ACCORD_DATA',
  ...Object.fromEntries(Object.entries(SPECS).map(([k, v]) => [k, v.env])),
} as Record<keyof Settings, string>;

export const CONFIG_FILE = 'accord.json';

export function readConfigFile(dataDir: string): Record<string, unknown> {
  const path = join(dataDir, CONFIG_FILE);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`invalid config file ${path}: ${(e as Error).message}`);
  }
}

/**
 * Resolves settings. `flags` holds only the options given on the command line.
 * @example resolveSettings({ dataDir: './data', port: '9000' }, process.env)
 */
export function resolveSettings(
  flags: Partial<Record<keyof Settings, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const dataDirRaw = flags.dataDir ?? env.ACCORD_DATA ?? './data';
  if (typeof dataDirRaw !== 'string' || dataDirRaw === '') throw new ConfigError('invalid setting dataDir (--data, ACCORD_DATA): must be a path');
  const dataDir = resolve(dataDirRaw);
  const file = (readConfigFile(dataDir).settings ?? {}) as Record<string, unknown>;
  const out: Partial<Settings> = { dataDir };
  for (const [key, spec] of Object.entries(SPECS) as [Exclude<keyof Settings, 'dataDir'>, Spec<Exclude<keyof Settings, 'dataDir'>>][]) {
    const [raw, source] =
      flags[key] !== undefined ? [flags[key], `--${kebab(key)}`]
      : env[spec.env] !== undefined ? [env[spec.env], spec.env]
      : file[key] !== undefined ? [file[key], `${CONFIG_FILE} settings.${key}`]
      : [undefined, 'default'];
    if (raw === undefined) {
      (out as Record<string, unknown>)[key] = spec.default(out);
      continue;
    }
    try {
      (out as Record<string, unknown>)[key] = spec.parse(raw);
    } catch (e) {
      throw new ConfigError(`invalid setting ${key} (${source}): ${(e as Error).message}, got ${JSON.stringify(redactCredentials(raw))}`);
    }
  }
  const o = out as Settings;
  if (o.evidenceS3Url !== undefined && o.evidenceS3Bucket === undefined) throw new ConfigError(`invalid setting evidenceS3Bucket (${SPECS.evidenceS3Bucket.env}): must be set when evidenceS3Url is`);
  if (o.evidenceS3Url === undefined && o.evidenceS3Bucket !== undefined) throw new ConfigError(`invalid setting evidenceS3Url (${SPECS.evidenceS3Url.env}): must be set when evidenceS3Bucket is`);
  if ((o.evidenceS3AccessKeyId === undefined) !== (o.evidenceS3SecretAccessKey === undefined)) throw new ConfigError(`invalid setting evidenceS3AccessKeyId (${SPECS.evidenceS3AccessKeyId.env}, ${SPECS.evidenceS3SecretAccessKey.env}): the access key id and the secret access key go together`);
  return o;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
