/**
 * A streaming reader of tar archives (POSIX ustar, pax extended headers, GNU long names),
 * written without any platform import so that the bundle verifier runs in Node and in the
 * browser alike. It is push-based: feed it chunks of any size in order; it calls `entry` for
 * each member, then hands the member's bytes to the sink that call returned, as they arrive,
 * never holding more than one 512-byte header. Members other than regular files (folders,
 * links, devices) are reported with their type and no data is kept for them.
 */

const BLOCK = 512;
/** pax and GNU long-name records are held whole; a longer one is refused. */
const MAX_META_BYTES = 1024 * 1024;

export class TarFormatError extends Error {
  override name = 'TarFormatError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

export interface TarEntry {
  path: string;
  size: number;
  /** '0' a regular file, '5' a folder, '1'/'2' links, …, as in the header. */
  type: string;
  /** Offset of the member's first data byte in the archive. */
  dataOffset: number;
  /** Offset of the member's ustar header (after any pax or long-name records). */
  headerOffset: number;
}

export interface TarSink {
  data(chunk: Uint8Array): void;
  end(): void;
}

export interface TarHandler {
  entry(e: TarEntry): TarSink | null;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function cString(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return decoder.decode(b.subarray(start, end));
}

function octal(b: Uint8Array, start: number, len: number, offset: number): number {
  // GNU base-256: high bit of the first byte set.
  if ((b[start]! & 0x80) !== 0) {
    let v = b[start]! & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i]!;
    if (!Number.isSafeInteger(v)) throw new TarFormatError('a size too large', offset);
    return v;
  }
  const s = cString(b, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`a numeric field is not octal: ${JSON.stringify(s)}`, offset);
  return parseInt(s, 8);
}

function checksumOk(h: Uint8Array, offset: number): boolean {
  const want = octal(h, 148, 8, offset);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === want;
}

function parsePax(b: Uint8Array, offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < b.length) {
    let sp = i;
    while (sp < b.length && b[sp] !== 0x20) sp++;
    const len = Number(decoder.decode(b.subarray(i, sp)));
    if (!Number.isInteger(len) || len <= 0 || i + len > b.length) throw new TarFormatError('a malformed pax record', offset);
    const rec = decoder.decode(b.subarray(sp + 1, i + len - 1));
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

type State = 'header' | 'data' | 'pad' | 'end';

export class TarReader {
  private state: State = 'header';
  private offset = 0;
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private remaining = 0;
  private pad = 0;
  private sink: TarSink | null = null;
  /** pax ('x') or GNU long-name ('L') data being gathered for the next header. */
  private meta: { kind: 'x' | 'L'; parts: Uint8Array[]; size: number } | null = null;
  private pending: { path?: string; size?: number } = {};

  constructor(private readonly handler: TarHandler) {}

  /** Bytes read so far. */
  get position(): number {
    return this.offset;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case 'end':
          this.offset += chunk.length - i;
          return;
        case 'header': {
          const n = Math.min(BLOCK - this.headerFill, chunk.length - i);
          this.header.set(chunk.subarray(i, i + n), this.headerFill);
          this.headerFill += n;
          i += n;
          this.offset += n;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            this.onHeader(this.offset - BLOCK);
          }
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, chunk.length - i);
          const part = chunk.subarray(i, i + n);
          if (this.meta) {
            this.meta.parts.push(part.slice());
            this.meta.size += n;
          } else this.sink?.data(part);
          i += n;
          this.offset += n;
          this.remaining -= n;
          if (this.remaining === 0) this.endData();
          break;
        }
        case 'pad': {
          const n = Math.min(this.pad, chunk.length - i);
          i += n;
          this.offset += n;
          this.pad -= n;
          if (this.pad === 0) this.state = 'header';
          break;
        }
      }
    }
  }

  /** The archive ended: a cut inside a member is an error; a missing end-of-archive marker is not. */
  end(): void {
    if (this.state === 'data' || this.state === 'pad' || this.headerFill !== 0) throw new TarFormatError('the archive ends inside a member', this.offset);
    if (this.meta || this.pending.path !== undefined) throw new TarFormatError('the archive ends after an extended header', this.offset);
  }

  private onHeader(at: number): void {
    const h = this.header;
    if (h.every((x) => x === 0)) {
      this.state = 'end';
      return;
    }
    if (!checksumOk(h, at)) throw new TarFormatError('a header checksum does not match: not a tar archive, or a damaged one', at);
    const type = String.fromCharCode(h[156]!) === '\0' ? '0' : String.fromCharCode(h[156]!);
    let size = octal(h, 124, 12, at);
    if (type === 'x' || type === 'L') {
      if (size > MAX_META_BYTES) throw new TarFormatError('an extended header too large', at);
      this.meta = { kind: type, parts: [], size: 0 };
      this.startData(size);
      return;
    }
    if (type === 'g') {
      // Global pax records hold nothing a bundle needs: skip their data.
      this.sink = null;
      this.startData(size);
      return;
    }
    const magic = cString(h, 257, 6);
    const prefix = magic.startsWith('ustar') ? cString(h, 345, 155) : '';
    const name = cString(h, 0, 100);
    let path = prefix ? `${prefix}/${name}` : name;
    if (this.pending.path !== undefined) path = this.pending.path;
    if (this.pending.size !== undefined) size = this.pending.size;
    this.pending = {};
    const typeCarriesData = type === '0' || type === '7';
    this.sink = this.handler.entry({ path, size: typeCarriesData ? size : 0, type, dataOffset: at + BLOCK, headerOffset: at });
    this.startData(typeCarriesData ? size : 0);
  }

  private startData(size: number): void {
    this.remaining = size;
    this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.endData();
    else this.state = 'data';
  }

  private endData(): void {
    if (this.meta) {
      const all = new Uint8Array(this.meta.size);
      let o = 0;
      for (const p of this.meta.parts) {
        all.set(p, o);
        o += p.length;
      }
      if (this.meta.kind === 'L') this.pending.path = cString(all, 0, all.length);
      else {
        const rec = parsePax(all, this.offset);
        if (rec.path !== undefined) this.pending.path = rec.path;
        if (rec.size !== undefined) {
          const s = Number(rec.size);
          if (!Number.isSafeInteger(s) || s < 0) throw new TarFormatError('a pax size is not a whole number', this.offset);
          this.pending.size = s;
        }
      }
      this.meta = null;
    } else {
      this.sink?.end();
      this.sink = null;
    }
    this.state = this.pad > 0 ? 'pad' : 'header';
  }
}
