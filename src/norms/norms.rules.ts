import { NORM_IDS, type Matrix, type NormEntry, type NormId, type NormStatus, type ReportDiff, type ReportVersion, type VersionSummary } from './norms.schemas.js';

/** An entry for a norm nobody wrote about yet. */
export function emptyEntry(norm: NormId): NormEntry {
  return { norm, status: 'not_started', measures: '', legislation: '', institutions: '', contacts: '', links: [] };
}

/** Norms named twice in a report, with the index of each repeat (for field errors). */
export function duplicateNorms(entries: readonly { norm: string }[]): { norm: string; index: number }[] {
  const seen = new Set<string>();
  const out: { norm: string; index: number }[] = [];
  entries.forEach((e, index) => {
    if (seen.has(e.norm)) out.push({ norm: e.norm, index });
    seen.add(e.norm);
  });
  return out;
}

/** The eleven entries of a report in the order (a)–(k); norms left out are not started. */
export function completeEntries(entries: readonly NormEntry[]): NormEntry[] {
  const byNorm = new Map(entries.map((e) => [e.norm, e]));
  return NORM_IDS.map((n) => byNorm.get(n) ?? emptyEntry(n));
}

/** `{a: status, …, k: status}` of a report version. */
export function statusesOf(report: Pick<ReportVersion, 'norms'>): Record<NormId, NormStatus> {
  const out = {} as Record<NormId, NormStatus>;
  for (const e of completeEntries(report.norms)) out[e.norm] = e.status;
  return out;
}

/**
 * The comparison matrix: one row per state (its latest published version), one column per
 * norm (a)–(k), and per norm how many states are at each status. Rows come sorted by country
 * then node, so the answer depends only on the set of versions.
 */
export function buildMatrix(latest: readonly VersionSummary[]): Matrix {
  const totals: Matrix['totals'] = {};
  for (const n of NORM_IDS) totals[n] = { not_started: 0, in_progress: 0, implemented: 0 };
  const rows = [...latest]
    .sort((x, y) => (x.country === y.country ? (x.node_id < y.node_id ? -1 : x.node_id > y.node_id ? 1 : 0) : x.country < y.country ? -1 : 1))
    .map((v) => {
      const statuses = NORM_IDS.map((n) => v.statuses[n] ?? 'not_started');
      statuses.forEach((s, i) => totals[NORM_IDS[i]!]![s]++);
      return { node_id: v.node_id, country: v.country, version: v.version, published_at: v.published_at, statuses };
    });
  return { norms: [...NORM_IDS], rows, totals };
}

const TEXT_FIELDS = ['measures', 'legislation', 'institutions', 'contacts'] as const;

/**
 * What changed between two versions of one state's report, norm by norm: the fields whose
 * text differs, the status before and after, and the links added and removed (by URL). Norms
 * with no change are left out.
 */
export function diffReports(from: ReportVersion, to: ReportVersion): ReportDiff {
  const a = new Map(completeEntries(from.norms).map((e) => [e.norm, e]));
  const norms: ReportDiff['norms'] = [];
  for (const e of completeEntries(to.norms)) {
    const before = a.get(e.norm)!;
    const changed: string[] = [];
    if (before.status !== e.status) changed.push('status');
    for (const f of TEXT_FIELDS) if (before[f] !== e[f]) changed.push(f);
    const urlsBefore = new Set(before.links.map((l) => l.url));
    const urlsAfter = new Set(e.links.map((l) => l.url));
    const added = [...urlsAfter].filter((u) => !urlsBefore.has(u));
    const removed = [...urlsBefore].filter((u) => !urlsAfter.has(u));
    const retitled = e.links.some((l) => urlsBefore.has(l.url) && before.links.find((b) => b.url === l.url)?.title !== l.title);
    if (added.length || removed.length || retitled) changed.push('links');
    if (changed.length) norms.push({ norm: e.norm, changed, status: { from: before.status, to: e.status }, links_added: added, links_removed: removed });
  }
  return { node_id: to.node_id, from: from.version, to: to.version, summary_changed: from.summary !== to.summary, norms };
}

/**
 * Which of our published versions each peer still lacks: every version goes to every
 * current member of a group it was published to. A peer that left a group is not owed
 * anything new (it keeps what it received); one that joined is owed the versions published
 * to that group before it joined.
 */
export function deliveriesDue(versions: readonly { version: number; groups: readonly string[] }[], membersOf: ReadonlyMap<string, readonly string[]>, delivered: ReadonlySet<string>, self: string): { version: number; peer: string }[] {
  const out: { version: number; peer: string }[] = [];
  for (const v of [...versions].sort((x, y) => x.version - y.version)) {
    const peers = new Set<string>();
    for (const g of v.groups) for (const m of membersOf.get(g) ?? []) if (m !== self) peers.add(m);
    for (const peer of [...peers].sort()) if (!delivered.has(deliveryKey(v.version, peer))) out.push({ version: v.version, peer });
  }
  return out;
}

export function deliveryKey(version: number, peer: string): string {
  return `${version}\u0000${peer}`;
}

/** Whether a received body is the same report version as the one stored (a re-send), field for field. */
export function sameVersion(a: ReportVersion, b: ReportVersion): boolean {
  return JSON.stringify(canonicalReport(a)) === JSON.stringify(canonicalReport(b));
}

function canonicalReport(r: ReportVersion): unknown {
  const { groups: _groups, ...rest } = r;
  return { ...rest, norms: completeEntries(r.norms).map((e) => ({ norm: e.norm, status: e.status, measures: e.measures, legislation: e.legislation, institutions: e.institutions, contacts: e.contacts, links: e.links.map((l) => ({ url: l.url, title: l.title ?? null })) })) };
}

/**
 * Why a received report version is not taken, or null: it must be the sender's own report,
 * carry the pinned peer's country, name each norm once, and be published no later than the
 * envelope was issued (a version is re-sent later, never earlier).
 */
export function reportProblem(r: ReportVersion, at: { from: string; peerCountry: string | null; issuedAt: string; skewMs: number }): string | null {
  if (r.node_id !== at.from) return 'a report names another node than its sender';
  if (at.peerCountry !== null && r.country !== at.peerCountry) return `the sender was pinned with country ${at.peerCountry}`;
  if (duplicateNorms(r.norms).length) return 'a norm is reported twice';
  const published = Date.parse(r.published_at);
  const issued = Date.parse(at.issuedAt);
  if (!Number.isFinite(published) || new Date(published).toISOString() !== r.published_at) return 'published_at is not an ISO 8601 UTC time';
  if (Number.isFinite(issued) && published > issued + at.skewMs) return 'published after the message was sent';
  return null;
}
