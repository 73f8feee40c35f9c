import { describe, expect, it } from 'vitest';
import { isRaceWithOtherSchema } from './migrate.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('telling a race with another schema from a real migration error', () => {
  it('retries when another schema, or a table in it, vanished during introspection', () => {
    expect(isRaceWithOtherSchema(pgError('3F000', 'schema "t_other" does not exist'), 't_mine')).toBe(true);
    expect(isRaceWithOtherSchema(pgError('42P01', 'relation "t_other.group_events" does not exist'), 't_mine')).toBe(true);
    expect(isRaceWithOtherSchema(pgError('42P01', 'relation "t_other.group_events" does not exist'))).toBe(true);
  });

  it('does not retry errors about its own schema or anything else', () => {
    expect(isRaceWithOtherSchema(pgError('3F000', 'schema "t_mine" does not exist'), 't_mine')).toBe(false);
    expect(isRaceWithOtherSchema(pgError('42P01', 'relation "t_mine.peers" does not exist'), 't_mine')).toBe(false);
    expect(isRaceWithOtherSchema(pgError('42P01', 'relation "peers" does not exist'))).toBe(false);
    expect(isRaceWithOtherSchema(pgError('42601', 'syntax error at or near "x"'), 't_mine')).toBe(false);
    expect(isRaceWithOtherSchema(new Error('boom'), 't_mine')).toBe(false);
  });
});
