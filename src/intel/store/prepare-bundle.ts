import { validateStixObject } from '../stix/index.js';
import { readBundle, type BundleHeader } from './bundle-stream.js';
import type { PreparedObject } from './objects.repository.js';
import { prepareObject } from './prepare.js';

export interface Refusal {
  /** Position in the bundle's `objects`. */
  index: number;
  id?: string;
  /** What is wrong: the validator's problems, or the reader's (`invalid-json`, `object-too-large`, `too-deep`). */
  errors: { path: string; code: string; message: string }[];
}

/** What was read of a bundle since the group before: objects ready to store, and those refused. */
export interface PreparedGroup {
  accepted: PreparedObject[];
  /** The position in the bundle of each accepted object. */
  indexes: number[];
  /** Each refusal, with what was read of the object (undefined when it could not be parsed). */
  refused: { refusal: Refusal; object?: unknown }[];
  /** Elements read from the start of the bundle, and bytes. */
  objectsRead: number;
  bytes: number;
}

/**
 * Reads a bundle's objects and makes each ready to store or refuses it: parsed, validated
 * against STIX 2.1, its version, marking and search text read. Pure work on the bytes (no
 * database), the same whether it runs in the importing thread or in a worker thread beside it.
 */
export class BundlePreparer {
  private group: PreparedGroup = emptyGroup(0, 0);
  private read = 0;
  private bytes = 0;

  constructor(private readonly groupSize: number) {}

  /** Yields a group each `groupSize` elements; what is left at the end is taken with take(). */
  async *run(source: AsyncIterable<Uint8Array>, header: BundleHeader): AsyncGenerator<PreparedGroup> {
    let inGroup = 0;
    for await (const el of readBundle(source, header, undefined, (n) => (this.bytes += n))) {
      this.read++;
      const g = this.group;
      if ('error' in el) {
        g.refused.push({ refusal: { index: el.index, errors: [{ path: '', code: el.error.code, message: el.error.message }] } });
      } else {
        const v = validateStixObject(el.object);
        if (!v.ok) g.refused.push({ refusal: { index: el.index, ...(v.id ? { id: v.id } : {}), errors: v.errors }, object: el.object });
        else {
          g.accepted.push(prepareObject(v.object));
          g.indexes.push(el.index);
        }
      }
      if (++inGroup >= this.groupSize) {
        inGroup = 0;
        yield this.take();
      }
    }
  }

  /** What was prepared since the last group (possibly nothing), with the counts so far. */
  take(): PreparedGroup {
    const g = this.group;
    g.objectsRead = this.read;
    g.bytes = this.bytes;
    this.group = emptyGroup(this.read, this.bytes);
    return g;
  }
}

function emptyGroup(objectsRead: number, bytes: number): PreparedGroup {
  return { accepted: [], indexes: [], refused: [], objectsRead, bytes };
}

/**
 * A group as it crosses to another thread: one array per field. Structured cloning copies an
 * array of strings several times faster than as many small objects of the same strings.
 */
export interface PackedGroup {
  id: string[];
  version: string[];
  type: string[];
  spec_version: string[];
  revoked: boolean[];
  tlp: PreparedObject['tlp'][];
  search_text: string[];
  json: string[];
  link_target: (string | null)[];
  indexes: number[];
  refused: PreparedGroup['refused'];
  objectsRead: number;
  bytes: number;
}

export function packGroup(g: PreparedGroup): PackedGroup {
  const a = g.accepted;
  return {
    id: a.map((o) => o.id),
    version: a.map((o) => o.version),
    type: a.map((o) => o.type),
    spec_version: a.map((o) => o.spec_version),
    revoked: a.map((o) => o.revoked),
    tlp: a.map((o) => o.tlp),
    search_text: a.map((o) => o.search_text),
    json: a.map((o) => o.json),
    link_target: a.map((o) => o.link_target ?? null),
    indexes: g.indexes,
    refused: g.refused,
    objectsRead: g.objectsRead,
    bytes: g.bytes,
  };
}

export function unpackGroup(p: PackedGroup): PreparedGroup {
  const accepted: PreparedObject[] = new Array(p.id.length);
  for (let i = 0; i < accepted.length; i++) {
    const target = p.link_target[i];
    accepted[i] = {
      id: p.id[i]!,
      version: p.version[i]!,
      type: p.type[i]!,
      spec_version: p.spec_version[i]!,
      revoked: p.revoked[i]!,
      tlp: p.tlp[i]!,
      search_text: p.search_text[i]!,
      json: p.json[i]!,
      ...(target !== null && target !== undefined ? { link_target: target } : {}),
    };
  }
  return { accepted, indexes: p.indexes, refused: p.refused, objectsRead: p.objectsRead, bytes: p.bytes };
}
