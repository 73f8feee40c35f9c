import { eventKey, foldEvents } from '../federation/event-log/event-log.rules.js';
import type { Agreement } from './agreements.js';
import type { AgreementSource, Change, Charter, GroupLevel, Quorum } from './groups.schemas.js';

/**
 * The state of a group as a pure fold over its signed events.
 *
 * Algorithm: deduplicate events by (author, id), sort them by (created_at, id, author) — the
 * fold order of the shared event log (src/federation/event-log) — and apply them one by one.
 * A proposal opens; a consent or refusal is recorded against its proposal (even if the
 * proposal sorts later, which clock skew between nodes can cause; a node's first answer
 * counts). An answer names the proposal's author and body digest (v2) and counts for that
 * proposal only: another node's proposal under the same id never collects it. A v1 answer
 * names the id alone and counts only when the events hold a single proposal body under that
 * id (ids are the author's choice, so another node could reuse one). After every event,
 * each open proposal in order is checked against the *current* members and charter: adopted
 * when enough voters consented (and every invitee accepted), refused when that can no longer
 * happen, void when it no longer makes sense (adding a member twice). An adoption changes the
 * members, so the check restarts until nothing moves. Because the result depends only on the
 * set of events, every node that holds the same events computes the same state, whatever the
 * order or duplication of delivery.
 *
 * Who must agree:
 * - create: every invitee (the founder's consent is its proposal). Nobody owns the group after.
 * - add_member X: the charter quorum of the members, and X itself.
 * - remove_member X: the charter quorum of the members other than X; X does not consent to its
 *   own removal (else a member could never be removed against its will).
 * - change_agreement, change_charter: the charter quorum of the members.
 * The proposer's consent is implicit. Quorum `all` means every voter; `at_least n` means n of
 * them, capped at the number of voters so that a group that shrank does not deadlock.
 */

/** Which proposal an answer is for, beyond its id: the proposal's author and body digest. */
export interface ProposalRef {
  author: string;
  digest: string;
}

export type GroupEvent =
  | { type: 'proposal'; id: string; author: string; created_at: string; change: Change; digest: string }
  | { type: 'consent'; id: string; author: string; created_at: string; proposal_id: string; proposal?: ProposalRef }
  | { type: 'refusal'; id: string; author: string; created_at: string; proposal_id: string; proposal?: ProposalRef; reason?: string };

export const ProposalStatus = { open: 'open', adopted: 'adopted', refused: 'refused', void: 'void' } as const;
export type ProposalStatus = (typeof ProposalStatus)[keyof typeof ProposalStatus];

export interface ProposalState {
  id: string;
  author: string;
  created_at: string;
  /** SHA-256 of the RFC 8785 form of the signed proposal body: what answers name. */
  digest: string;
  change: Change;
  status: ProposalStatus;
  /** The nodes whose consent counts, as of the last event. */
  voters: string[];
  /** How many voters must consent. */
  needed: number;
  /** A node being added, who must accept too. */
  invitee: string | null;
  /** The proposer and every voter or invitee that consented, sorted. */
  consents: string[];
  refusals: { node: string; reason?: string }[];
  decided_at: string | null;
  void_reason: string | null;
}

export const GroupStatus = { unknown: 'unknown', proposed: 'proposed', active: 'active', refused: 'refused' } as const;
export type GroupStatus = (typeof GroupStatus)[keyof typeof GroupStatus];

export interface MembershipChange {
  at: string;
  node: string;
  change: 'joined' | 'left';
  proposal_id: string;
}

/** One agreement the group had in force, from its founding or an adopted change, until the next. */
export interface AgreementInForce {
  agreement: Agreement;
  since: string;
  /** When the next agreement replaced it; null while in force. */
  until: string | null;
  proposal_id: string;
  /** Who proposed it (the founder for the first). */
  author: string;
  /** The adopted joint agreement it came from, when it did. */
  source: AgreementSource | null;
}

