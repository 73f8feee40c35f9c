import type { ComparisonExpression, Literal, ObjectPath, ObservationExpression, Qualifier } from './pattern.ast.js';

/**
 * Writes a pattern tree back as text in one canonical form: single spaces, upper-case keywords,
 * parentheses exactly where the tree has a group (an operand that is itself an operator node
 * of the same or looser precedence). Parsing the output gives the same tree, so
 * `printPattern(parse(printPattern(t)))` equals `printPattern(t)`.
 */

const OBS_RANK = { followedby: 0, 'obs-or': 1, 'obs-and': 2 } as const;
const OBS_WORD = { followedby: 'FOLLOWEDBY', 'obs-or': 'OR', 'obs-and': 'AND' } as const;

export function printPattern(e: ObservationExpression): string {
  switch (e.kind) {
    case 'observation':
      return `[${printComparison(e.comparison)}]`;
    case 'qualified': {
      const inner = e.expression.kind === 'observation' || e.expression.kind === 'qualified' ? printPattern(e.expression) : `(${printPattern(e.expression)})`;
      return `${inner} ${printQualifier(e.qualifier)}`;
    }
    case 'followedby':
    case 'obs-or':
    case 'obs-and': {
      const rank = OBS_RANK[e.kind];
      return e.operands
        .map((o) => (o.kind in OBS_RANK && OBS_RANK[o.kind as keyof typeof OBS_RANK] <= rank ? `(${printPattern(o)})` : printPattern(o)))
        .join(` ${OBS_WORD[e.kind]} `);
    }
  }
}

function printQualifier(q: Qualifier): string {
  switch (q.kind) {
    case 'within':
      return `WITHIN ${q.seconds.text} SECONDS`;
    case 'repeats':
      return `REPEATS ${q.times} TIMES`;
    case 'start-stop':
      return `START t'${q.start}' STOP t'${q.stop}'`;
  }
}

export function printComparison(c: ComparisonExpression): string {
  switch (c.kind) {
    case 'or':
    case 'and': {
      const rank = c.kind === 'or' ? 0 : 1;
      return c.operands
        .map((o) => ((o.kind === 'or' || o.kind === 'and') && (o.kind === 'or' ? 0 : 1) <= rank ? `(${printComparison(o)})` : printComparison(o)))
        .join(c.kind === 'or' ? ' OR ' : ' AND ');
    }
    case 'exists':
      return `EXISTS ${printPath(c.path)}`;
    case 'test':
      return `${printPath(c.path)} ${c.negated ? 'NOT ' : ''}${c.operator} ${printLiteral(c.value)}`;
  }
}

const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'EXISTS', 'LAST', 'IN', 'START', 'STOP', 'SECONDS', 'TIMES', 'WITHIN', 'REPEATS', 'true', 'false']);

export function printPath(p: ObjectPath): string {
  let out = `${p.objectType}:`;
  p.steps.forEach((s, i) => {
    if (s.kind === 'index') out += `[${s.index}]`;
    else {
      const name = BARE_NAME.test(s.name) && !RESERVED.has(s.name) && !(s.name.length === 1 && 'thb'.includes(s.name)) ? s.name : quote(s.name);
      out += i === 0 ? name : `.${name}`;
    }
  });
  return out;
}

function quote(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function printLiteral(v: Literal): string {
  switch (v.type) {
    case 'string':
      return quote(v.value);
    case 'int':
    case 'float':
      return v.text;
    case 'bool':
      return String(v.value);
    case 'timestamp':
      return `t'${v.value}'`;
    case 'hex':
      return `h'${v.value}'`;
    case 'binary':
      return `b'${v.value}'`;
    case 'set':
      return `(${v.values.map(printLiteral).join(', ')})`;
  }
}
