import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assembly.js';
import { CAPABILITIES } from '../../src/app/capabilities.js';
import type { Capability } from '../../src/capability.js';

const withDesk = (name: string, desk: Capability['desk']): Capability => ({ name, desk });

describe('the desk in the assembly', () => {
  it('gathers every capability that contributes, in list order', () => {
    const a = assemble(CAPABILITIES);
    expect(a.catalog.desk.map((d) => d.capability)).toEqual(['federation', 'groups', 'directory', 'cases', 'evidence', 'intel', 'plans', 'norms', 'statements']);
    expect(a.catalog.desk.flatMap((d) => d.kinds)).toEqual(expect.arrayContaining(['directory.ping_test_to_confirm', 'groups.proposal_to_answer', 'evidence.arrived', 'evidence.transfer_failed', 'intel.feed_failing', 'plans.item_overdue', 'statements.amendment_to_answer']));
  });

  it('refuses two capabilities declaring one desk kind', () => {
    expect(() => assemble([withDesk('one', { kinds: ['x.same'] }), withDesk('two', { kinds: ['x.same'] })])).toThrow('desk kind x.same is declared by both one and two');
  });

  it('refuses two providers of the peers panel, or of the own-entry panel', () => {
    const peers = async () => [];
    expect(() => assemble([withDesk('one', { kinds: [], peers }), withDesk('two', { kinds: [], peers })])).toThrow('desk panel peers is declared by both one and two');
    const ownEntry = async () => null;
    expect(() => assemble([withDesk('one', { kinds: [], ownEntry }), withDesk('two', { kinds: [], ownEntry })])).toThrow('desk panel own entry');
  });
});
