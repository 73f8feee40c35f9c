import type { RequestedSide } from '../api/types.js';
import type { CaseCatalogue } from './catalogue.js';
import { accepts } from './languages.js';

type Basis = { instrument: string; article?: number };

const sameBasis = (allowed: Basis, asked: Basis) => allowed.instrument === asked.instrument && (asked.article === undefined || allowed.article === undefined || allowed.article === asked.article);

/**
 * What the draft form may offer for a peer, from GET /api/v1/cases/requested-side/{node}: the
 * request types and legal bases that the agreements in force allow (`bases`; none shared:
 * everything) and that its requirements profile accepts, and the languages a request under a
 * basis must be in. The server checks the same (draftProblems, agreementProblems).
 */
export function draftLimits(catalogue: CaseCatalogue, side: RequestedSide | undefined) {
  const profileAllows = (type: string) => !side?.requestTypes || side.requestTypes.some((x) => x === '*' || x === type);
  const basisAllowed = (type: string, b: Basis) => profileAllows(type) && (!side?.bases || side.bases.some((x) => x.type === type && sameBasis(x, b)));
  const typeAllowed = (type: string) => (catalogue.request_types.find((r) => r.id === type)?.legal_bases ?? []).some((b) => basisAllowed(type, b));
  /** The languages a request of `type` under `basis` is accepted in; undefined when nobody says. */
  const languagesFor = (type: string, basis: Basis): string[] | undefined => {
    const under = side?.bases?.filter((x) => x.type === type && sameBasis(x, basis)) ?? [];
    const agreed = under.length && under.every((x) => x.languages.length > 0) ? [...new Set(under.flatMap((x) => x.languages))] : [];
    const profile = side?.requirements?.languages ?? [];
    if (agreed.length && profile.length) return agreed.includes('*') ? profile : profile.includes('*') ? agreed : profile.filter((l) => accepts(agreed, l));
    return profile.length ? profile : agreed.length ? agreed : undefined;
  };
  return { typeAllowed, basisAllowed, languagesFor };
}
