/** What this node holds of the statement a `change_agreement` proposal names as its source. */
export interface HeldStatement {
  kind: string | null;
  status: string;
  adopted_digest: string | null;
  parties: string[];
  signatures: { node: string }[];
}

/** Why a proposal's source does not match an adopted agreement signed by every party here. */
export type SourceProblem = 'unknown' | 'not_agreement' | 'not_adopted' | 'other_digest' | 'unsigned';

/**
 * Checks a proposal's `source` against this node's own copy of the statement: a member must not
 * consent to terms whose named text it cannot confirm. Null when the source holds.
 */
export function agreementSourceProblem(held: HeldStatement | null, digest: string): SourceProblem | null {
  if (!held) return 'unknown';
  if (held.kind !== 'agreement') return 'not_agreement';
  if (held.status !== 'adopted' || !held.adopted_digest) return 'not_adopted';
  if (held.adopted_digest !== digest) return 'other_digest';
  if (held.parties.some((n) => !held.signatures.some((s) => s.node === n))) return 'unsigned';
  return null;
}
