/**
 * One pass over the raw JSON text of a batch, before anything parses it: how deep it nests,
 * and the text of each top-level member but `body`. The inbox uses it to refuse too-deep
 * bodies (recursive code downstream would overflow the stack) and to identify the sender
 * from the batch header without building the whole body.
 */
export const MAX_JSON_DEPTH = 64;

export type BatchScan = { tooDeep: true } | { tooDeep: false; header: Record<string, string> };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(buf: Uint8Array & { indexOf(v: number, from: number): number }, open: number): number {
  let j = open;
  for (;;) {
    j = buf.indexOf(QUOTE, j + 1);
    if (j < 0) return -1;
    let slashes = 0;
    for (let k = j - 1; buf[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return j;
  }
}

export function scanBatchText(buf: Buffer, maxDepth = MAX_JSON_DEPTH): BatchScan {
  const header: Record<string, string> = {};
  let depth = 0;
  let key: string | null = null;
  let valueStart = -1;
  const endMember = (end: number) => {
    if (key !== null && key !== 'body' && valueStart >= 0) header[key] = buf.toString('utf8', valueStart, end).trim();
    key = null;
    valueStart = -1;
  };
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      const end = closingQuote(buf, i);
      if (end < 0) break; // unterminated: the JSON parser reports it
      if (depth === 1 && valueStart < 0) {
        try {
          key = JSON.parse(buf.toString('utf8', i, end + 1)) as string;
        } catch {
          key = null;
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return { tooDeep: true };
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 1) endMember(i);
      depth--;
    } else if (depth === 1) {
      if (c === COLON && key !== null && valueStart < 0) valueStart = i + 1;
      else if (c === COMMA) endMember(i);
    }
  }
  return { tooDeep: false, header };
}

/** Whether a parsed JSON value nests deeper than `maxDepth` (iterative: no recursion to overflow). */
export function nestsDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > maxDepth) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

/**
 * The top-level members of a batch read from both ends of its text, without passing through
 * the body: from the front up to the first member whose value is not flat, and from the back
 * down to it. `header`: the text of each member read but `body`; `sigCut`: the bytes of the
 * `sig` member with one comma next to it. For a batch sent as its canonical text (as Accord
 * sends every batch), the text without `sigCut` is exactly what the batch signature covers.
 */
