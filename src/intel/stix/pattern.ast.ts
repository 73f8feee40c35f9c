/**
 * The tree of a STIX pattern (STIX 2.1 §9). Operators of one kind written in a row
 * (`[a] AND [b] AND [c]`) become one node with several operands; parentheses that group a
 * sub-expression give it its own node. Precedence, loosest first: FOLLOWEDBY, OR, AND between
 * observations; qualifiers bind to the observation they follow; OR, AND inside brackets.
 */

export type ObservationExpression =
  | { kind: 'observation'; comparison: ComparisonExpression }
  | { kind: 'followedby' | 'obs-or' | 'obs-and'; operands: ObservationExpression[] }
  | { kind: 'qualified'; expression: ObservationExpression; qualifier: Qualifier };

export type Qualifier =
  | { kind: 'within'; seconds: NumberLiteral }
  | { kind: 'repeats'; times: number }
  | { kind: 'start-stop'; start: string; stop: string };

export type ComparisonExpression =
  | { kind: 'or' | 'and'; operands: ComparisonExpression[] }
  | { kind: 'test'; path: ObjectPath; operator: ComparisonOperator; negated: boolean; value: Literal }
  | { kind: 'exists'; path: ObjectPath };

export type ComparisonOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'IN' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';

/** `type:first.second[0].'quoted-name'[*]`: the SCO type and the steps into it. */
export interface ObjectPath {
  objectType: string;
  steps: PathStep[];
}

export type PathStep = { kind: 'property'; name: string } | { kind: 'index'; index: number | '*' };

/** A number keeps its source text (without a leading `+`), as floats and large integers do not survive a round trip through `number`. */
export interface NumberLiteral {
  type: 'int' | 'float';
  value: number;
  text: string;
}

export type Literal =
  | { type: 'string'; value: string }
  | NumberLiteral
  | { type: 'bool'; value: boolean }
  /** `t'…'`: an RFC 3339 timestamp in UTC. */
  | { type: 'timestamp'; value: string }
  /** `h'…'`: the hex digits. */
  | { type: 'hex'; value: string }
  /** `b'…'`: the base64 text. */
  | { type: 'binary'; value: string }
  | { type: 'set'; values: Literal[] };

export type PatternResult = { ok: true; pattern: ObservationExpression } | { ok: false; message: string; position: number };
