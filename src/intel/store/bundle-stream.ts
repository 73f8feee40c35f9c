/**
 * Reads a STIX bundle (`{"type":"bundle","id":…,"objects":[…]}`) from a byte stream and yields
 * the elements of its `objects` array one by one, each parsed on its own, so that a bundle of
 * any size is read in memory bounded by its largest object. A scanner keeps only the bytes of
 * the element being read; it tracks strings and nesting, nothing else (JSON.parse does the
 * rest, per element).
 *
 * An element too large or nested too deep is skipped and reported as that element's error;
 * a bundle that is not JSON, not a bundle, or ends early fails as a whole with the byte
 * offset where it went wrong.
 */
export interface BundleLimits {
  /** Bytes one object may take (default 8 MiB). */
  maxObjectBytes: number;
  /** Nesting one object may reach (default 64). */
  maxDepth: number;
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxObjectBytes: 8 * 1024 * 1024, maxDepth: 64 };

export type BundleElement = { index: number; object: unknown } | { index: number; error: { code: 'object-too-large' | 'too-deep' | 'invalid-json'; message: string } };

export class BundleFormatError extends Error {
  override name = 'BundleFormatError';
  constructor(
    /** What is wrong, without the offset (a worker thread sends it back with the offset). */
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} (at byte ${offset})`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Where the scanner is in the bundle's outer object. */
type Outer = 'start' | 'key-or-end' | 'colon' | 'value' | 'after-value' | 'in-objects' | 'done';

export interface BundleHeader {
  type?: unknown;
  id?: unknown;
}

/**
 * Yields each element of the bundle's `objects`; when the stream ends, `header` holds the
 * outer `type` and `id` (checked by the caller: a bundle names itself).
 */
export async function* readBundle(source: AsyncIterable<Uint8Array>, header: BundleHeader = {}, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS, onBytes?: (n: number) => void): AsyncGenerator<BundleElement> {
  let outer: Outer = 'start';
  let offset = 0; // bytes consumed before the current buffer
  let key = ''; // the outer key whose value is being read
  let sawObjects = false;
  let index = 0;
  // The outer value being read (a small scalar or a skipped structure), as bytes.
  let valueParts: Buffer[] = [];
  let valueDepth = 0;
  let valueInString = false;
  let valueEscape = false;
  let valueStarted = false;
  // The element being read.
  let el: Buffer[] = [];
  let elBytes = 0;
  let elDepth = 0;
  let elMaxDepth = 0;
  let elInString = false;
  let elEscape = false;
  let elActive = false;
  let elSkipping: 'object-too-large' | null = null;
  let elStart = 0;
  // Key strings of the outer object.
  let keyParts: Buffer[] | null = null;
  let keyEscape = false;

  const fail = (msg: string, at: number): never => {
    throw new BundleFormatError(msg, at);
  };

  for await (const chunk of source) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (outer === 'in-objects') {
        if (!elActive) {
          // Between elements: skip spaces and commas, find the next element or the end.
          const b = buf[i]!;
          if (isSpace(b) || b === COMMA) {
            i++;
            continue;
          }
          if (b === CLOSE_ARR) {
            outer = 'after-value';
            i++;
            continue;
          }
          elActive = true;
          el = [];
          elBytes = 0;
          elDepth = 0;
          elMaxDepth = 0;
          elInString = false;
          elEscape = false;
          elSkipping = null;
          elStart = i;
        }
        // Inside an element: scan to its end.
        let end = -1;
        let j = i;
        for (; j < n; j++) {
          if (elInString) {
            // Most bytes are inside strings: jump to the next quote (native search), then tell
            // an escaped quote from the closing one by the backslashes right before it.
            if (elEscape) {
              elEscape = false;
              continue;
            }
            const q = buf.indexOf(QUOTE, j);
            const upTo = q === -1 ? n : q;
            let run = 0;
            while (upTo - 1 - run >= j && buf[upTo - 1 - run] === BACKSLASH) run++;
            if (q === -1) {
              // The string goes on in the next piece, perhaps right after a backslash.
              elEscape = run % 2 === 1;
              break;
            }
            j = q;
            if (run % 2 === 0) elInString = false;
            continue;
          }
          const b = buf[j]!;
          if (b === QUOTE) elInString = true;
          else if (b === OPEN_OBJ || b === OPEN_ARR) {
            elDepth++;
            if (elDepth > elMaxDepth) elMaxDepth = elDepth;
          } else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
            if (elDepth === 0) {
              // The array's closing bracket right after a scalar element.
              end = j;
              break;
            }
            elDepth--;
            if (elDepth === 0) {
              end = j + 1;
              break;
            }
          } else if (b === COMMA && elDepth === 0) {
            end = j;
            break;
          }
        }
        const stop = end === -1 ? n : end;
        const piece = buf.subarray(elStart, stop);
        elBytes += piece.length;
        if (!elSkipping && elBytes > limits.maxObjectBytes) {
          elSkipping = 'object-too-large';
          el = [];
        }
        if (!elSkipping) el.push(piece);
        if (end === -1) {
          i = n;
          elStart = 0;
          continue;
        }
        i = end;
        elStart = 0;
        elActive = false;
        const at = index++;
        if (elSkipping) yield { index: at, error: { code: elSkipping, message: `an object may have at most ${limits.maxObjectBytes} bytes` } };
        else if (elMaxDepth > limits.maxDepth) yield { index: at, error: { code: 'too-deep', message: `an object may nest at most ${limits.maxDepth} levels` } };
        else {
          const text = el.length === 1 ? el[0]!.toString('utf8') : Buffer.concat(el).toString('utf8');
          let object: unknown;
          let bad: string | null = null;
          try {
            object = JSON.parse(text);
          } catch (e) {
            bad = (e as Error).message;
          }
          yield bad === null ? { index: at, object } : { index: at, error: { code: 'invalid-json', message: bad } };
        }
        el = [];
        continue;
      }

      const b = buf[i]!;
      if (keyParts) {
        // Reading an outer key.
        let j = i;
        for (; j < n; j++) {
          const c = buf[j]!;
          if (keyEscape) keyEscape = false;
          else if (c === BACKSLASH) keyEscape = true;
          else if (c === QUOTE) break;
        }
        keyParts.push(buf.subarray(i, j));
        if (j === n) {
          i = n;
          continue;
        }
        key = JSON.parse(`"${Buffer.concat(keyParts).toString('utf8')}"`) as string;
        keyParts = null;
        outer = 'colon';
        i = j + 1;
        continue;
      }
      switch (outer) {
        case 'start':
          if (isSpace(b)) break;
          if (b !== OPEN_OBJ) fail('a STIX bundle is a JSON object', offset + i);
          outer = 'key-or-end';
          break;
        case 'key-or-end':
          if (isSpace(b) || b === COMMA) break;
          if (b === CLOSE_OBJ) {
            outer = 'done';
            break;
          }
          if (b !== QUOTE) fail('expected a property name', offset + i);
          keyParts = [];
          break;
        case 'colon':
          if (isSpace(b)) break;
          if (b !== COLON) fail("expected ':'", offset + i);
          outer = 'value';
          valueParts = [];
          valueDepth = 0;
          valueInString = false;
          valueEscape = false;
          valueStarted = false;
          break;
        case 'value': {
          if (!valueStarted && isSpace(b)) break;
          if (!valueStarted && key === 'objects') {
            if (b !== OPEN_ARR) fail('objects must be an array', offset + i);
            if (sawObjects) fail('objects appears twice', offset + i);
            sawObjects = true;
            outer = 'in-objects';
            break;
          }
          // Another outer property: keep small values (type, id), skip the rest.
          valueStarted = true;
          let j = i;
          let end = -1;
          for (; j < n; j++) {
            const c = buf[j]!;
            if (valueInString) {
              if (valueEscape) valueEscape = false;
              else if (c === BACKSLASH) valueEscape = true;
              else if (c === QUOTE) {
                valueInString = false;
                if (valueDepth === 0) {
                  end = j + 1;
                  break;
                }
              }
              continue;
            }
            if (c === QUOTE) valueInString = true;
            else if (c === OPEN_OBJ || c === OPEN_ARR) valueDepth++;
            else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
              if (valueDepth === 0) {
                end = j;
                break;
              }
              valueDepth--;
              if (valueDepth === 0) {
                end = j + 1;
                break;
              }
            } else if (c === COMMA && valueDepth === 0) {
              end = j;
              break;
            }
          }
          const stop = end === -1 ? n : end;
          if ((key === 'type' || key === 'id') && valueParts.reduce((s, p) => s + p.length, 0) < 1024) valueParts.push(buf.subarray(i, stop));
          if (end === -1) {
            i = n;
            continue;
          }
          if (key === 'type' || key === 'id') {
            try {
              header[key] = JSON.parse(Buffer.concat(valueParts).toString('utf8').trim());
            } catch {
              fail(`the bundle's ${key} is not valid JSON`, offset + end);
            }
          }
          outer = 'after-value';
          i = end;
          continue;
        }
        case 'after-value':
          if (isSpace(b)) break;
          if (b === COMMA) outer = 'key-or-end';
          else if (b === CLOSE_OBJ) outer = 'done';
          else fail("expected ',' or '}'", offset + i);
          break;
        case 'done':
          if (!isSpace(b)) fail('unexpected bytes after the bundle', offset + i);
          break;
      }
      i++;
    }
    offset += n;
    onBytes?.(n);
  }
  if (outer !== 'done') fail('the bundle ends early', offset);
}
