/** The federation message types of norms (their schemas and handlers are in norms.messages.ts). */
export const NormsMessage = {
  /** A published version of the sender's national implementation report. */
  report: 'norms.report/v1',
  /** A comment on a version of the addressee's report. */
  comment: 'norms.comment/v1',
} as const;
