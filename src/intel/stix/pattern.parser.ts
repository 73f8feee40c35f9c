import type { ComparisonExpression, ComparisonOperator, Literal, NumberLiteral, ObjectPath, ObservationExpression, PathStep, PatternResult, Qualifier } from './pattern.ast.js';
import { PatternSyntaxError, type Token, TokenStream } from './pattern.lexer.js';
import { compareTimestamps } from './stix.values.js';

/**
 * A recursive-descent parser for STIX patterns (STIX 2.1 §9), one function per level of the
 * grammar:
 *
 *   pattern      = followedBy EOF
 *   followedBy   = obsOr ("FOLLOWEDBY" obsOr)*
 *   obsOr        = obsAnd ("OR" obsAnd)*
 *   obsAnd       = qualified ("AND" qualified)*
 *   qualified    = ("[" compOr "]" | "(" followedBy ")") qualifier*
 *   qualifier    = "WITHIN" number "SECONDS" | "REPEATS" int "TIMES" | "START" t'…' "STOP" t'…'
 *   compOr       = compAnd ("OR" compAnd)*
 *   compAnd      = test ("AND" test)*
 *   test         = "(" compOr ")" | "EXISTS" path | path ["NOT"] operator literal
 *   path         = type ":" (name | 'quoted') ("." (name | 'quoted') | "[" (int | "*") "]")*
 *
 * Hostile input is bounded: the text's length, the number of tokens and the nesting depth of
 * parentheses and brackets are limited, chains of one operator are loops (not recursion), and the
 * lexer is a single linear scan. LIKE and MATCHES values are only lexed here, never compiled.
 * Object types must be one of the 18 cyber-observable types, a custom `x-` type, or one the
 * caller names (types brought by extension definitions).
 */

export interface PatternOptions {
  /** The longest pattern accepted, in characters (default 65,536). */
  maxLength?: number;
  /** The deepest nesting of parentheses and brackets (default 64). */
  maxDepth?: number;
  /** Object types allowed besides the STIX cyber observables and `x-` types. */
  customTypes?: ReadonlySet<string>;
}

export const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

const ORDERING = new Set(['>', '<', '>=', '<=']);
const STRING_OPERATORS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const MAX_INT = Number.MAX_SAFE_INTEGER;

/**
 * Parses a STIX pattern into its tree, or says what is wrong and at which character offset.
 * @example parsePattern("[file:hashes.'SHA-256' = 'aec0…']")
 */
