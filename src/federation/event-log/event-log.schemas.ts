import { Type } from 'typebox';

/**
 * One event of a signed event log as capabilities show it in their routes (plans, statements):
 * who signed what and when, and whether the fold counts it. `SignedHistoryEntry` adds the signed
 * envelope itself, verifiable with the author's key.
 */
export const HistoryEntryFields = {
  event_id: Type.String(),
  type: Type.String(),
  author: Type.String(),
  created_at: Type.String(),
  received_at: Type.String(),
  counted: Type.Boolean(),
  not_counted_because: Type.Union([Type.String(), Type.Null()]),
  signature: Type.Object({ suite: Type.String(), key: Type.String(), value: Type.String() }),
};
export const HistoryEntrySchema = Type.Object(HistoryEntryFields);
export const SignedHistoryEntrySchema = Type.Object({ ...HistoryEntryFields, envelope: Type.Unknown({ description: 'the signed envelope, verifiable with the author key' }) });