export interface BatchFrame {
  header: Record<string, string>;
  sigCut: [number, number] | null;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const isScalarChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45;

function skipSpace(buf: Buffer, i: number): number {
  while (i < buf.length && SPACE.has(buf[i]!)) i++;
  return i;
}

function skipSpaceBack(buf: Buffer, i: number): number {
  while (i >= 0 && SPACE.has(buf[i]!)) i--;
  return i;
}

/** Index of the quote that opens the string closed at `close`, or -1. */
function openingQuote(buf: Buffer, close: number): number {
  let j = close;
  for (;;) {
    j = j > 0 ? buf.lastIndexOf(QUOTE, j - 1) : -1;
    if (j < 0) return -1;
    let slashes = 0;
    for (let k = j - 1; k >= 0 && buf[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return j;
  }
}

/** End (exclusive) of the string, number or literal starting at `i`, or -1. */
function scalarEnd(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c === QUOTE) {
    const end = closingQuote(buf, i);
    return end < 0 ? -1 : end + 1;
  }
  let j = i;
  while (j < buf.length && isScalarChar(buf[j]!)) j++;
  return j > i ? j : -1;
}

/** Start of the string, number or literal ending at `i` (inclusive), or -1. */
function scalarStart(buf: Buffer, i: number): number {
  if (i < 0) return -1;
  if (buf[i] === QUOTE) return openingQuote(buf, i);
  let j = i;
  while (j >= 0 && isScalarChar(buf[j]!)) j--;
  return j < i ? j + 1 : -1;
}

/** End of a flat value (a scalar, an array of scalars, an object of scalars) starting at `i`, or -1. */
function flatEnd(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c !== OPEN_BRACKET && c !== OPEN_BRACE) return scalarEnd(buf, i);
  const close = c === OPEN_BRACKET ? CLOSE_BRACKET : CLOSE_BRACE;
  let j = skipSpace(buf, i + 1);
  if (buf[j] === close) return j + 1;
  for (;;) {
    if (c === OPEN_BRACE) {
      if (buf[j] !== QUOTE) return -1;
      j = skipSpace(buf, scalarEnd(buf, j));
      if (buf[j] !== COLON) return -1;
      j = skipSpace(buf, j + 1);
    }
    if (buf[j] === OPEN_BRACKET || buf[j] === OPEN_BRACE) return -1;
    const end = scalarEnd(buf, j);
    if (end < 0) return -1;
    j = skipSpace(buf, end);
    if (buf[j] === close) return j + 1;
    if (buf[j] !== COMMA) return -1;
    j = skipSpace(buf, j + 1);
  }
}

/** Start of a flat value ending at `i` (inclusive), or -1. */
function flatStart(buf: Buffer, i: number): number {
  const c = buf[i];
  if (c !== CLOSE_BRACKET && c !== CLOSE_BRACE) return scalarStart(buf, i);
  const open = c === CLOSE_BRACKET ? OPEN_BRACKET : OPEN_BRACE;
  let j = skipSpaceBack(buf, i - 1);
  if (buf[j] === open) return j;
  for (;;) {
    if (buf[j] === CLOSE_BRACKET || buf[j] === CLOSE_BRACE) return -1;
    const start = scalarStart(buf, j);
    if (start < 0) return -1;
    j = skipSpaceBack(buf, start - 1);
    if (c === CLOSE_BRACE) {
      if (buf[j] !== COLON) return -1;
      j = skipSpaceBack(buf, j - 1);
      if (buf[j] !== QUOTE) return -1;
      const keyStart = openingQuote(buf, j);
      if (keyStart < 0) return -1;
      j = skipSpaceBack(buf, keyStart - 1);
    }
    if (buf[j] === open) return j;
    if (buf[j] !== COMMA) return -1;
    j = skipSpaceBack(buf, j - 1);
  }
}

function keyAt(buf: Buffer, start: number, end: number): string | null {
  try {
    const k = JSON.parse(buf.toString('utf8', start, end)) as unknown;
    return typeof k === 'string' ? k : null;
  } catch {
    return null;
  }
}

/**
 * Reads the batch frame (see BatchFrame), or null when the text is not an object whose members
 * around one non-flat value (the body) are flat: the caller then scans the whole text.
 */
export function readBatchFrame(buf: Buffer): BatchFrame | null {
  const members: { key: string; start: number; value: number; end: number }[] = [];
  let i = skipSpace(buf, 0);
  if (buf[i] !== OPEN_BRACE) return null;
  i = skipSpace(buf, i + 1);
  let stop = -1; // where the front reading stopped: the start of the member with a non-flat value
  if (buf[i] !== CLOSE_BRACE) {
    for (;;) {
      if (buf[i] !== QUOTE) return null;
      const keyEnd = scalarEnd(buf, i);
      const key = keyEnd < 0 ? null : keyAt(buf, i, keyEnd);
      if (key === null) return null;
      let v = skipSpace(buf, keyEnd);
      if (buf[v] !== COLON) return null;
      v = skipSpace(buf, v + 1);
      const end = key === 'body' ? -1 : flatEnd(buf, v);
      if (end < 0) {
        stop = i;
        break;
      }
      members.push({ key, start: i, value: v, end });
      i = skipSpace(buf, end);
      if (buf[i] === CLOSE_BRACE) break;
      if (buf[i] !== COMMA) return null;
      i = skipSpace(buf, i + 1);
    }
  }
  const last = skipSpaceBack(buf, buf.length - 1);
  if (buf[last] !== CLOSE_BRACE) return null;
  if (stop >= 0) {
    // From the back, down to the member the front reading stopped at.
    let j = skipSpaceBack(buf, last - 1);
    for (;;) {
      const v = flatStart(buf, j);
      if (v < 0) break;
      let k = skipSpaceBack(buf, v - 1);
      if (buf[k] !== COLON) return null;
      k = skipSpaceBack(buf, k - 1);
      if (buf[k] !== QUOTE) return null;
      const keyStart = openingQuote(buf, k);
      if (keyStart <= stop) break;
      const key = keyAt(buf, keyStart, k + 1);
      if (key === null) return null;
      if (key === 'body') break;
      members.push({ key, start: keyStart, value: v, end: j + 1 });
      j = skipSpaceBack(buf, keyStart - 1);
      if (buf[j] !== COMMA) return null;
      j = skipSpaceBack(buf, j - 1);
    }
  }
  const header: Record<string, string> = {};
  let sigCut: [number, number] | null = null;
  for (const m of members) {
    // A member named twice: JSON.parse keeps the last, which a reading from both ends cannot tell.
    if (Object.hasOwn(header, m.key)) return null;
    header[m.key] = buf.toString('utf8', m.value, m.end);
    if (m.key === 'sig') {
      const after = skipSpace(buf, m.end);
      if (buf[after] === COMMA) sigCut = [m.start, skipSpace(buf, after + 1)];
      else {
        const before = skipSpaceBack(buf, m.start - 1);
        sigCut = buf[before] === COMMA ? [before, m.end] : null;
      }
    }
  }
  return { header, sigCut };
}