export function parsePattern(src: string, options: PatternOptions = {}): PatternResult {
  const maxLength = options.maxLength ?? 65_536;
  if (typeof src !== 'string') return { ok: false, message: 'a pattern is a string', position: 0 };
  if (src.length > maxLength) return { ok: false, message: `a pattern has at most ${maxLength} characters`, position: maxLength };
  try {
    const tokens = new TokenStream(src, maxLength + 1);
    const parser = new Parser(tokens, options.maxDepth ?? 64, options.customTypes);
    return { ok: true, pattern: parser.pattern() };
  } catch (err) {
    if (err instanceof PatternSyntaxError) return { ok: false, message: err.message, position: err.position };
    throw err;
  }
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: TokenStream,
    private readonly maxDepth: number,
    private readonly customTypes: ReadonlySet<string> | undefined,
  ) {}

  pattern(): ObservationExpression {
    const expression = this.followedBy();
    const t = this.peek();
    if (t.type !== 'eof') this.fail(t, `unexpected ${describe(t)} after the pattern`);
    return expression;
  }

  private followedBy(): ObservationExpression {
    return this.chain('FOLLOWEDBY', 'followedby', () => this.obsOr());
  }

  private obsOr(): ObservationExpression {
    return this.chain('OR', 'obs-or', () => this.obsAnd());
  }

  private obsAnd(): ObservationExpression {
    return this.chain('AND', 'obs-and', () => this.qualified());
  }

  private chain<K extends 'followedby' | 'obs-or' | 'obs-and'>(keyword: string, kind: K, operand: () => ObservationExpression): ObservationExpression {
    const first = operand();
    if (!this.atKeyword(keyword)) return first;
    const operands = [first];
    while (this.atKeyword(keyword)) {
      this.i++;
      operands.push(operand());
    }
    return { kind, operands };
  }

  private qualified(): ObservationExpression {
    const t = this.peek();
    let expression: ObservationExpression;
    if (t.type === '[') {
      this.enter(t);
      const comparison = this.compOr();
      this.expect(']', "a ']' to close the observation");
      this.depth--;
      expression = { kind: 'observation', comparison };
    } else if (t.type === '(') {
      this.enter(t);
      expression = this.followedBy();
      this.expect(')', "a ')'");
      this.depth--;
    } else return this.fail(t, `expected '[' or '(' to begin an observation, found ${describe(t)}`);
    for (let q = this.qualifier(); q; q = this.qualifier()) expression = { kind: 'qualified', expression, qualifier: q };
    return expression;
  }

  private qualifier(): Qualifier | null {
    const t = this.peek();
    if (t.type !== 'keyword') return null;
    if (t.value === 'WITHIN') {
      this.i++;
      const n = this.next();
      if ((n.type !== 'int' && n.type !== 'float') || Number(n.value) <= 0) this.fail(n, 'WITHIN takes a positive number of seconds');
      this.expectKeyword('SECONDS');
      return { kind: 'within', seconds: numberLiteral(n) };
    }
    if (t.value === 'REPEATS') {
      this.i++;
      const n = this.next();
      if (n.type !== 'int' || Number(n.value) <= 0 || Number(n.value) > MAX_INT) this.fail(n, 'REPEATS takes a positive integer');
      this.expectKeyword('TIMES');
      return { kind: 'repeats', times: Number(n.value) };
    }
    if (t.value === 'START') {
      this.i++;
      const start = this.next();
      if (start.type !== 'timestamp') this.fail(start, "START takes a timestamp t'…'");
      this.expectKeyword('STOP');
      const stop = this.next();
      if (stop.type !== 'timestamp') this.fail(stop, "STOP takes a timestamp t'…'");
      if (compareTimestamps(start.value, stop.value) >= 0) this.fail(stop, 'STOP must be later than START');
      return { kind: 'start-stop', start: start.value, stop: stop.value };
    }
    return null;
  }

  private compOr(): ComparisonExpression {
    const first = this.compAnd();
    if (!this.atKeyword('OR')) return first;
    const operands = [first];
    while (this.atKeyword('OR')) {
      this.i++;
      operands.push(this.compAnd());
    }
    return { kind: 'or', operands };
  }

  private compAnd(): ComparisonExpression {
    const first = this.test();
    if (!this.atKeyword('AND')) return first;
    const operands = [first];
    while (this.atKeyword('AND')) {
      this.i++;
      operands.push(this.test());
    }
    return { kind: 'and', operands };
  }

  private test(): ComparisonExpression {
    const t = this.peek();
    if (t.type === '(') {
      this.enter(t);
      const inner = this.compOr();
      this.expect(')', "a ')'");
      this.depth--;
      return inner;
    }
    if (t.type === 'keyword' && t.value === 'EXISTS') {
      this.i++;
      return { kind: 'exists', path: this.path() };
    }
    const path = this.path();
    let negated = false;
    if (this.atKeyword('NOT')) {
      this.i++;
      negated = true;
    }
    const o = this.next();
    const operator = o.type === 'op' ? o.value : o.type === 'keyword' && (o.value === 'IN' || STRING_OPERATORS.has(o.value)) ? o.value : null;
    if (!operator) return this.fail(o, `expected a comparison operator, found ${describe(o)}`);
    const v = this.peek();
    let value: Literal;
    if (operator === 'IN') {
      if (v.type !== '(') this.fail(v, "IN takes a set ( … )");
      value = this.set();
    } else {
      value = this.literal();
      if (STRING_OPERATORS.has(operator) && value.type !== 'string') this.fail(v, `${operator} takes a string`);
      if (ORDERING.has(operator) && value.type === 'bool') this.fail(v, `${operator} cannot compare a boolean`);
    }
    return { kind: 'test', path, operator: operator as ComparisonOperator, negated, value };
  }

  private set(): Literal {
    this.i++;
    const values: Literal[] = [];
    if (this.peek().type !== ')') {
      values.push(this.literal());
      while (this.peek().type === ',') {
        this.i++;
        values.push(this.literal());
      }
    }
    this.expect(')', "a ',' or ')' in the set");
    return { type: 'set', values };
  }

  private literal(): Literal {
    const t = this.next();
    if (t.type === 'string' || t.type === 'timestamp' || t.type === 'hex' || t.type === 'binary') return { type: t.type, value: t.value };
    if (t.type === 'int' || t.type === 'float') return numberLiteral(t);
    if (t.type === 'bool') return { type: 'bool', value: t.value === 'true' };
    return this.fail(t, `expected a value, found ${describe(t)}`);
  }

  private path(): ObjectPath {
    const t = this.next();
    if (t.type !== 'ident') return this.fail(t, `expected an object type, found ${describe(t)}`);
    if (!SCO_TYPES.has(t.value) && !t.value.startsWith('x-') && !this.customTypes?.has(t.value)) {
      this.fail(t, `unknown object type ${JSON.stringify(t.value)} (not a STIX cyber observable, nor a custom x- type)`);
    }
    this.expect(':', "a ':' after the object type");
    const steps: PathStep[] = [this.propertyName()];
    while (true) {
      const s = this.peek();
      if (s.type === '.') {
        this.i++;
        steps.push(this.propertyName());
      } else if (s.type === '[' && (this.tokens.at(this.i + 1).type === 'int' || this.tokens.at(this.i + 1).type === '*')) {
        this.i++;
        const index = this.next();
        this.expect(']', "a ']' after the list index");
        steps.push({ kind: 'index', index: index.type === '*' ? '*' : Number(index.value) });
      } else break;
    }
    return { objectType: t.value, steps };
  }

  private propertyName(): PathStep {
    const t = this.next();
    if ((t.type === 'ident' && !t.hyphen) || t.type === 'string') return { kind: 'property', name: t.value };
    return this.fail(t, `expected a property name, found ${describe(t)}`);
  }

  private enter(t: Token): void {
    if (++this.depth > this.maxDepth) this.fail(t, `nesting deeper than ${this.maxDepth}`);
    this.i++;
  }

  private peek(): Token {
    return this.tokens.at(this.i);
  }

  private next(): Token {
    const t = this.tokens.at(this.i);
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private atKeyword(k: string): boolean {
    const t = this.tokens.at(this.i);
    return t.type === 'keyword' && t.value === k;
  }

  private expect(type: Token['type'], what: string): void {
    const t = this.next();
    if (t.type !== type) this.fail(t, `expected ${what}, found ${describe(t)}`);
  }

  private expectKeyword(k: string): void {
    const t = this.next();
    if (t.type !== 'keyword' || t.value !== k) this.fail(t, `expected ${k}, found ${describe(t)}`);
  }

  private fail(t: Token, message: string): never {
    throw new PatternSyntaxError(message, t.pos);
  }
}

function numberLiteral(t: Token): NumberLiteral {
  return { type: t.type === 'float' ? 'float' : 'int', value: Number(t.value), text: t.value };
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'the end of the pattern';
  const text = t.value.length > 40 ? `${t.value.slice(0, 40)}…` : t.value;
  return t.type === 'keyword' || t.type === 'op' || t.type.length === 1 ? `'${text}'` : `${t.type} ${JSON.stringify(text)}`;
}