export interface GroupState {
  status: GroupStatus;
  name: string | null;
  level: GroupLevel | null;
  charter: Charter;
  agreement: Agreement | null;
  /** The agreements in force over time, oldest first: the last is the current one. */
  agreements: AgreementInForce[];
  founder: string | null;
  members: string[];
  proposals: ProposalState[];
  membership: MembershipChange[];
  /** Keys (eventKey) of events that take no part: proposals by non-members, a second founding proposal. */
  ignored: string[];
}

const DEFAULT_CHARTER: Charter = { quorum: { kind: 'all' } };

export function quorumNeeded(q: Quorum, voters: number): number {
  return q.kind === 'all' ? voters : Math.min(q.n, voters);
}

function sorted(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/** Why a proposal makes no sense against the state, or null when it does. */
export function changeProblem(s: Pick<GroupState, 'status' | 'level' | 'members'>, author: string, change: Change): string | null {
  if (change.kind === 'create') {
    const invitees = change.invitees.filter((n) => n !== author);
    if (invitees.length === 0) return 'a group needs at least one member besides its founder';
    if (change.level === 'bilateral' && invitees.length !== 1) return 'a bilateral group has exactly two members';
    if (change.charter.quorum.kind === 'at_least' && change.charter.quorum.n > invitees.length + 1) return `the quorum (${change.charter.quorum.n}) is larger than the group (${invitees.length + 1})`;
    return null;
  }
  if (s.status !== 'active') return 'the group is not active';
  if (!s.members.includes(author)) return `${author} is not a member`;
  switch (change.kind) {
    case 'add_member':
      if (s.members.includes(change.node)) return `${change.node} is a member already`;
      if (s.level === 'bilateral') return 'a bilateral group has exactly two members';
      return null;
    case 'remove_member':
      if (!s.members.includes(change.node)) return `${change.node} is not a member`;
      if (s.level === 'bilateral') return 'a bilateral group has exactly two members';
      if (s.members.length <= 2) return 'a group keeps at least two members';
      return null;
    case 'change_charter':
      if (change.charter.quorum.kind === 'at_least' && change.charter.quorum.n > s.members.length) return `the quorum (${change.charter.quorum.n}) is larger than the group (${s.members.length})`;
      return null;
    case 'change_agreement':
      return null;
  }
}

/**
 * An open proposal of this group that would put the same adopted agreement in force as
 * `source`: one at a time, so parallel requests do not send the group two identical proposals.
 */
export function openProposalForSource(s: Pick<GroupState, 'proposals'>, source: AgreementSource): ProposalState | null {
  return s.proposals.find((p) => p.status === 'open' && p.change.kind === 'change_agreement' && p.change.source?.statement_id === source.statement_id) ?? null;
}

function requirement(s: GroupState, p: ProposalState): { voters: string[]; needed: number; invitee: string | null } {
  const c = p.change;
  switch (c.kind) {
    case 'create': {
      const voters = sorted(c.invitees.filter((n) => n !== p.author));
      return { voters, needed: voters.length, invitee: null };
    }
    case 'add_member':
      return { voters: s.members, needed: quorumNeeded(s.charter.quorum, s.members.length), invitee: c.node };
    case 'remove_member': {
      const voters = s.members.filter((m) => m !== c.node);
      return { voters, needed: quorumNeeded(s.charter.quorum, voters.length), invitee: null };
    }
    case 'change_agreement':
    case 'change_charter':
      return { voters: s.members, needed: quorumNeeded(s.charter.quorum, s.members.length), invitee: null };
  }
}

function putInForce(s: GroupState, p: ProposalState, agreement: Agreement, source: AgreementSource | null, at: string): void {
  const last = s.agreements[s.agreements.length - 1];
  if (last) last.until = at;
  s.agreement = agreement;
  s.agreements.push({ agreement, since: at, until: null, proposal_id: p.id, author: p.author, source });
}

function apply(s: GroupState, p: ProposalState, at: string): void {
  const c = p.change;
  const joined = (node: string) => s.membership.push({ at, node, change: 'joined', proposal_id: p.id });
  switch (c.kind) {
    case 'create':
      s.status = 'active';
      s.members = sorted([p.author, ...c.invitees]);
      for (const m of s.members) joined(m);
      putInForce(s, p, c.agreement, null, at);
      return;
    case 'add_member':
      s.members = sorted([...s.members, c.node]);
      joined(c.node);
      return;
    case 'remove_member':
      s.members = s.members.filter((m) => m !== c.node);
      s.membership.push({ at, node: c.node, change: 'left', proposal_id: p.id });
      return;
    case 'change_agreement':
      putInForce(s, p, c.agreement, c.source ?? null, at);
      return;
    case 'change_charter':
      s.charter = c.charter;
      return;
  }
}

type Answers = Map<string, Map<string, { consent: boolean; reason?: string }>>;

function settle(s: GroupState, answers: Answers, at: string): void {
  for (let moved = true; moved; ) {
    moved = false;
    for (const p of s.proposals) {
      if (p.status !== 'open') continue;
      const problem = p.change.kind === 'create' ? null : changeProblem(s, p.author, p.change);
      if (problem) {
        Object.assign(p, { status: 'void', void_reason: problem, decided_at: at });
        continue;
      }
      const r = requirement(s, p);
      const a = answers.get(answerKey(p.author, p.id, p.digest)) ?? new Map<string, { consent: boolean; reason?: string }>();
      const consenting = new Set([p.author, ...[...a].filter(([, v]) => v.consent).map(([n]) => n)]);
      const refusing = new Set([...a].filter(([n, v]) => !v.consent && n !== p.author).map(([n]) => n));
      // Only answers that can count are shown: an outsider's answer stays in the history only.
      const counts = (n: string) => r.voters.includes(n) || r.invitee === n;
      Object.assign(p, r, {
        consents: sorted([p.author, ...[...consenting].filter(counts)]),
        refusals: [...a].filter(([n, v]) => !v.consent && n !== p.author && counts(n)).map(([node, v]) => ({ node, ...(v.reason !== undefined ? { reason: v.reason } : {}) })).sort((x, y) => (x.node < y.node ? -1 : 1)),
      });
      const yes = r.voters.filter((v) => consenting.has(v)).length;
      const no = r.voters.filter((v) => refusing.has(v)).length;
      const inviteeOk = r.invitee === null || consenting.has(r.invitee);
      if (yes >= r.needed && inviteeOk) {
        p.status = 'adopted';
        p.decided_at = at;
        apply(s, p, at);
        moved = true;
        break;
      }
      if ((r.invitee !== null && refusing.has(r.invitee)) || r.voters.length - no < r.needed) {
        p.status = 'refused';
        p.decided_at = at;
        if (p.change.kind === 'create') s.status = 'refused';
      }
    }
  }
}

export function emptyGroupState(): GroupState {
  return { status: 'unknown', name: null, level: null, charter: DEFAULT_CHARTER, agreement: null, agreements: [], founder: null, members: [], proposals: [], membership: [], ignored: [] };
}

const answerKey = (author: string, id: string, digest: string) => `${eventKey(author, id)}\u0000${digest}`;

/**
 * The proposal each v1 answer (id only) is for: the one proposal body the events hold under
 * that id, or none when there are several (an answer must not move to an impostor's proposal).
 */
function unambiguousProposals(events: readonly GroupEvent[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const e of events) {
    if (e.type !== 'proposal') continue;
    const k = answerKey(e.author, e.id, e.digest);
    const held = out.get(e.id);
    out.set(e.id, held === undefined || held === k ? k : null);
  }
  return out;
}

/** The group's state from its events, in any order and with duplicates (see the header). */
export function foldGroup(events: readonly GroupEvent[]): GroupState {
  const answers: Answers = new Map();
  const byId = unambiguousProposals(events);
  return foldEvents(events, emptyGroupState(), (s, e) => {
    if (e.type === 'proposal') {
      const c = e.change;
      if (c.kind === 'create') {
        if (s.founder !== null) {
          s.ignored.push(eventKey(e.author, e.id));
          return s;
        }
        Object.assign(s, { status: 'proposed', founder: e.author, name: c.name, level: c.level, charter: c.charter, agreement: c.agreement });
      } else if (s.status !== 'active' || !s.members.includes(e.author)) {
        s.ignored.push(eventKey(e.author, e.id));
        return s;
      }
      const problem = c.kind === 'create' ? changeProblem(s, e.author, c) : null;
      s.proposals.push({
        id: e.id,
        author: e.author,
        created_at: e.created_at,
        digest: e.digest,
        change: c,
        status: problem ? 'void' : 'open',
        voters: [],
        needed: 0,
        invitee: null,
        consents: [e.author],
        refusals: [],
        decided_at: problem ? e.created_at : null,
        void_reason: problem,
      });
      if (problem) s.status = 'refused';
    } else {
      const target = e.proposal ? answerKey(e.proposal.author, e.proposal_id, e.proposal.digest) : byId.get(e.proposal_id);
      if (!target) return s;
      let a = answers.get(target);
      if (!a) answers.set(target, (a = new Map()));
      if (!a.has(e.author)) a.set(e.author, { consent: e.type === 'consent', ...(e.type === 'refusal' && e.reason !== undefined ? { reason: e.reason } : {}) });
    }
    settle(s, answers, e.created_at);
    return s;
  });
}

/** Everyone an event about the group goes to: members, and the nodes open proposals concern. */
export function participants(s: GroupState): string[] {
  const out = new Set(s.members);
  for (const p of s.proposals) {
    if (p.status !== 'open') continue;
    if (p.change.kind === 'create') [p.author, ...p.change.invitees].forEach((n) => out.add(n));
    else if (p.change.kind === 'add_member' || p.change.kind === 'remove_member') out.add(p.change.node);
  }
  return sorted(out);
}

/** Why `node` cannot answer the proposal, or null when its answer counts. */
export function answerProblem(s: GroupState, node: string, proposalId: string): string | null {
  const p = s.proposals.find((x) => x.id === proposalId);
  if (!p) return `proposal ${proposalId} does not exist in this group`;
  if (p.status !== 'open') return `proposal ${proposalId} is ${p.status} already`;
  if (p.invitee === node || p.voters.includes(node)) return null;
  if (p.change.kind === 'remove_member' && p.change.node === node) return 'a member does not take part in the decision on its own removal';
  return `${node} is not a member of this group${p.change.kind === 'create' ? ' nor invited to it' : ''}`;
}

/** A node's answer to a proposal so far. */
export function answerOf(s: GroupState, node: string, proposalId: string): 'consent' | 'refusal' | null {
  const p = s.proposals.find((x) => x.id === proposalId);
  if (!p) return null;
  if (p.consents.includes(node)) return 'consent';
  if (p.refusals.some((r) => r.node === node)) return 'refusal';
  return null;
}

/** `founder`: proposed the group, which has not taken effect yet. */
export type GroupRole = 'member' | 'founder' | 'invited' | 'former' | 'none';

export function roleIn(s: GroupState, node: string): GroupRole {
  if (s.members.includes(node)) return 'member';
  if (s.status === 'proposed' && s.founder === node) return 'founder';
  if (s.proposals.some((p) => p.status === 'open' && (p.invitee === node || (p.change.kind === 'create' && p.voters.includes(node))))) return 'invited';
  if (s.membership.some((m) => m.node === node)) return 'former';
  return 'none';
}
