import { api } from './client.js';
import type { Body, DirectoryFilters, HistoryBucket, PingTarget, PingTestDirection, Query } from './types.js';

/** Typed calls to the node's API, one per route the web app uses; paths, parameters, bodies and results come from the OpenAPI document. */
export const auth = {
  signIn: (email: string, password: string) => api.post('/api/v1/auth/sign-in', { body: { email, password }, quiet401: true }),
  session: () => api.get('/api/v1/auth/session', { quiet401: true }),
  secondFactor: (input: Body<'/api/v1/auth/second-factor', 'post'>) => api.post('/api/v1/auth/second-factor', { body: input, quiet401: true }),
  /** Without `current_password` only in the forced change right after a one-time-password sign-in. */
  changePassword: (current_password: string | undefined, new_password: string) =>
    api.post('/api/v1/auth/password', { body: current_password === undefined ? { new_password } : { current_password, new_password }, quiet401: true }),
  startTotpEnrolment: () => api.post('/api/v1/auth/totp/enrolment', { body: {} }),
  confirmTotpEnrolment: (code: string) => api.post('/api/v1/auth/totp/enrolment/confirm', { body: { code }, quiet401: true }),
  signOut: () => api.post('/api/v1/auth/sign-out', { quiet401: true }),
};

export const node = {
  info: () => api.get('/api/v1/node'),
};

export const users = {
  list: () => api.get('/api/v1/users'),
  create: (input: Body<'/api/v1/users', 'post'>) => api.post('/api/v1/users', { body: input }),
  update: (id: string, patch: Body<'/api/v1/users/{id}', 'patch'>) => api.patch('/api/v1/users/{id}', { path: { id }, body: patch }),
  reset: (id: string, resetTotp: boolean) => api.post('/api/v1/users/{id}/reset', { path: { id }, body: { reset_totp: resetTotp } }),
};

export const tokens = {
  list: () => api.get('/api/v1/tokens'),
  create: (name: string, expiresInDays?: number) => api.post('/api/v1/tokens', { body: expiresInDays === undefined ? { name } : { name, expires_in_days: expiresInDays } }),
  revoke: (id: string) => api.delete('/api/v1/tokens/{id}', { path: { id } }),
};

export const audit = {
  page: (limit: number, before?: number) => api.get('/api/v1/audit', { query: { limit, before } }),
  verify: () => api.get('/api/v1/audit/verify'),
};

export const peers = {
  list: () => api.get('/api/v1/peers'),
  add: (url: string, fingerprint: string) => api.post('/api/v1/peers', { body: { url, fingerprint } }),
  suspend: (id: string) => api.post('/api/v1/peers/{id}/suspend', { path: { id } }),
  resume: (id: string) => api.post('/api/v1/peers/{id}/resume', { path: { id } }),
  retry: (id: string) => api.post('/api/v1/peers/{id}/retry', { path: { id } }),
  remove: (id: string) => api.delete('/api/v1/peers/{id}', { path: { id } }),
  ping: (id: string) => api.post('/api/v1/peers/{id}/ping', { path: { id } }),
  sendNotice: (id: string, subject: string, text: string) => api.post('/api/v1/peers/{id}/notices', { path: { id }, body: { subject, text } }),
};

export const groups = {
  list: () => api.get('/api/v1/groups'),
  get: (id: string) => api.get('/api/v1/groups/{id}', { path: { id } }),
  create: (input: Body<'/api/v1/groups', 'post'>) => api.post('/api/v1/groups', { body: input }),
  propose: (id: string, change: Body<'/api/v1/groups/{id}/proposals', 'post'>) => api.post('/api/v1/groups/{id}/proposals', { path: { id }, body: change }),
  consent: (id: string, pid: string) => api.post('/api/v1/groups/{id}/proposals/{pid}/consent', { path: { id, pid } }),
  refuse: (id: string, pid: string, reason?: string) => api.post('/api/v1/groups/{id}/proposals/{pid}/refuse', { path: { id, pid }, body: reason ? { reason } : {} }),
};

