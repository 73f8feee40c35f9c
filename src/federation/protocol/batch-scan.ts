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
