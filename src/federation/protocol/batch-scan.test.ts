import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { readBatchFrame } from './batch-scan.js';
import { canonicalForms, signEnvelopeCanonical } from './envelope.js';

describe('the batch frame read from both ends of the text', () => {
  it('reads the same members as JSON.parse, whatever the body holds and wherever it sits', () => {
    const key = fc.string({ maxLength: 8 }).filter((k) => k !== 'body' && k !== '__proto__');
    const members = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });
    fc.assert(
      fc.property(members, members, fc.jsonValue({ maxDepth: 5 }), fc.boolean(), (front, back, body, spaced) => {
        const doc = { ...front, body, ...back };
        const text = spaced ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
        const value = JSON.parse(text) as Record<string, unknown>;
        const frame = readBatchFrame(Buffer.from(text));
        if (!frame) return;
        for (const [k, v] of Object.entries(frame.header)) expect(JSON.parse(v)).toEqual(value[k]);
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the header of a batch sent as its canonical text, and what its signature covers', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const identity = { node_id: 'uz-cert', privateKey, publicKey, fingerprint: 'f'.repeat(64) } as never;
    const envelope = { v: 1 as const, id: '0190aaaa-0000-7000-8000-000000000001', from: 'uz-cert', to: ['kz-cert'], type: 'federation.notice/v1', issued_at: '2026-12-01T00:00:00.000Z', body: { subject: 'a "quoted" \\ subject', text: '},"from":"evil"' } };
    const body = `{"envelopes":[${canonicalForms(envelope).full}]}`;
    const { envelope: batch, canonical } = signEnvelopeCanonical(identity, { v: 1, id: '0190aaaa-0000-7000-8000-000000000002', from: 'uz-cert', to: ['kz-cert'], type: 'federation.batch/v1', issued_at: '2026-12-01T00:00:01.000Z', body: null }, body);
    const buf = Buffer.from(canonical);
    const frame = readBatchFrame(buf)!;
    expect(Object.keys(frame.header).sort()).toEqual(['from', 'id', 'issued_at', 'sig', 'to', 'type', 'v']);
    expect(JSON.parse(frame.header.sig!)).toEqual(batch.sig);
    const [a, b] = frame.sigCut!;
    expect(Buffer.concat([buf.subarray(0, a), buf.subarray(b)]).toString()).toBe(canonicalForms({ ...batch, body: JSON.parse(body) as unknown }).unsigned);
  });

  it('gives up on texts it cannot read so (the inbox then scans them whole)', () => {
    for (const t of ['', '[]', '"x"', '{', '{"from":"a"', '{"from":"a","body":{},"from":"b"}', '{"body":{}} x', '{"from" "a"}']) expect(readBatchFrame(Buffer.from(t))).toBeNull();
  });
});
