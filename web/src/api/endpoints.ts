import { api } from './client.js';
import type {
  ApiToken,
  AuditPage,
  DirectoryEntryInput,
  DirectoryFilters,
  DirectoryListing,
  Group,
  GroupDetail,
  HistoryBucket,
  NewGroup,
  NewPingSchedule,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesChange,
  NotificationRecord,
  AuditVerification,
  NodeInfo,
  Peer,
  PeerRecord,
  PingHistory,
  PingResult,
  PingSchedule,
  PingTarget,
  PingTest,
  PingTestDirection,
  PingTestStats,
  ProposedChange,
  PublishedListing,
  Role,
  SessionInfo,
  Stage,
  TotpEnrolment,
  User,
  UserWithPassword,
} from './types.js';

/** Typed calls to the node's API, one per route the web app uses. */
export const auth = {
  signIn: (email: string, password: string) => api.post<SessionInfo>('/api/v1/auth/sign-in', { email, password }, { quiet401: true }),
  session: () => api.get<SessionInfo>('/api/v1/auth/session', { quiet401: true }),
  secondFactor: (input: { code: string } | { recovery_code: string }) => api.post<{ stage: Stage }>('/api/v1/auth/second-factor', input, { quiet401: true }),
  changePassword: (current_password: string, new_password: string) =>
    api.post<{ stage: Stage }>('/api/v1/auth/password', { current_password, new_password }, { quiet401: true }),
  startTotpEnrolment: () => api.post<TotpEnrolment>('/api/v1/auth/totp/enrolment'),
  confirmTotpEnrolment: (code: string) => api.post<{ stage: Stage; recovery_codes: string[] }>('/api/v1/auth/totp/enrolment/confirm', { code }, { quiet401: true }),
  signOut: () => api.post<void>('/api/v1/auth/sign-out', undefined, { quiet401: true }),
};

export const node = {
  info: () => api.get<NodeInfo>('/api/v1/node'),
};

export const users = {
  list: () => api.get<User[]>('/api/v1/users'),
  create: (input: { email: string; display_name: string; role: Role }) => api.post<UserWithPassword>('/api/v1/users', input),
  update: (id: string, patch: { display_name?: string; role?: Role; disabled?: boolean }) => api.patch<User>(`/api/v1/users/${encodeURIComponent(id)}`, patch),
  reset: (id: string, resetTotp: boolean) => api.post<UserWithPassword>(`/api/v1/users/${encodeURIComponent(id)}/reset`, { reset_totp: resetTotp }),
};

export const tokens = {
  list: () => api.get<ApiToken[]>('/api/v1/tokens'),
  create: (name: string, expiresInDays?: number) =>
    api.post<{ token: string; record: ApiToken }>('/api/v1/tokens', expiresInDays === undefined ? { name } : { name, expires_in_days: expiresInDays }),
  revoke: (id: string) => api.delete<ApiToken>(`/api/v1/tokens/${encodeURIComponent(id)}`),
};

export const audit = {
  page: (limit: number, before?: number) => api.get<AuditPage>(`/api/v1/audit?limit=${limit}${before === undefined ? '' : `&before=${before}`}`),
  verify: () => api.get<AuditVerification>('/api/v1/audit/verify'),
};

const peerPath = (id: string) => `/api/v1/peers/${encodeURIComponent(id)}`;

export const peers = {
  list: () => api.get<Peer[]>('/api/v1/peers'),
  add: (url: string, fingerprint: string) => api.post<PeerRecord>('/api/v1/peers', { url, fingerprint }),
  suspend: (id: string) => api.post<PeerRecord>(`${peerPath(id)}/suspend`),
  resume: (id: string) => api.post<PeerRecord>(`${peerPath(id)}/resume`),
  retry: (id: string) => api.post<PeerRecord>(`${peerPath(id)}/retry`),
  remove: (id: string) => api.delete<PeerRecord>(peerPath(id)),
  ping: (id: string) => api.post<PingResult>(`${peerPath(id)}/ping`),
  sendNotice: (id: string, subject: string, text: string) => api.post<{ message_ids: string[] }>(`${peerPath(id)}/notices`, { subject, text }),
};

