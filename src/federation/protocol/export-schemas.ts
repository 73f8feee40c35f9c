import type { MessageTypeRegistry } from './message-types.js';
import { BatchSchema, EnvelopeSchema, NodeDescriptionSchema, ReceiptSchema } from './schemas.js';

/**
 * The wire format as JSON Schemas (draft 2020-12), one per document and per message type:
 * what docs/federation-protocol/schemas/ holds, checked against the code by a test.
 */
export function protocolSchemas(registry: MessageTypeRegistry): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'envelope.json': EnvelopeSchema,
    'batch.json': BatchSchema,
    'receipt.json': ReceiptSchema,
    'node-description.json': NodeDescriptionSchema,
  };
  for (const name of registry.names()) out[`message.${name.replace('/', '.')}.json`] = registry.get(name)!.def.body;
  return Object.fromEntries(
    Object.entries(out).map(([file, schema]) => [file, { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:accord:federation:v1:${file.replace(/\.json$/, '')}`, ...JSON.parse(JSON.stringify(schema)) }]),
  );
}