/** The directory's filters without the empty ones, trimmed. */
function present(filters: DirectoryFilters | Record<string, string>): Query<'/api/v1/directory', 'get'> {
  return Object.fromEntries(Object.entries(filters).flatMap(([k, v]) => (typeof v === 'string' && v.trim() ? [[k, v.trim()]] : [])));
}

/** The query string of the directory's filters (empty ones left out), with extra parameters. */
export function directoryQuery(filters: DirectoryFilters, extra: Record<string, string> = {}): string {
  const qs = new URLSearchParams({ ...present(filters), ...present(extra) }).toString();
  return qs ? `?${qs}` : '';
}

export const directory = {
  search: (filters: DirectoryFilters) => api.get('/api/v1/directory', { query: present(filters) }),
  /** A download link (cookies authenticate GETs): CSV or JSON of the filtered directory, names in `lang`. */
  exportUrl: (filters: DirectoryFilters, format: 'csv' | 'json', lang: string) => `/api/v1/directory/export${directoryQuery(filters, { format, lang })}`,
  own: () => api.get('/api/v1/directory/own'),
  publish: (input: Body<'/api/v1/directory/own', 'put'>) => api.put('/api/v1/directory/own', { body: input }),
  confirm: (validDays?: number) => api.post('/api/v1/directory/own/confirm', { body: validDays ? { valid_days: validDays } : {} }),
  node: (id: string) => api.get('/api/v1/directory/nodes/{id}', { path: { id } }),
};

export const pingTests = {
  list: (direction?: PingTestDirection) => api.get('/api/v1/ping-tests', { query: direction ? { direction } : {} }),
  stats: () => api.get('/api/v1/ping-tests/stats'),
  start: (target: PingTarget, windowMinutes: number) => api.post('/api/v1/ping-tests', { body: { ...target, window_minutes: windowMinutes } }),
  confirm: (id: string) => api.post('/api/v1/ping-tests/{id}/confirm', { path: { id } }),
  history: (bucket: HistoryBucket) => api.get('/api/v1/ping-tests/history', { query: { bucket } }),
  /** A download link (cookies authenticate GETs): every ping test as CSV or JSON. */
  exportUrl: (format: 'csv' | 'json') => `/api/v1/ping-tests/export?format=${format}`,
};

export const pingSchedules = {
  list: () => api.get('/api/v1/ping-schedules'),
  create: (input: Body<'/api/v1/ping-schedules', 'post'>) => api.post('/api/v1/ping-schedules', { body: input }),
  remove: (id: string) => api.delete('/api/v1/ping-schedules/{id}', { path: { id } }),
};

export const notifications = {
  /** The signed-in user's notifications, newest first. */
  list: (limit: number) => api.get('/api/v1/notifications', { query: { limit } }),
  preferences: () => api.get('/api/v1/notifications/preferences'),
  setPreferences: (change: Body<'/api/v1/notifications/preferences', 'put'>) => api.put('/api/v1/notifications/preferences', { body: change }),
  rotateWebhookSecret: () => api.post('/api/v1/notifications/webhook-secret'),
  sendTest: () => api.post('/api/v1/notifications/test'),
  /** Whether this node can send e-mail (every user). */
  emailStatus: () => api.get('/api/v1/notifications/email-status'),
  /** The node's mail server (administrators); the password is never returned. */
  smtp: () => api.get('/api/v1/notifications/smtp'),
  setSmtp: (settings: Body<'/api/v1/notifications/smtp', 'put'>) => api.put('/api/v1/notifications/smtp', { body: settings }),
  removeSmtp: () => api.delete('/api/v1/notifications/smtp'),
  testSmtp: (to: string) => api.post('/api/v1/notifications/smtp/test', { body: { to } }),
};
