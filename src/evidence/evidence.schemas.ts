import { Type } from 'typebox';

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const CaseParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const UploadParams = Type.Object({ id: Uuid, uploadId: Uuid }, { additionalProperties: false });
export const AttachmentParams = Type.Object({ id: Uuid, attachmentId: Uuid }, { additionalProperties: false });

export const AttachmentSchema = Type.Object(
  {
    id: Uuid,
    case_id: Uuid,
    event_id: Type.Union([Type.String(), Type.Null()]),
    sha256: Sha256,
    name: Type.String(),
    media_type: Type.String(),
    description: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    added_by: Type.String({ description: '`user:<id>`, or `cli` for the local operator' }),
    added_at: Type.String({ format: 'date-time' }),
    hold: Type.Boolean({ description: 'on legal hold: the content may not be deleted' }),
    deleted_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'when the content was deleted under retention (the hash is kept)' }),
    transfer_state: Type.Union([Type.Literal('local'), Type.Literal('sent'), Type.Literal('received')]),
  },
  { $id: 'Attachment', additionalProperties: false },
);

/** A custody entry: a signed envelope of this node (docs/evidence.md, Chain of custody). */
export const CustodyEntrySchema = Type.Object(
  {
    v: Type.Literal(1),
    id: Type.String(),
    from: Type.String(),
    to: Type.Array(Type.String()),
    type: Type.Literal('evidence.custody/v1'),
    issued_at: Type.String(),
    body: Type.Object(
      {
        case_id: Type.String(),
        seq: Type.Integer({ minimum: 1 }),
        prev: Type.Union([Sha256, Type.Null()]),
        at: Type.String(),
        actor: Type.String(),
        from: Type.Union([Type.String(), Type.Null()]),
        action: Type.String(),
        attachment_id: Type.String(),
        sha256: Sha256,
        details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      },
      { additionalProperties: false },
    ),
    sig: Type.Object({ suite: Type.String(), key: Type.String(), value: Type.String() }, { additionalProperties: false }),
  },
  { $id: 'CustodyEntry', additionalProperties: false },
);

export const AttachmentListSchema = Type.Object({ attachments: Type.Array(Type.Ref('Attachment')) }, { additionalProperties: false });
export const AttachmentDetailSchema = Type.Object({ attachment: Type.Ref('Attachment'), custody: Type.Array(Type.Ref('CustodyEntry')) }, { additionalProperties: false });
export const CustodyListSchema = Type.Object({ entries: Type.Array(Type.Ref('CustodyEntry')) }, { additionalProperties: false });

export const VerificationSchema = Type.Object(
  {
    ok: Type.Boolean(),
    expected_sha256: Sha256,
    sha256: Type.Union([Sha256, Type.Null()], { description: 'the hash of what decrypted; null when a chunk did not open' }),
    size: Type.Integer(),
    bad_chunks: Type.Array(Type.Integer(), { description: 'the chunks whose tags do not verify (0-based)' }),
    format_error: Type.Union([Type.String(), Type.Null()]),
    missing: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const StoreVerificationSchema = Type.Object({ files: Type.Integer(), ok: Type.Integer(), failed: Type.Array(VerificationSchema) }, { additionalProperties: false });

export const UploadCreatedSchema = Type.Object(
  {
    id: Uuid,
    location: Type.String({ description: 'the upload URL (also the Location header)' }),
    offset: Type.Integer(),
    length: Type.Integer(),
    attachment_id: Type.Union([Uuid, Type.Null()], { description: 'set when the upload is complete already (Upload-Length 0)' }),
  },
  { additionalProperties: false },
);

/** The tus headers, declared for the API document; the routes check them and answer the tus status codes. */
export const TusCreateHeaders = Type.Object({
  'tus-resumable': Type.Optional(Type.String({ description: 'must be 1.0.0 (else 412)' })),
  'upload-length': Type.Optional(Type.String({ description: 'the file size in bytes (at most Tus-Max-Size, else 413)' })),
  'upload-metadata': Type.Optional(Type.String({ description: 'tus metadata: `filename` (required), `type` or `filetype`, `description`, `event_id`; values base64' })),
});
export const TusPatchHeaders = Type.Object({
  'tus-resumable': Type.Optional(Type.String()),
  'upload-offset': Type.Optional(Type.String({ description: 'the offset the bytes start at (must equal the upload offset, else 409)' })),
  'content-type': Type.Optional(Type.String({ description: 'application/offset+octet-stream (else 415)' })),
});
