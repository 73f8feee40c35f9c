import type { Tlp } from './markings.js';

/**
 * The one policy that says whether a piece of threat intelligence may reach someone. The
 * release gate of the outbox, TAXII responses, the web app, exports and search all ask it,
 * and a receiving node asks it again about what it received.
 *
 * TLP 2.0 (FIRST) read for sovereign nodes: each node is one organisation. Its signed-in
 * users are the organisation; its authenticated TAXII clients are the organisation's clients;
 * a peer node is another organisation, which the source names in a release either one by
 * one or through a group or collection; an unauthenticated reader is the public.
 */
export type Origin = 'local' | 'received';

export type Audience =
  /** A user of this node. `redRecipient`: named as an individual recipient of a TLP:RED object (or its author). */
  | { kind: 'user'; redRecipient: boolean }
  /** An authenticated TAXII client of this node: a client of this organisation. */
  | { kind: 'client' }
  /**
   * A user of this node reading over TAXII: the narrower of that user's reach and the TAXII
   * clients' column (what leaves over TAXII may be handed on to the organisation's clients), so
   * AMBER+STRICT and RED never leave this way, whoever reads.
   */
  | { kind: 'taxii'; redRecipient: boolean }
  /** Another organisation's node. `named`: the release names this peer itself, not a group or collection it is in. */
  | { kind: 'peer'; named: boolean }
  /** Anyone: an unauthenticated reader, a public feed. */
  | { kind: 'public' };

export interface MarkedIntel {
  /** The narrowest TLP the object carries, or null when unmarked. */
  tlp: Tlp | null;
  /** `local`: this node is the source. `received`: it came from a peer or a feed. */
  origin: Origin;
}

export type DenyReason =
  | 'tlp-green-never-public'
  | 'tlp-amber-organisation-and-clients'
  | 'tlp-amber-strict-organisation-only'
  | 'tlp-red-named-recipients-only'
  | 'received-not-passed-on';

export type Decision = { allowed: true; tlp: Tlp } | { allowed: false; tlp: Tlp; reason: DenyReason };

export interface PolicyOptions {
  /** The level an unmarked object is treated as (a node setting; TLP:AMBER unless configured). */
  unmarkedAs: Tlp;
}

export const DEFAULT_POLICY: PolicyOptions = { unmarkedAs: 'amber' };

/** May `intel` reach `audience`? Pure: every path asks this and nothing else. */
export function mayReach(intel: MarkedIntel, audience: Audience, options: PolicyOptions = DEFAULT_POLICY): Decision {
  const tlp = intel.tlp ?? options.unmarkedAs;
  const allow: Decision = { allowed: true, tlp };
  const deny = (reason: DenyReason): Decision => ({ allowed: false, tlp, reason });
  if (tlp === 'clear') return allow;
  switch (audience.kind) {
    case 'public':
      return deny(tlp === 'green' ? 'tlp-green-never-public' : reasonFor(tlp));
    case 'user':
      return tlp !== 'red' || audience.redRecipient ? allow : deny('tlp-red-named-recipients-only');
    case 'client':
      return tlp === 'green' || tlp === 'amber' ? allow : deny(reasonFor(tlp));
    case 'taxii': {
      const asUser = mayReach(intel, { kind: 'user', redRecipient: audience.redRecipient }, options);
      return asUser.allowed ? mayReach(intel, { kind: 'client' }, options) : asUser;
    }
    case 'peer':
      if (tlp === 'green') return allow;
      // The source decides who its recipients are; a recipient never widens the circle.
      if (intel.origin === 'received') return deny('received-not-passed-on');
      if (tlp === 'red') return audience.named ? allow : deny('tlp-red-named-recipients-only');
      return allow;
  }
}

function reasonFor(tlp: Exclude<Tlp, 'clear'>): DenyReason {
  switch (tlp) {
    case 'green':
      return 'tlp-green-never-public';
    case 'amber':
      return 'tlp-amber-organisation-and-clients';
    case 'amber+strict':
      return 'tlp-amber-strict-organisation-only';
    case 'red':
      return 'tlp-red-named-recipients-only';
  }
}

/** The objects of `items` that may reach `audience`, in order: the filter for lists, pages and exports. */
export function releasable<T extends MarkedIntel>(items: readonly T[], audience: Audience, options: PolicyOptions = DEFAULT_POLICY): T[] {
  return items.filter((i) => mayReach(i, audience, options).allowed);
}
