import { isBase64, isHex, isTimestamp } from './stix.values.js';

/**
 * The tokens of the STIX patterning language (STIX 2.1 §9.2–§9.4): punctuation, comparison
 * operators, upper-case keywords, identifiers and the typed literals (`'string'` with the
 * escapes `\'` and `\\`, integers and floats with an optional sign, `true`/`false`,
 * `t'timestamp'`, `h'hex'`, `b'base64'`). One left-to-right scan with no backtracking, so the
 * time is linear in the input; whitespace and comments (`/* … *\/`, `// …`) are skipped.
 */

export type TokenType =
  | '['
  | ']'
  | '('
  | ')'
  | ':'
  | '.'
  | ','
  | '*'
  | 'op'
  | 'keyword'
  | 'ident'
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'timestamp'
  | 'hex'
  | 'binary'
  | 'eof';

export interface Token {
  type: TokenType;
  /** The keyword, operator, identifier, or the literal's decoded value (numbers: their text). */
  value: string;
  pos: number;
  /** For identifiers: whether the name holds a hyphen (allowed in object types only). */
  hyphen?: boolean;
}

export class PatternSyntaxError extends Error {
  override name = 'PatternSyntaxError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'TIMES',
  'WITHIN',
  'REPEATS',
]);


const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * The tokens of a pattern, lexed on demand as the parser asks for them (so a parse that fails
 * early reads no further), ending with an `eof` token. Throws PatternSyntaxError with the offset.
 */
export class TokenStream {
  private readonly tokens: Token[] = [];
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly maxTokens: number,
  ) {}

  /** The token at index k (k at most one past the last one read). */
  at(k: number): Token {
    while (this.tokens.length <= k) {
      const last = this.tokens[this.tokens.length - 1];
      if (last?.type === 'eof') return last;
      this.lexOne();
    }
    return this.tokens[k]!;
  }

  private lexOne(): void {
    const { src, tokens, maxTokens } = this;
    const n = src.length;
    let i = this.i;
    // One pass of the body reads one token; `continue` ends the pass.
    for (let once = true; once; once = false) {
      while (i < n) {
        const c = src.charCodeAt(i);
        if (isSpace(c)) i++;
        else if (c === 47 && src.charCodeAt(i + 1) === 42) {
          const end = src.indexOf('*/', i + 2);
          if (end < 0) throw new PatternSyntaxError('unterminated comment', i);
          i = end + 2;
        } else if (c === 47 && src.charCodeAt(i + 1) === 47) {
          const end = src.indexOf('\n', i + 2);
          i = end < 0 ? n : end + 1;
        } else break;
      }
      if (tokens.length >= maxTokens) throw new PatternSyntaxError(`a pattern has at most ${maxTokens} tokens`, i);
      if (i >= n) {
        tokens.push({ type: 'eof', value: '', pos: n });
        this.i = n;
        return;
      }
      const start = i;
      const c = src.charCodeAt(i);
      const next = src.charCodeAt(i + 1);
      switch (c) {
        case 91: // [
        case 93: // ]
        case 40: // (
        case 41: // )
        case 58: // :
        case 44: // ,
        case 42: // *
          tokens.push({ type: src[i] as TokenType, value: src[i]!, pos: i });
          i++;
          continue;
        case 61: // =
          tokens.push({ type: 'op', value: '=', pos: i });
          i++;
          continue;
        case 33: // !
          if (next !== 61) throw new PatternSyntaxError("'!' must be followed by '='", i);
          tokens.push({ type: 'op', value: '!=', pos: i });
          i += 2;
          continue;
        case 60: // <
        case 62: // >
          if (next === 61) {
            tokens.push({ type: 'op', value: src[i]! + '=', pos: i });
            i += 2;
          } else {
            tokens.push({ type: 'op', value: src[i]!, pos: i });
            i++;
          }
          continue;
        case 39: {
          // '
          const [value, end] = readQuoted(src, i);
          tokens.push({ type: 'string', value, pos: start });
          i = end;
          continue;
        }
      }
      if (c === 46 && !isDigit(next)) {
        tokens.push({ type: '.', value: '.', pos: i });
        i++;
        continue;
      }
      if (isDigit(c) || c === 46 || ((c === 43 || c === 45) && (isDigit(next) || next === 46))) {
        i = readNumber(src, i, tokens);
        continue;
      }
      if (next === 39 && (c === 116 || c === 104 || c === 98)) {
        // t'…', h'…', b'…': no escapes inside
        const end = src.indexOf("'", i + 2);
        if (end < 0) throw new PatternSyntaxError('unterminated literal', i);
        const body = src.slice(i + 2, end);
        if (c === 116 && !isTimestamp(body)) throw new PatternSyntaxError('a timestamp literal is RFC 3339 in UTC: t\'YYYY-MM-DDTHH:mm:ss[.s+]Z\'', i);
        if (c === 104 && !isHex(body)) throw new PatternSyntaxError('a hex literal holds pairs of hexadecimal digits', i);
        if (c === 98 && !isBase64(body)) throw new PatternSyntaxError('a binary literal holds base64 text', i);
        tokens.push({ type: c === 116 ? 'timestamp' : c === 104 ? 'hex' : 'binary', value: body, pos: i });
        i = end + 1;
        continue;
      }
      if (isIdentStart(c)) {
        let hyphen = false;
        i++;
        while (i < n) {
          const d = src.charCodeAt(i);
          if (isIdentPart(d)) i++;
          else if (d === 45) {
            hyphen = true;
            i++;
          } else break;
        }
        const word = src.slice(start, i);
        if (!hyphen && KEYWORDS.has(word)) tokens.push({ type: 'keyword', value: word, pos: start });
        else if (word === 'true' || word === 'false') tokens.push({ type: 'bool', value: word, pos: start });
        else tokens.push({ type: 'ident', value: word, pos: start, hyphen });
        continue;
      }
      throw new PatternSyntaxError(`unexpected character ${JSON.stringify(src[i])}`, i);
    }
    this.i = i;
  }
}

