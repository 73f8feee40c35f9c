/**
 * Norms: this node's report drafts, the published versions of every state's national
 * implementation report (own and received, each received one with the signed envelope it
 * came in), who was sent which of our versions, and comments on reports.
 */
export interface NormsDraftsTable {
  id: string;
  /** draft → in_review → approved → published; `returned` goes back to editing. */
  state: string;
  /** The report as JSON (NormsReportContent). */
  content: string;
  created_by: string;
  updated_by: string;
  submitted_by: string | null;
  reviewed_by: string | null;
  review_note: string | null;
  published_version: number | null;
  created_at: string;
  updated_at: string;
}

export interface NormsVersionsTable {
  /** The reporting node (a state's authority). */
  node_id: string;
  version: number;
  country: string;
  /** The signed body as JSON (NormsReportVersion). */
  body: string;
  /** `{"a":"implemented",…}`: what the matrix needs, without parsing the body. */
  statuses: string;
  /** 1 for the highest version of its node: the matrix reads only these rows. */
  is_latest: number;
  published_at: string;
  received_at: string;
  /** The signed envelope it came in (null for our own versions). */
  envelope: string | null;
  is_own: number;
}

/** Which of our versions went to which peer: a member that joins later is sent what it lacks. */
export interface NormsDeliveriesTable {
  version: number;
  peer: string;
  sent_at: string;
}

export interface NormsCommentsTable {
  id: string;
  /** `in`: a peer's comment on our report; `out`: ours on a peer's report. */
  direction: string;
  report_node: string;
  version: number;
  norm: string | null;
  author_node: string;
  author_name: string;
  text: string;
  created_at: string;
  envelope: string | null;
  received_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    norms_drafts: NormsDraftsTable;
    norms_versions: NormsVersionsTable;
    norms_deliveries: NormsDeliveriesTable;
    norms_comments: NormsCommentsTable;
  }
}
