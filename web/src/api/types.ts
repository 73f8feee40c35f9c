/**
 * Shapes of the node's HTTP API, taken from the types generated out of the OpenAPI document
 * (schema.ts, `npm run gen:api`): nothing here restates a field. The few lists below are the
 * UI's (display order); each is checked against the API's union.
 */
import type { components, paths } from './schema.js';

export type { paths };
export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
/** The API's paths that take this method. */
export type PathOf<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined ? never : P }[keyof paths];
type Op<P extends PathOf<M>, M extends Method> = NonNullable<paths[P][M]>;
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : undefined;
/** The JSON of a call's success response (undefined for 204). */
export type Res<P extends PathOf<M>, M extends Method> = Op<P, M> extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202 | 204>]> : never;
/** The JSON body a call takes (undefined when it takes none). */
export type Body<P extends PathOf<M>, M extends Method> = Op<P, M> extends { requestBody?: infer R } ? (R extends { content: { 'application/json': infer B } } ? B : undefined) : undefined;
/** A call's path parameters (`{ id }`), its query parameters. */
export type PathParams<P extends PathOf<M>, M extends Method> = Op<P, M> extends { parameters: { path: infer T } } ? T : undefined;
export type Query<P extends PathOf<M>, M extends Method> = NonNullable<Op<P, M>['parameters']['query']>;

/** Every value of `T`, in the order given: adding a value to the API without listing it here fails to compile. */
const every =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L =>
    list;

/** RFC 9457 problem details, as every error of the API is returned. */
export type Problem = components['schemas']['Problem'];

// auth
export type User = Res<'/api/v1/users', 'get'>[number];
export type Role = User['role'];
export const ROLES = every<Role>()(['admin', 'coordinator', 'officer', 'analyst', 'auditor']);
export type SessionInfo = Res<'/api/v1/auth/session', 'get'>;
export type Stage = SessionInfo['stage'];
export type TotpEnrolment = Res<'/api/v1/auth/totp/enrolment', 'post'>;
export type UserWithPassword = Res<'/api/v1/users', 'post'>;
export type ApiToken = Res<'/api/v1/tokens', 'get'>[number];

// node, audit
export type NodeInfo = Res<'/api/v1/node', 'get'>;
export type AuditPage = Res<'/api/v1/audit', 'get'>;
export type AuditEntry = AuditPage['entries'][number];
export type AuditVerification = Res<'/api/v1/audit/verify', 'get'>;

// federation
/** A peer with its delivery state, as GET /api/v1/peers lists it. */
export type Peer = Res<'/api/v1/peers', 'get'>[number];
export type PeerStatus = Peer['status'];
/** A peer as the actions on it return it: without the delivery state. */
export type PeerRecord = Res<'/api/v1/peers', 'post'>;
export type PingResult = Res<'/api/v1/peers/{id}/ping', 'post'>;
/** A peer's signed receipt for a batch of messages. */
export type Receipt = PingResult['receipt'];

// groups
/** A group as GET /api/v1/groups lists it: the state folded from its signed events. */
export type Group = Res<'/api/v1/groups', 'get'>[number];
export type GroupDetail = Res<'/api/v1/groups/{id}', 'get'>;
export type GroupStatus = Group['status'];
export type GroupRole = Group['my_role'];
export type NewGroup = Body<'/api/v1/groups', 'post'>;
export type GroupLevel = NewGroup['level'];
export const GROUP_LEVELS = every<GroupLevel>()(['bilateral', 'regional', 'global']);
/** The legal instrument behind a group and what it allows; every list is an allow-list (`*` allows anything). */
export type Agreement = NonNullable<Group['agreement']>;
export type Charter = Group['charter'];
export type Quorum = Charter['quorum'];
export type GroupProposal = Group['proposals'][number];
export type ProposalStatus = GroupProposal['status'];
export type GroupChange = GroupProposal['change'];
export type ChangeKind = GroupChange['kind'];
export type ProposedChange = Body<'/api/v1/groups/{id}/proposals', 'post'>;
/** One signed event of a group's history. */
export type GroupHistoryEntry = GroupDetail['history'][number];

// directory
export type DirectoryListing = Res<'/api/v1/directory', 'get'>[number];
export type DirectoryEntry = DirectoryListing['entry'];
export type PublishedListing = Res<'/api/v1/directory/own', 'put'>;
export type DirectoryEntryInput = Body<'/api/v1/directory/own', 'put'>;
export type DirectoryContact = DirectoryEntryInput['contacts'][number];
/** Roles of directory contacts (the 24/7 network, CERTs, diplomacy, mutual legal assistance). */
export type ContactRole = DirectoryContact['role'];
export const CONTACT_ROLES = every<ContactRole>()(['law_enforcement_24_7', 'technical_cert', 'diplomatic', 'central_authority']);
export type ContactChannel = DirectoryContact['channels'][number];
export type ContactHours = DirectoryContact['hours'];
/** Names by language code (`{ en: …, ru: … }`). */
export type LocalNames = DirectoryEntry['authority_names'];
export type Freshness = DirectoryListing['freshness'];
export const FRESHNESS = every<Freshness>()(['valid', 'expiring', 'stale', 'expired']);
/** The directory search form: the query of GET /api/v1/directory, '' for "any freshness". */
export type DirectoryFilters = Omit<Query<'/api/v1/directory', 'get'>, 'freshness'> & { freshness?: Freshness | '' };

