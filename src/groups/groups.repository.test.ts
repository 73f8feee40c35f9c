import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkRelayed, eventRow } from '../federation/event-log/event-log.rules.js';
import { keyringOf } from '../federation/keyring.js';
import { newMessageId, signEnvelope } from '../federation/protocol/envelope.js';
import { fingerprintOf, rawPublicKey, type NodeIdentity } from '../node/identity.js';
import { groupEventLog } from './groups.repository.js';
import { GroupMessage } from './groups.schemas.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const kz = { node_id: 'kz-cert', fingerprint: fingerprintOf(publicKey), privateKey } as unknown as NodeIdentity;
const ring = keyringOf({ fingerprint: kz.fingerprint, public_key: rawPublicKey(publicKey).toString('base64url'), retired_keys: '[]' });
const GROUP = newMessageId();
const at = '2026-12-01T12:00:00.000Z';
const send = (type: string, body: Record<string, unknown>) => signEnvelope(kz, { v: 1, id: newMessageId(), from: 'kz-cert', to: ['uz-cert'], type, issued_at: at, body: { event_id: newMessageId(), group_id: GROUP, created_at: at, ...body } });

describe('the groups event log (group_events through the shared event log)', () => {
  it('stores a proposal with its kind and an answer with the proposal it answers', () => {
    const p = send(GroupMessage.proposal, { change: { kind: 'add_member', node: 'tj-cert' } });
    expect(eventRow(groupEventLog, p, at)).toMatchObject({ group_id: GROUP, type: 'proposal', kind: 'add_member', proposal_id: null, author: 'kz-cert', sig_key: kz.fingerprint });
    const pid = (p.body as { event_id: string }).event_id;
    expect(eventRow(groupEventLog, send(GroupMessage.consent, { proposal_id: pid }), at)).toMatchObject({ type: 'consent', kind: null, proposal_id: pid });
    expect(eventRow(groupEventLog, send(GroupMessage.refusal, { proposal_id: pid, reason: 'no mandate' }), at)).toMatchObject({ type: 'refusal', proposal_id: pid });
  });

  it('takes no history message as an event, and keeps a relayed event only for its own group with a body that fits', () => {
    expect(eventRow(groupEventLog, send(GroupMessage.history, { envelopes: [] }), at)).toBeNull();
    const relay = (e: unknown, logId = GROUP) => checkRelayed(groupEventLog, e, { me: 'uz-cert', logId, ring, receivedAt: at });
    const consent = send(GroupMessage.consent, { proposal_id: newMessageId() });
    expect(relay(consent).ok).toBe(true);
    expect(relay(consent, newMessageId())).toEqual({ ok: false, reason: 'other_log' });
    expect(relay(send(GroupMessage.consent, { proposal_id: 'not-a-uuid' }))).toEqual({ ok: false, reason: 'invalid_body' });
    expect(relay(send(GroupMessage.history, { envelopes: [] }))).toEqual({ ok: false, reason: 'unknown_type' });
  });
});
