/** Shapes of the node's HTTP API (see the OpenAPI document at /api/docs). */

export const ROLES = ['admin', 'coordinator', 'officer', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Stage = 'totp' | 'password_change' | 'totp_enrol' | 'full';

export interface User {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  totp_enabled: boolean;
  must_change_password: boolean;
  locked_until: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionInfo {
  stage: Stage;
  csrf_token: string;
  expires_at: string;
  user: User;
}

export interface NodeInfo {
  node_id: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: string[];
  key_suite: string;
  public_key: string;
  fingerprint: string;
  created_at: string;
  version: string;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface UserWithPassword {
  user: User;
  one_time_password?: string;
}

export interface ApiToken {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_before: number | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBroken?: { seq: number; reason: string; detail: string };
}

export type PeerStatus = 'active' | 'suspended' | 'removed';

/** A peer with its delivery state, as GET /api/v1/peers lists it. */
export interface Peer {
  node_id: string;
  base_url: string;
  country: string;
  names: Record<string, string>;
  authority_kinds: string[];
  key_suite: string;
  fingerprint: string;
  status: PeerStatus;
  added_at: string;
  last_contact_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  failures: number;
  next_attempt_at: string | null;
  queue_length: number;
  oldest_undelivered_at: string | null;
  /** null: not known yet (never contacted, never failed). */
  reachable: boolean | null;
}

/** A peer as the actions on it return it: without the delivery state. */
export type PeerRecord = Omit<Peer, 'queue_length' | 'oldest_undelivered_at' | 'reachable'>;

/** A peer's signed receipt for a batch of messages. */
export interface Receipt {
  v: number;
  type: string;
  batch_id: string;
  by: string;
  received_at: string;
  items: { message_id: string; digest: string; status: string; reason?: string; detail?: string }[];
  sig: { suite: string; key: string; value: string };
}

export interface PingResult {
  /** The peer's node id. */
  peer: string;
  rtt_ms: number;
  receipt: Receipt;
}

/** RFC 9457 problem details, as every error of the API is returned. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  [extra: string]: unknown;
}

export const GROUP_LEVELS = ['bilateral', 'regional', 'global'] as const;
export type GroupLevel = (typeof GROUP_LEVELS)[number];
export type GroupStatus = 'unknown' | 'proposed' | 'active' | 'refused';
export type GroupRole = 'member' | 'founder' | 'invited' | 'former' | 'none';
export type ProposalStatus = 'open' | 'adopted' | 'refused' | 'void';

/** The legal instrument behind a group and what it allows; every list is an allow-list (`*` allows anything). */
export interface Agreement {
  title: string;
  instrument: string;
  channels: string[];
  request_types: string[];
  languages: string[];
  confidentiality: string;
}

export type Quorum = { kind: 'all' } | { kind: 'at_least'; n: number };
export interface Charter {
  quorum: Quorum;
}

export type GroupChange =
  | { kind: 'create'; name: string; level: GroupLevel; charter: Charter; agreement: Agreement; invitees: string[] }
  | { kind: 'add_member'; node: string }
  | { kind: 'remove_member'; node: string }
  | { kind: 'change_agreement'; agreement: Agreement }
  | { kind: 'change_charter'; charter: Charter };
export type ProposedChange = Exclude<GroupChange, { kind: 'create' }>;
export type ChangeKind = GroupChange['kind'];

export interface GroupProposal {
  id: string;
  author: string;
  created_at: string;
  change: GroupChange;
  status: ProposalStatus;
  /** The nodes whose consent counts. */
  voters: string[];
  /** How many voters must consent. */
  needed: number;
  /** A node being added, who must accept too. */
  invitee: string | null;
  consents: string[];
  refusals: { node: string; reason?: string }[];
  decided_at: string | null;
  void_reason: string | null;
  /** This node is asked and has not answered yet. */
  awaiting_me: boolean;
}

/** A group as GET /api/v1/groups lists it: the state folded from its signed events. */
export interface Group {
  id: string;
  status: GroupStatus;
  name: string | null;
  level: GroupLevel | null;
  charter: Charter;
  agreement: Agreement | null;
  founder: string | null;
  members: string[];
  my_role: GroupRole;
  proposals: GroupProposal[];
  membership: { at: string; node: string; change: 'joined' | 'left'; proposal_id: string }[];
}

/** One signed event of a group's history. */
export interface GroupHistoryEntry {
  event_id: string;
  type: 'proposal' | 'consent' | 'refusal';
  kind: ChangeKind | null;
  proposal_id: string | null;
  author: string;
  created_at: string;
  received_at: string;
  /** False when the fold ignores the event (a proposal by a non-member, a second founding). */
  counted: boolean;
  signature: { suite: string; key: string; value: string };
  envelope: unknown;
}

export interface GroupDetail extends Group {
  history: GroupHistoryEntry[];
}

export interface NewGroup {
  name: string;
  level: GroupLevel;
  charter?: Charter;
  agreement: Agreement;
  /** The other nodes invited; this node is the founder. */
  members: string[];
}

/** Roles of directory contacts (the 24/7 network, CERTs, diplomacy, mutual legal assistance). */
export const CONTACT_ROLES = ['law_enforcement_24_7', 'technical_cert', 'diplomatic', 'central_authority'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export const FRESHNESS = ['valid', 'expiring', 'stale', 'expired'] as const;
export type Freshness = (typeof FRESHNESS)[number];
/** Names by language code (`{ en: …, ru: … }`). */
export type LocalNames = Record<string, string>;

export interface ContactChannel {
  kind: 'phone' | 'email' | 'accord';
  value: string;
}

export interface ContactHours {
  always: boolean;
  /** ISO weekdays, 1 = Monday. */
  days?: number[];
  from?: string;
  to?: string;
}

export interface DirectoryContact {
  id: string;
  role: ContactRole;
  names: LocalNames;
  languages: string[];
  hours: ContactHours;
  channels: ContactChannel[];
  escalation_order?: number;
}

export interface DirectoryEntryInput {
  authority_names: LocalNames;
  authority_kinds: string[];
  time_zone: string;
  languages: string[];
  contacts: DirectoryContact[];
  valid_days?: number;
  /** Publish to these groups' members; all active peers when absent. */
  groups?: string[];
}

export interface DirectoryEntry extends Omit<DirectoryEntryInput, 'valid_days' | 'groups'> {
  node_id: string;
  country: string;
  version: number;
  published_at: string;
  valid_until: string;
}

export interface DirectoryListing {
  entry: DirectoryEntry;
  own: boolean;
  freshness: Freshness;
  received_at: string;
  signed_by: string | null;
}

export interface PublishedListing extends DirectoryListing {
  published_to: string[];
}

export interface DirectoryFilters {
  q?: string;
  country?: string;
  kind?: string;
  group?: string;
  freshness?: Freshness | '';
}

export type PingTestStatus = 'pending' | 'answered' | 'unanswered';
export type PingTestDirection = 'outgoing' | 'incoming';

/** A ping test this node sent (outgoing) or was asked to answer (incoming). */
export interface PingTest {
  id: string;
  direction: PingTestDirection;
  peer_node: string;
  started_at: string;
  deadline_at: string;
  window_minutes: number;
  status: PingTestStatus;
  escalation_level: number;
  confirmed_at: string | null;
  confirmed_by: string | null;
  response_ms: number | null;
  /** Whether the peer answers federation traffic now; null while unknown (absent from older nodes). */
  peer_reachable?: boolean | null;
  /** How fresh the peer's directory entry is here; null when none was received. */
  peer_freshness?: Freshness | null;
}

/** Results of the ping tests of one node or group; the rate is 0..1, null before any test closed. */
export interface PingStats {
  sent: number;
  answered: number;
  unanswered: number;
  pending: number;
  response_rate: number | null;
  median_ms: number | null;
  p90_ms: number | null;
}

export interface PingTestStats {
  nodes: Record<string, PingStats>;
  groups: Record<string, PingStats>;
}

/** What to test: one node or every member of a group. */
export type PingTarget = { node_id: string } | { group_id: string };

/** Ping tests repeated at an interval, of one node or of every member of a group. */
export interface PingSchedule {
  id: string;
  node_id: string | null;
  group_id: string | null;
  interval_days: number;
  window_minutes: number;
  next_run_at: string;
  last_run_at: string | null;
  created_by: string;
  created_at: string;
}

export type NewPingSchedule = PingTarget & { interval_days: number; window_minutes?: number; first_run_at?: string };

export const HISTORY_BUCKETS = ['month', 'quarter'] as const;
export type HistoryBucket = (typeof HISTORY_BUCKETS)[number];

/** The ping tests of one period (`2026-11` or `2026-Q4`); rate 0..1 and times null before any test closed. */
export interface PingHistoryPoint {
  period: string;
  started: number;
  answered: number;
  unanswered: number;
  pending: number;
  response_rate: number | null;
  median_ms: number | null;
  p90_ms: number | null;
}

export interface PingHistorySeries {
  /** `node:<id>` or `group:<id>`. */
  key: string;
  kind: 'node' | 'group';
  id: string;
  points: PingHistoryPoint[];
}

export interface PingHistory {
  bucket: HistoryBucket;
  series: PingHistorySeries[];
}

/** The events that notify people, in the order the preferences show them (the server may add more). */
export const NOTIFICATION_KINDS = ['ping_test.request', 'ping_test.escalation', 'ping_test.result', 'directory.expiring', 'case.deadline', 'notification.test'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const CHANNEL_PREFERENCES = ['email', 'webhook', 'both', 'none'] as const;
export type ChannelPreference = (typeof CHANNEL_PREFERENCES)[number];

/** The signed-in user's channel per kind and webhook; `webhook_secret` only right after one was generated. */
export interface NotificationPreferences {
  kinds: Record<string, ChannelPreference>;
  webhook_url: string | null;
  webhook_secret_set: boolean;
  webhook_secret?: string;
}

export interface NotificationPreferencesChange {
  kinds?: Record<string, ChannelPreference>;
  /** null removes the webhook. */
  webhook_url?: string | null;
}

export type NotificationChannel = 'email' | 'webhook' | 'none';
export type NotificationState = 'pending' | 'sent' | 'failed' | 'skipped';

/** One recorded notification: one channel of one event for one user. */
export interface NotificationRecord {
  id: string;
  user_id: string | null;
  kind: string;
  channel: NotificationChannel;
  recipient: string;
  subject: string;
  text: string;
  link: string | null;
  data: Record<string, unknown>;
  state: NotificationState;
  attempts: number;
  next_attempt_at: string | null;
  /** The SMTP server's reply, `HTTP <status>`, or why it was skipped. */
  response: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NotificationPage {
  notifications: NotificationRecord[];
  next_before: string | null;
}