/** A quoted string from `'` to the closing `'`; only `\'` and `\\` are escapes. Returns the value and the index after it. */
function readQuoted(src: string, open: number): [string, number] {
  let out = '';
  let from = open + 1;
  let i = from;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 39) return [out + src.slice(from, i), i + 1];
    if (c === 92) {
      const e = src.charCodeAt(i + 1);
      if (e !== 39 && e !== 92) throw new PatternSyntaxError("in a string, a backslash escapes only ' and \\", i);
      out += src.slice(from, i) + src[i + 1];
      i += 2;
      from = i;
    } else i++;
  }
  throw new PatternSyntaxError('unterminated string', open);
}

/** `[+-]? (0 | [1-9][0-9]*)` is an integer; `[+-]? [0-9]* . [0-9]+` a float. */
function readNumber(src: string, start: number, tokens: Token[]): number {
  let i = start;
  const sign = src[i] === '-' ? '-' : '';
  if (src[i] === '+' || src[i] === '-') i++;
  const intStart = i;
  while (isDigit(src.charCodeAt(i))) i++;
  const intDigits = src.slice(intStart, i);
  if (src.charCodeAt(i) === 46) {
    i++;
    const fracStart = i;
    while (isDigit(src.charCodeAt(i))) i++;
    if (i === fracStart) throw new PatternSyntaxError('a float needs digits after the point', start);
    tokens.push({ type: 'float', value: sign + (intDigits || '0') + '.' + src.slice(fracStart, i), pos: start });
  } else {
    if (intDigits.length > 1 && intDigits[0] === '0') throw new PatternSyntaxError('an integer has no leading zeros', start);
    tokens.push({ type: 'int', value: sign + intDigits, pos: start });
  }
  if (isIdentStart(src.charCodeAt(i))) throw new PatternSyntaxError('a number runs into a name', i);
  return i;
}
