import { describe, expect, it } from 'vitest';
import type { Group, GroupProposal } from '../../web/src/api/types.js';
import { proposedMembers, tallyProposal } from '../../web/src/groups/proposalTally.js';

const AGREEMENT = { title: 'T', instrument: 'I', channels: [], request_types: [], languages: [], confidentiality: '' };

function proposal(p: Partial<GroupProposal>): GroupProposal {
  return { id: 'p1', author: 'uz-cert', status: 'open', voters: [], needed: 0, invitee: null, consents: [], refusals: [], awaiting_me: false, created_at: '2026-12-01T10:00:00Z', ...p } as GroupProposal;
}

const founding = proposal({
  change: { kind: 'create', name: 'CA', level: 'regional', invitees: ['kz-cert', 'kg-cert'], charter: { quorum: { kind: 'all' } }, agreement: AGREEMENT },
  voters: ['kg-cert', 'kz-cert'],
  needed: 2,
  consents: ['kz-cert', 'uz-cert'],
} as Partial<GroupProposal>);

describe('a proposal\'s count and lists', () => {
  it('counts and lists the same voters: the founder\'s implicit consent is not "1 consented" of a count of 0', () => {
    const bilateral = proposal({ voters: ['kz-cert'], needed: 1, consents: ['uz-cert'] });
    expect(tallyProposal(bilateral)).toEqual({ yes: 0, needed: 1, consentedVoters: [], pending: ['kz-cert'], invitee: null });
    expect(tallyProposal(founding)).toMatchObject({ yes: 1, needed: 2, consentedVoters: ['kz-cert'], pending: ['kg-cert'] });
  });

  it('shows the node asked to join on its own, and among those still needed until it answers', () => {
    const add = proposal({ voters: ['kz-cert', 'uz-cert'], needed: 2, invitee: 'tj-cert', consents: ['kz-cert', 'tj-cert', 'uz-cert'] });
    expect(tallyProposal(add)).toEqual({ yes: 2, needed: 2, consentedVoters: ['kz-cert', 'uz-cert'], pending: [], invitee: { node: 'tj-cert', answer: 'consent' } });
    const waiting = proposal({ voters: ['kz-cert', 'uz-cert'], needed: 2, invitee: 'tj-cert', consents: ['uz-cert'], refusals: [{ node: 'kz-cert' }] } as Partial<GroupProposal>);
    expect(tallyProposal(waiting)).toMatchObject({ yes: 1, pending: ['tj-cert'], invitee: { node: 'tj-cert', answer: 'pending' } });
  });

  it('lists the members a proposed group will have, with their answers', () => {
    const g = { status: 'proposed', founder: 'uz-cert', proposals: [founding] } as Pick<Group, 'status' | 'founder' | 'proposals'>;
    expect(proposedMembers(g)).toEqual([
      { node: 'uz-cert', answer: 'founder' },
      { node: 'kz-cert', answer: 'consent' },
      { node: 'kg-cert', answer: 'pending' },
    ]);
    expect(proposedMembers({ ...g, status: 'active' })).toEqual([]);
  });
});
