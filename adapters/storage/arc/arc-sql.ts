import { DomainError } from '../../../domain/index.js';

/**
 * Arc refuses SQL longer than 10,000 characters; the store keeps every statement below this
 * budget and splits long value lists over several statements.
 */
export const MAX_SQL_CHARS = 9_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Pairs that start or end a comment in SQL; a literal is split so that it never holds one. */
const COMMENT_PAIRS = new Set(['--', '/*', '*/']);

const quoteRun = (run: string): string => `'${run.replaceAll("'", "''")}'`;

/**
 * The one way a text value reaches Arc SQL: a DuckDB string literal equal to `value`.
 *
 * - `'` is doubled; a backslash is an ordinary character in DuckDB literals and is kept as is.
 * - Control characters (NUL included, which DuckDB's parser would end the text at), DEL and `;`
 *   are written as `chr(n)`, so the SQL text holds none of them.
 * - `--`, `/*` and `*\/` are split across two literals: Arc strips comments before it masks
 *   literals when it checks a statement, so none may appear inside one.
 * - Words Arc refuses in SQL (`load`, `set`, `copy`, `call`, ...) are safe inside a literal.
 *
 * The result is a single literal, or a parenthesised `||` concatenation usable wherever a
 * literal is.
 * @throws DomainError `invalid` when `value` holds a lone UTF-16 surrogate (no UTF-8 form)
 */
export function sqlString(value: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new DomainError(
      'invalid',
      'INVALID_REQUEST',
      'text must be well-formed Unicode: it contains a lone surrogate',
    );
  }
  const parts: string[] = [];
  let run = '';
  let open = false;
  const closeRun = () => {
    if (open) parts.push(quoteRun(run));
    run = '';
    open = false;
  };
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f || ch === ';') {
      closeRun();
      parts.push(`chr(${code})`);
      continue;
    }
    if (open && COMMENT_PAIRS.has(run.slice(-1) + ch)) closeRun();
    run += ch;
    open = true;
  }
  closeRun();
  if (parts.length === 0) return "''";
  if (parts.length === 1) return parts[0] as string;
  return `(${parts.join(' || ')})`;
}

/**
 * A double-quoted identifier (column or measurement name). Quoting every identifier keeps
 * names Arc refuses as bare words (`load`, `set`, `copy`, `call`, ...) usable.
 * @throws Error when `name` is empty or holds a control character (never a valid column)
 */
export function sqlIdent(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name === '' || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new Error(`not a usable Arc identifier: ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A number literal: integers as they are, other numbers as an explicit DOUBLE (a bare `0.49`
 * is a DECIMAL in DuckDB).
 * @throws Error when `n` is not finite
 */
export function sqlNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  if (Number.isSafeInteger(n)) return String(n);
  return `CAST(${sqlString(String(n))} AS DOUBLE)`;
}

/** `expr IN (...)` over text values (each through `literal`); an empty list matches nothing. */
export function sqlInList(
  expr: string,
  values: readonly string[],
  literal: (value: string) => string = sqlString,
): string {
  if (values.length === 0) return 'FALSE';
  return `${expr} IN (${values.map(literal).join(', ')})`;
}

/**
 * Arc checks the WHERE of a delete as plain text, string literals included: it refuses a `;`,
 * `--` or `/*`, words such as DELETE, SELECT or SET, and unbalanced quotes or parentheses.
 */
const DELETE_REFUSED =
  /;|--|\/\*|[()]|\b(DROP|DELETE|INSERT|UPDATE|EXEC|EXECUTE|UNION|SELECT|CREATE|ALTER|COPY|ATTACH|DETACH|LOAD|INSTALL|PRAGMA|CALL|SET)\b/i;

/**
 * A text value for the WHERE of an Arc delete: {@link sqlString}'s literal when Arc's checks
 * accept it, otherwise the value's UTF-8 bytes in hex, `decode(unhex('…'))`, which holds no word
 * and no character Arc refuses (its parentheses are balanced). Equal to `value` either way.
 * @throws DomainError `invalid` when `value` holds a lone UTF-16 surrogate
 */
export function sqlDeleteString(value: string): string {
  const literal = sqlString(value);
  if (!DELETE_REFUSED.test(literal)) return literal;
  return `decode(unhex('${Buffer.from(value, 'utf8').toString('hex')}'))`;
}

/**
 * Splits `values` into groups whose literals together stay within `budget` characters, so that
 * a statement with one group as an IN list stays under Arc's SQL length limit.
 */
export function chunkByLiteralLength(
  values: readonly string[],
  budget: number,
  literal: (value: string) => string = sqlString,
): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const v of values) {
    const cost = literal(v).length + 2;
    if (current.length > 0 && size + cost > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(v);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
