import { describe, expect, it } from 'vitest';
import { agreementSourceProblem, type HeldStatement } from '../../web/src/groups/agreementSource.js';

const DIGEST = 'a'.repeat(64);
const signedByAll: HeldStatement = { kind: 'agreement', status: 'adopted', adopted_digest: DIGEST, parties: ['kz', 'uz'], signatures: [{ node: 'uz' }, { node: 'kz' }] };

describe('a proposal source checked against the statement held here', () => {
  it('holds for an adopted agreement in that version, signed by every party', () => {
    expect(agreementSourceProblem(signedByAll, DIGEST)).toBeNull();
  });

  it('names each way a lying or premature source fails', () => {
    expect(agreementSourceProblem(null, DIGEST)).toBe('unknown');
    expect(agreementSourceProblem({ ...signedByAll, kind: 'joint_statement' }, DIGEST)).toBe('not_agreement');
    expect(agreementSourceProblem({ ...signedByAll, status: 'drafting', adopted_digest: null }, DIGEST)).toBe('not_adopted');
    expect(agreementSourceProblem(signedByAll, 'b'.repeat(64))).toBe('other_digest');
    expect(agreementSourceProblem({ ...signedByAll, signatures: [{ node: 'uz' }] }, DIGEST)).toBe('unsigned');
  });
});
