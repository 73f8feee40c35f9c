import type { Group, GroupProposal } from '../api/types.js';

export type Answer = 'consent' | 'refuse' | 'pending';

/** A proposal's count and lists, agreeing with each other. */
export interface ProposalTally {
  /** Voters that consented (the proposer included when it is a voter). */
  yes: number;
  needed: number;
  consentedVoters: string[];
  /** Voters, and the node asked to join, that have not answered yet. */
  pending: string[];
  /** The node asked to join (add_member): its own consent is needed besides the quorum. */
  invitee: { node: string; answer: Answer } | null;
}

function answerOf(p: GroupProposal, node: string): Answer {
  if (p.consents.includes(node)) return 'consent';
  if (p.refusals.some((r) => r.node === node)) return 'refuse';
  return 'pending';
}

/**
 * The server lists the proposer among `consents` (its proposal is its consent) even where it is
 * no voter — the founder of a new group — and lists a joining node's consent too, while the
 * count is of voters only. Counting and listing the same voters keeps "0 of 1 needed" from
 * standing next to "Consented: the founder"; the joining node is shown on its own.
 */
export function tallyProposal(p: GroupProposal): ProposalTally {
  const consentedVoters = p.voters.filter((v) => answerOf(p, v) === 'consent');
  const asked = [...p.voters, ...(p.invitee ? [p.invitee] : [])];
  return {
    yes: consentedVoters.length,
    needed: p.needed,
    consentedVoters,
    pending: asked.filter((n) => answerOf(p, n) === 'pending'),
    invitee: p.invitee ? { node: p.invitee, answer: answerOf(p, p.invitee) } : null,
  };
}

/** The members a proposed group will have, each with its answer ('founder' for the one who proposed it). */
export function proposedMembers(g: Pick<Group, 'status' | 'founder' | 'proposals'>): { node: string; answer: Answer | 'founder' }[] {
  if (g.status !== 'proposed') return [];
  const founding = g.proposals.find((p) => p.change.kind === 'create');
  if (!founding || founding.change.kind !== 'create') return [];
  const founder = g.founder ?? founding.author;
  const invitees = founding.change.invitees.filter((n) => n !== founder);
  return [{ node: founder, answer: 'founder' as const }, ...invitees.map((node) => ({ node, answer: answerOf(founding, node) }))];
}