// ping tests
/** A ping test this node sent (outgoing) or was asked to answer (incoming). */
export type PingTest = Res<'/api/v1/ping-tests', 'get'>[number];
/** A ping test as starting and confirming return it: without the peer's state. */
export type PingTestRecord = Res<'/api/v1/ping-tests/{id}/confirm', 'post'>;
export type PingTestStatus = PingTest['status'];
export type PingTestDirection = NonNullable<Query<'/api/v1/ping-tests', 'get'>['direction']>;
export type PingTestStats = Res<'/api/v1/ping-tests/stats', 'get'>;
/** Results of the ping tests of one node or group; the rate is 0..1, null before any test closed. */
export type PingStats = PingTestStats['nodes'][string];
/** What to test: one node or every member of a group (one of the two). */
export type PingTarget = Pick<Body<'/api/v1/ping-tests', 'post'>, 'node_id' | 'group_id'>;
/** Ping tests repeated at an interval, of one node or of every member of a group. */
export type PingSchedule = Res<'/api/v1/ping-schedules', 'get'>[number];
export type NewPingSchedule = Body<'/api/v1/ping-schedules', 'post'>;
export type PingHistory = Res<'/api/v1/ping-tests/history', 'get'>;
export type HistoryBucket = PingHistory['bucket'];
export const HISTORY_BUCKETS = every<HistoryBucket>()(['month', 'quarter']);
export type PingHistorySeries = PingHistory['series'][number];
/** The ping tests of one period (`2026-11` or `2026-Q4`); rate 0..1 and times null before any test closed. */
export type PingHistoryPoint = PingHistorySeries['points'][number];

// notifications
/** The signed-in user's channel per kind and webhook; `webhook_secret` only right after one was generated. */
export type NotificationPreferences = Res<'/api/v1/notifications/preferences', 'get'>;
export type NotificationPreferencesChange = Body<'/api/v1/notifications/preferences', 'put'>;
export type NotificationKind = keyof NotificationPreferences['kinds'];
/** The events that notify people, in the order the preferences show them (a newer server may add more). */
export const NOTIFICATION_KINDS = every<NotificationKind>()(['ping_test.request', 'ping_test.escalation', 'ping_test.result', 'directory.expiring', 'cases.received', 'cases.unacknowledged', 'cases.preservation_expiring', 'case.deadline', 'notification.test']);
export type ChannelPreference = NotificationPreferences['kinds'][NotificationKind];
export const CHANNEL_PREFERENCES = every<ChannelPreference>()(['email', 'webhook', 'both', 'none']);
export type NotificationPage = Res<'/api/v1/notifications', 'get'>;
/** One recorded notification: one channel of one event for one user. */
export type NotificationRecord = NotificationPage['notifications'][number];
export type NotificationChannel = NotificationRecord['channel'];
export type NotificationState = NotificationRecord['state'];

export type EmailStatus = Res<'/api/v1/notifications/email-status', 'get'>;
export type SmtpSettings = Res<'/api/v1/notifications/smtp', 'get'>;
export type SmtpSettingsChange = Body<'/api/v1/notifications/smtp', 'put'>;
export type SmtpSecurity = SmtpSettingsChange['security'];
/** The choices of the mail server form, in display order. */
export const SMTP_SECURITIES = every<SmtpSecurity>()(['starttls', 'tls', 'none']);
export type SmtpTestResult = Res<'/api/v1/notifications/smtp/test', 'post'>;

// cases
/** A case as GET /api/v1/cases lists it: this node's projection of the signed event log. */
export type CaseList = Res<'/api/v1/cases', 'get'>;
export type CaseSummary = CaseList['cases'][number];
export type CaseFilters = Query<'/api/v1/cases', 'get'>;
export type CaseDirection = CaseSummary['direction'];
export type CaseSort = NonNullable<CaseFilters['sort']>;
export const CASE_SORTS = every<CaseSort>()(['updated', 'opened', 'due']);
export type CaseStatus = CaseSummary['status'];
export const CASE_STATUSES = every<CaseStatus>()(['sent', 'acknowledged', 'information_requested', 'accepted', 'preserved', 'partially_executed', 'executed', 'postponed', 'conditions_offered', 'conditions_declined', 'handed_over', 'refused', 'withdrawn', 'closed', 'unknown']);
/** A case with its state, deadlines, the actions open to this node and the signed history. */
export type CaseDetail = Res<'/api/v1/cases/{id}', 'get'>;
export type CaseHistoryEntry = CaseDetail['history'][number];
export type CaseParty = CaseDetail['my_party'];
/** What a request says: the draft's content and the opening event's. */
export type RequestContent = CaseDetail['request'];
export type CasePriority = RequestContent['priority'];
export const CASE_PRIORITIES = every<CasePriority>()(['routine', 'urgent', 'emergency']);
export type CaseHandling = RequestContent['handling'];
export type OnwardUse = CaseHandling['onward'];
export const ONWARD_USES = every<OnwardUse>()(['none', 'with_consent', 'free']);
export type CaseFieldValue = RequestContent['fields'][string];
export type CaseTranslation = RequestContent['translations'][number];
export type CaseDraft = Res<'/api/v1/cases/drafts/{id}', 'get'>;
export type DraftProblem = CaseDraft['problems'][number];
export type CaseActionInput = Body<'/api/v1/cases/{id}/actions', 'post'>;
export type CaseAction = CaseActionInput['action'];
export const CASE_ACTIONS = every<CaseAction>()(['acknowledge', 'preserve', 'execute', 'accept', 'ask_information', 'add_information', 'postpone', 'offer_conditions', 'accept_conditions', 'decline_conditions', 'refuse', 'hand_over', 'extend', 'withdraw', 'close', 'message']);
/** What a peer's agreements allow: request types and languages (`*` allows anything; absent: no agreement says). */
export type RequestedSide = Res<'/api/v1/cases/requested-side/{node}', 'get'>;
export type CaseStatistics = Res<'/api/v1/cases/statistics', 'get'>;
export type CaseStatisticsRow = CaseStatistics['rows'][number];
