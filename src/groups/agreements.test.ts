import { describe, expect, it } from 'vitest';
import { agreementAllows, agreementRefusals, type Agreement } from './agreements.js';

const SCO: Agreement = {
  title: 'Cooperation in ensuring international information security',
  instrument: 'SCO Agreement of 16 June 2009',
  channels: ['federation', 'diplomatic'],
  request_types: ['preservation.stored_data', 'incident.assistance'],
  languages: ['ru', 'zh'],
  confidentiality: 'Information received is used only for the purposes of the request.',
};

describe('agreementAllows', () => {
  it('allows what every list names', () => {
    expect(agreementAllows(SCO, { channel: 'federation', requestType: 'incident.assistance', language: 'ru' })).toBe(true);
  });

  it('refuses a request type the agreement does not allow, and says why', () => {
    expect(agreementAllows(SCO, { requestType: 'mla.interception' })).toBe(false);
    expect(agreementRefusals(SCO, { requestType: 'mla.interception' })).toEqual([expect.stringMatching(/request type mla\.interception is not allowed by/)]);
  });

  it('refuses a channel or a language outside the agreement', () => {
    expect(agreementAllows(SCO, { channel: 'email' })).toBe(false);
    expect(agreementAllows(SCO, { language: 'en' })).toBe(false);
    expect(agreementRefusals(SCO, { channel: 'email', language: 'en', requestType: 'x' })).toHaveLength(3);
  });

  it('matches a regional language tag by its primary language, case-insensitively', () => {
    expect(agreementAllows(SCO, { language: 'ru-RU' })).toBe(true);
    expect(agreementAllows(SCO, { language: 'ZH-Hans' })).toBe(true);
    expect(agreementAllows(SCO, { language: 'rus' })).toBe(false);
  });

  it('treats * as anything and an empty list as nothing', () => {
    const open: Agreement = { ...SCO, request_types: ['*'], languages: ['*'], channels: [] };
    expect(agreementAllows(open, { requestType: 'mla.production', language: 'ar' })).toBe(true);
    expect(agreementAllows(open, { channel: 'federation' })).toBe(false);
  });

  it('checks nothing that is not asked', () => {
    expect(agreementAllows({ ...SCO, channels: [], request_types: [], languages: [] }, {})).toBe(true);
  });
});