const groupPath = (id: string) => `/api/v1/groups/${encodeURIComponent(id)}`;
const proposalPath = (id: string, pid: string) => `${groupPath(id)}/proposals/${encodeURIComponent(pid)}`;

export const groups = {
  list: () => api.get<Group[]>('/api/v1/groups'),
  get: (id: string) => api.get<GroupDetail>(groupPath(id)),
  create: (input: NewGroup) => api.post<GroupDetail>('/api/v1/groups', input),
  propose: (id: string, change: ProposedChange) => api.post<GroupDetail & { proposal_id: string }>(`${groupPath(id)}/proposals`, change),
  consent: (id: string, pid: string) => api.post<GroupDetail>(`${proposalPath(id, pid)}/consent`),
  refuse: (id: string, pid: string, reason?: string) => api.post<GroupDetail>(`${proposalPath(id, pid)}/refuse`, reason ? { reason } : {}),
};

/** The query string of the directory's filters (empty ones left out), with extra parameters. */
export function directoryQuery(filters: DirectoryFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (typeof v === 'string' && v.trim()) params.set(k, v.trim());
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

export const directory = {
  search: (filters: DirectoryFilters) => api.get<DirectoryListing[]>(`/api/v1/directory${directoryQuery(filters)}`),
  /** A download link (cookies authenticate GETs): CSV or JSON of the filtered directory, names in `lang`. */
  exportUrl: (filters: DirectoryFilters, format: 'csv' | 'json', lang: string) => `/api/v1/directory/export${directoryQuery(filters, { format, lang })}`,
  own: () => api.get<DirectoryListing | null>('/api/v1/directory/own'),
  publish: (input: DirectoryEntryInput) => api.put<PublishedListing>('/api/v1/directory/own', input),
  confirm: (validDays?: number) => api.post<PublishedListing>('/api/v1/directory/own/confirm', validDays ? { valid_days: validDays } : {}),
  node: (id: string) => api.get<DirectoryListing>(`/api/v1/directory/nodes/${encodeURIComponent(id)}`),
};

export const pingTests = {
  list: (direction?: PingTestDirection) => api.get<PingTest[]>(`/api/v1/ping-tests${direction ? `?direction=${direction}` : ''}`),
  stats: () => api.get<PingTestStats>('/api/v1/ping-tests/stats'),
  start: (target: PingTarget, windowMinutes: number) => api.post<PingTest[]>('/api/v1/ping-tests', { ...target, window_minutes: windowMinutes }),
  confirm: (id: string) => api.post<PingTest>(`/api/v1/ping-tests/${encodeURIComponent(id)}/confirm`),
  history: (bucket: HistoryBucket) => api.get<PingHistory>(`/api/v1/ping-tests/history?bucket=${bucket}`),
  /** A download link (cookies authenticate GETs): every ping test as CSV or JSON. */
  exportUrl: (format: 'csv' | 'json') => `/api/v1/ping-tests/export?format=${format}`,
};

export const pingSchedules = {
  list: () => api.get<PingSchedule[]>('/api/v1/ping-schedules'),
  create: (input: NewPingSchedule) => api.post<PingSchedule>('/api/v1/ping-schedules', input),
  remove: (id: string) => api.delete<void>(`/api/v1/ping-schedules/${encodeURIComponent(id)}`),
};

export const notifications = {
  /** The signed-in user's notifications, newest first. */
  list: (limit: number) => api.get<NotificationPage>(`/api/v1/notifications?limit=${limit}`),
  preferences: () => api.get<NotificationPreferences>('/api/v1/notifications/preferences'),
  setPreferences: (change: NotificationPreferencesChange) => api.put<NotificationPreferences>('/api/v1/notifications/preferences', change),
  rotateWebhookSecret: () => api.post<{ webhook_secret: string }>('/api/v1/notifications/webhook-secret'),
  sendTest: () => api.post<{ notifications: NotificationRecord[] }>('/api/v1/notifications/test'),
};
