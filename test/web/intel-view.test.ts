import { describe, expect, it } from 'vitest';
import { displayName, outgoingLinks, starLayout, typeOfId } from '../../web/src/intel/stix.view.js';

const ID = (type: string, n: number) => `${type}--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

describe('what the web app reads out of a STIX object', () => {
  it('names an object by its name, value or pattern, else by type and id', () => {
    expect(displayName({ type: 'malware', id: ID('malware', 1), name: 'Emotet' })).toBe('Emotet');
    expect(displayName({ type: 'ipv4-addr', id: ID('ipv4-addr', 2), value: '198.51.100.7' })).toBe('198.51.100.7');
    expect(displayName({ type: 'autonomous-system', number: 64500 })).toBe('64500');
    expect(displayName({ type: 'relationship', id: ID('relationship', 3), relationship_type: 'uses' })).toBe('uses');
    expect(displayName({ type: 'file', hashes: { 'SHA-256': 'ab'.repeat(32) } })).toBe('ab'.repeat(32));
    expect(displayName({ type: 'sighting', id: ID('sighting', 4) })).toBe('sighting 00000004');
    expect(displayName({ type: 'note', content: 'x', name: 'y'.repeat(200) })).toHaveLength(120);
  });

  it('finds every reference, at any depth, once per property, but not marking references', () => {
    const o = {
      type: 'report',
      id: ID('report', 1),
      created_by_ref: ID('identity', 1),
      object_marking_refs: [ID('marking-definition', 1)],
      object_refs: [ID('indicator', 1), ID('malware', 1), ID('indicator', 1), 'not an id'],
      granular_markings: [{ marking_ref: ID('marking-definition', 2), selectors: ['name'] }],
      extensions: { 'x-ext': { analyst_ref: ID('identity', 2) } },
    };
    expect(outgoingLinks(o).map((l) => [l.property, l.to])).toEqual([
      ['created_by_ref', ID('identity', 1)],
      ['object_refs', ID('indicator', 1)],
      ['object_refs', ID('malware', 1)],
      ['analyst_ref', ID('identity', 2)],
    ]);
    expect(outgoingLinks({ type: 'relationship', id: ID('relationship', 1), source_ref: ID('malware', 1), target_ref: ID('identity', 1) }).map((l) => l.property)).toEqual(['source_ref', 'target_ref']);
    expect(typeOfId(ID('attack-pattern', 9))).toBe('attack-pattern');
  });

  it('lays the object in the middle and its links on a circle, the same way each time', () => {
    const nodes = starLayout('c', ['a', 'b', 'd', 'e'], 640, 360);
    expect(nodes[0]).toEqual({ id: 'c', x: 320, y: 180 });
    // First at the top, then clockwise; all on the circle of radius 120.
    expect(nodes[1]).toEqual({ id: 'a', x: 320, y: 60 });
    expect(nodes[2]).toEqual({ id: 'b', x: 440, y: 180 });
    for (const n of nodes.slice(1)) expect(Math.round(Math.hypot(n.x - 320, n.y - 180))).toBe(120);
    expect(starLayout('c', ['a', 'b', 'd', 'e'], 640, 360)).toEqual(nodes);
  });
});
