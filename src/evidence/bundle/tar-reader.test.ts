import { Readable, Writable } from 'node:stream';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { TarFormatError, TarReader, type TarEntry } from './tar-reader.js';

async function tarOf(entries: { name: string; data?: Buffer; type?: 'file' | 'directory' }[], pax?: Record<string, string>): Promise<Buffer> {
  const p = pack();
  const parts: Buffer[] = [];
  const done = new Promise<void>((res) => (p as unknown as Readable).pipe(new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) })).on('finish', res));
  for (const e of entries) await new Promise<void>((res, rej) => p.entry({ name: e.name, type: e.type ?? 'file', ...(pax ? { pax } : {}) }, e.data ?? Buffer.alloc(0), (err) => (err ? rej(err) : res())));
  p.finalize();
  await done;
  return Buffer.concat(parts);
}

function read(tar: Buffer, chunk: number): { entries: TarEntry[]; data: Map<string, Buffer> } {
  const entries: TarEntry[] = [];
  const data = new Map<string, Buffer>();
  const r = new TarReader({
    entry(e) {
      entries.push(e);
      const parts: Buffer[] = [];
      return { data: (c) => void parts.push(Buffer.from(c)), end: () => void data.set(e.path, Buffer.concat(parts)) };
    },
  });
  for (let i = 0; i < tar.length; i += chunk) r.push(tar.subarray(i, i + chunk));
  r.end();
  return { entries, data };
}

describe('tar reader', () => {
  it('reads members, long names (pax) and empty files, whatever the chunk size', async () => {
    const long = `attachments/${'a'.repeat(150)}`;
    const tar = await tarOf([
      { name: 'manifest.json', data: Buffer.from('{"a":1}') },
      { name: 'events', type: 'directory' },
      { name: long, data: Buffer.alloc(1025, 3) },
      { name: 'empty', data: Buffer.alloc(0) },
    ]);
    for (const chunk of [1, 511, 512, 4096, tar.length]) {
      const { entries, data } = read(tar, chunk);
      expect(entries.map((e) => [e.path, e.type, e.size])).toEqual([['manifest.json', '0', 7], ['events', '5', 0], [long, '0', 1025], ['empty', '0', 0]]);
      expect(data.get(long)).toEqual(Buffer.alloc(1025, 3));
      expect(data.get('empty')).toEqual(Buffer.alloc(0));
      expect(tar.subarray(entries[0]!.dataOffset, entries[0]!.dataOffset + 7).toString()).toBe('{"a":1}');
    }
  });

  it('refuses a damaged header and an archive cut inside a member', async () => {
    const tar = await tarOf([{ name: 'x', data: Buffer.alloc(2000, 1) }]);
    const bad = Buffer.from(tar);
    bad[10] = 0x41;
    expect(() => read(bad, 512)).toThrow(TarFormatError);
    expect(() => read(tar.subarray(0, 1500), 512)).toThrow(/ends inside a member/);
  });
});
