/**
 * Arc's query pipeline before DuckDB sees the SQL (reference §1.2 and §1.5): literal masking,
 * comment stripping, `ValidateSQLRequest`, the FROM/JOIN rewrite to `read_parquet(…)`, and the
 * `time_bucket`/`date_trunc` epoch rewrites.
 */

/** A request Arc refuses before running it: 400 with this message. */
export class SqlRejected extends Error {}

const MAX_SQL_LENGTH = 10_000;
const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const PLACEHOLDER = /^__STR_(\d+)__$/;
const INVALID_IDENTIFIER = '__arc_invalid_identifier__';

const DANGEROUS: readonly RegExp[] = [
  /\bDROP\s+(?:TABLE|DATABASE|INDEX|VIEW)\b/i,
  /\bDELETE\s+FROM\b/i,
  /\bTRUNCATE\s+TABLE\b/i,
  /\bALTER\s+TABLE\b/i,
  /\bCREATE\s+(?:TABLE|DATABASE|INDEX)\b/i,
  /\bINSERT\s+INTO\b/i,
  /\bUPDATE\s+\w+\s+SET\b/i,
  /\b(?:ATTACH|DETACH|COPY|PRAGMA|SET|RESET|LOAD|INSTALL|CALL)\b/i,
  /\b(?:EXPORT|IMPORT)\s+DATABASE\b/i,
  /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:PERSISTENT\s+|TEMPORARY\s+|TEMP\s+)?SECRET\b/i,
  /\bDROP\s+(?:PERSISTENT\s+|TEMPORARY\s+|TEMP\s+)?SECRET\b/i,
];

// Arc's denylist of DuckDB functions that read files (`ioTableFunctionPattern`).
const IO_FUNCTIONS = new RegExp(
  `\\b(${[
    'read_parquet',
    'parquet_scan',
    'parquet_metadata',
    'parquet_schema',
    'parquet_file_metadata',
    'parquet_kv_metadata',
    'parquet_bloom_probe',
    'read_csv',
    'read_csv_auto',
    'sniff_csv',
    'read_json',
    'read_json_auto',
    'read_json_objects',
    'read_json_objects_auto',
    'read_ndjson',
    'read_ndjson_auto',
    'read_ndjson_objects',
    'read_text',
    'read_blob',
    'read_xlsx',
    'glob',
    'delta_scan',
    'iceberg_scan',
    'iceberg_metadata',
    'iceberg_snapshots',
    'arc_partition_agg',
  ].join('|')})\\s*\\(`,
  'i',
);

const SKIP_PREFIXES = ['read_parquet', 'information_schema', 'pg_', 'duckdb_'];

interface Masked {
  readonly sql: string;
  readonly literals: string[];
}

/**
 * Replaces every '…' and "…" literal with `__STR_n__` (handling doubled-quote escapes and Arc's
 * backslash quirk) so that keywords and table names inside literals are never matched.
 */
export function maskLiterals(sql: string): Masked {
  const literals: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch !== "'" && ch !== '"') {
      out += ch;
      i++;
      continue;
    }
    const start = i++;
    while (i < sql.length) {
      if (sql[i] === ch) {
        if (sql[i + 1] === ch) {
          i += 2;
          continue;
        }
        if (sql[i - 1] === '\\') {
          i++;
          continue;
        }
        break;
      }
      i++;
    }
    if (i < sql.length) i++;
    out += `__STR_${literals.length}__`;
    literals.push(sql.slice(start, i));
  }
  return { sql: out, literals };
}

export function unmaskLiterals(sql: string, literals: readonly string[]): string {
  return sql.replace(/__STR_(\d+)__/g, (m, n: string) => literals[Number(n)] ?? m);
}

/** Removes `-- …` and `/* … *\/` comments (run on masked SQL, so literals are safe). */
export function stripComments(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    if (sql[i] === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (sql[i] === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      out += ' ';
      continue;
    }
    out += sql[i];
    i++;
  }
  return out;
}

const FROM_CLAUSE_TERMINATORS = new Set([
  'where',
  'group',
  'having',
  'order',
  'limit',
  'offset',
  'window',
  'qualify',
  'union',
  'except',
  'intersect',
  'fetch',
  'for',
]);

/**
 * Arc's table-position scanner: returns the first `__STR_n__` placeholder for which `flag` is
 * true while it stands where a table belongs — right after FROM or JOIN, or after a comma that
 * continues a FROM clause's table list at the same parenthesis depth (a comma cross-join).
 */
function placeholderInTablePosition(masked: string, flag: (n: number) => boolean): number {
  const fromArmed: boolean[] = [false];
  let afterFromJoin = false;
  let depth = 0;
  const spaced = masked.replace(/__STR_\d+__/g, ' $& ');
  for (const [tok] of spaced.matchAll(/__STR_\d+__|[A-Za-z_][A-Za-z0-9_]*|[(),]/g)) {
    if (tok === '(') {
      depth++;
      fromArmed[depth] = false;
      afterFromJoin = false;
    } else if (tok === ')') {
      if (depth > 0) fromArmed[depth--] = false;
      afterFromJoin = false;
    } else if (tok === ',') {
      afterFromJoin = fromArmed[depth] === true;
    } else if (PLACEHOLDER.test(tok)) {
      const n = Number(PLACEHOLDER.exec(tok)?.[1]);
      if (afterFromJoin && flag(n)) return n;
      afterFromJoin = false;
    } else {
      const word = tok.toLowerCase();
      if (word === 'from' || word === 'join') {
        fromArmed[depth] = true;
        afterFromJoin = true;
      } else {
        afterFromJoin = false;
        if (FROM_CLAUSE_TERMINATORS.has(word)) fromArmed[depth] = false;
      }
    }
  }
  return -1;
}

/** The unquoted name of a double-quoted identifier literal (`"a""b"` → `a"b`). */
const unquoteIdentifier = (literal: string): string => literal.slice(1, -1).replaceAll('""', '"');

/** Arc's `validateIdentifier`: what a quoted database or measurement in table position must be. */
const isValidIdentifier = (name: string): boolean => name.length <= 128 && IDENTIFIER.test(name);

/**
 * Arc's `ValidateSQLRequest`, in Arc's order. Throws {@link SqlRejected} with Arc's messages.
 * Keywords are matched on SQL whose literals are masked and comments stripped; the I/O-function
 * and string-literal checks run on a form with identifier quotes removed, so `"glob"(…)` is seen.
 */
export function validateSql(sql: string): void {
  if (sql.trim() === '') throw new SqlRejected('SQL query is required');
  if (sql.length > MAX_SQL_LENGTH) {
    throw new SqlRejected('SQL query exceeds maximum length (10000 characters)');
  }
  const masked = maskLiterals(sql.replaceAll('`', '"'));
  const normalised = stripComments(masked.sql);
  if (normalised.replace(/[ \t\n\r;]+$/, '').includes(';')) {
    throw new SqlRejected('Multiple SQL statements are not allowed');
  }
  if (DANGEROUS.some((re) => re.test(normalised))) {
    throw new SqlRejected('Dangerous SQL operation not allowed');
  }
  const io = stripComments(maskLiterals(sql.replace(/["`]/g, '')).sql);
  const call = IO_FUNCTIONS.exec(io);
  if (call) throw new SqlRejected(`File I/O function not allowed in user SQL: ${call[1]}()`);
  if (placeholderInTablePosition(io, () => true) >= 0) {
    throw new SqlRejected(
      'String literal not allowed in table position (replacement scans are disabled); ' +
        'reference a table by name',
    );
  }
  const quoted = (n: number): string | undefined => {
    const literal = masked.literals[n] ?? '';
    return literal.startsWith('"') ? unquoteIdentifier(literal) : undefined;
  };
  const bad = placeholderInTablePosition(normalised, (n) => {
    const name = quoted(n);
    return name !== undefined && !isValidIdentifier(name);
  });
  if (bad >= 0) {
    throw new SqlRejected(
      'Quoted identifier in table position is not a valid database or measurement name ' +
        `(replacement scans are disabled): ${quoted(bad) ?? ''}`,
    );
  }
}

/** Validates the `x-arc-database` header of a query (400 when invalid). */
export function validateHeaderDatabase(db: string): void {
  const problem = identifierProblem(db);
  if (problem) throw new SqlRejected(`invalid x-arc-database header: ${problem}`);
}

/** Arc's `validateIdentifier` messages, or undefined for a valid database/measurement name. */
function identifierProblem(name: string): string | undefined {
  if (name === '') return 'name cannot be empty';
  if (name.length > 128) return 'name too long (max 128 characters)';
  if (!IDENTIFIER.test(name)) {
    return 'name contains invalid characters (allowed: alphanumeric, underscore, hyphen)';
  }
  return undefined;
}

function cteNames(sql: string, literals: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const m of sql.matchAll(/\bWITH\s+(?:RECURSIVE\s+)?(\w+)\s+AS\s*\(|,\s*(\w+)\s+AS\s*\(/gi)) {
    const raw = m[1] ?? m[2] ?? '';
    const placeholder = PLACEHOLDER.exec(raw);
    const literal = placeholder ? (literals[Number(placeholder[1])] ?? '') : '';
    names.add((literal.startsWith('"') ? unquoteIdentifier(literal) : raw).toLowerCase());
  }
  return names;
}

/**
 * Masks the FROM keyword inside EXTRACT/SUBSTRING/TRIM/OVERLAY calls (`EXTRACT(YEAR FROM time)`),
 * so the table rewrite does not take their operand for a measurement.
 */
function maskFunctionFrom(sql: string): { sql: string; restore: (s: string) => string } {
  const saved: string[] = [];
  let out = sql;
  const opener = /\b(?:EXTRACT|SUBSTRING|TRIM|OVERLAY)\s*\(/gi;
  for (let m = opener.exec(out); m; m = opener.exec(out)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const bodyStart = i;
    while (i < out.length && depth > 0) {
      if (out[i] === '(') depth++;
      else if (out[i] === ')') depth--;
      i++;
    }
    const body = out.slice(bodyStart, i).replace(/\bFROM\b/gi, (kw) => {
      saved.push(kw);
      return `__FROMKW_${saved.length - 1}__`;
    });
    out = out.slice(0, bodyStart) + body + out.slice(i);
    opener.lastIndex = bodyStart;
  }
  return {
    sql: out,
    restore: (s) => s.replace(/__FROMKW_(\d+)__/g, (k, n: string) => saved[Number(n)] ?? k),
  };
}

interface TableReference {
  readonly start: number;
  readonly end: number;
  readonly first: string;
  readonly second: string | undefined;
}

/**
 * Every table reference in masked SQL: the name (or `db.name`, either part possibly a quoted
 * placeholder) right after FROM or JOIN (and LATERAL), or after a comma continuing a FROM
 * clause's table list at the same parenthesis depth (a comma cross-join). A name followed by `(`
 * is a table function and is not a reference.
 */
function tableReferences(masked: string): TableReference[] {
  const refs: TableReference[] = [];
  const tokens = [...masked.matchAll(/__STR_\d+__|[A-Za-z0-9_]+|[(),.[\]{}]/g)];
  const fromArmed: boolean[] = [false];
  let afterFromJoin = false;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = (tokens[i] as RegExpExecArray)[0];
    // List and struct literals nest like parentheses: their commas are not cross-joins.
    if (tok === '(' || tok === '[' || tok === '{') {
      depth++;
      fromArmed[depth] = false;
      afterFromJoin = false;
    } else if (tok === ')' || tok === ']' || tok === '}') {
      if (depth > 0) fromArmed[depth--] = false;
      afterFromJoin = false;
    } else if (tok === ',') {
      afterFromJoin = fromArmed[depth] === true;
    } else if (tok === '.') {
      afterFromJoin = false;
    } else if (afterFromJoin && tok.toLowerCase() !== 'lateral') {
      afterFromJoin = false;
      const start = (tokens[i] as RegExpExecArray).index;
      let second: string | undefined;
      let last = i;
      const dot = tokens[i + 1];
      const next = tokens[i + 2];
      const adjacent = (a: RegExpExecArray, b: RegExpExecArray): boolean =>
        a.index + a[0].length === b.index;
      if (
        dot?.[0] === '.' &&
        next !== undefined &&
        /^[A-Za-z0-9_]+$/.test(next[0]) &&
        adjacent(tokens[i] as RegExpExecArray, dot) &&
        adjacent(dot, next)
      ) {
        second = next[0];
        last = i + 2;
      }
      const lastTok = tokens[last] as RegExpExecArray;
      const end = lastTok.index + lastTok[0].length;
      i = last;
      if (/^\s*[(.]/.test(masked.slice(end))) continue; // a function call or a longer dotted name
      refs.push({ start, end, first: tok, second });
    } else {
      const word = tok.toLowerCase();
      if (word === 'from' || word === 'join') {
        fromArmed[depth] = true;
        afterFromJoin = true;
      } else if (word !== 'lateral') {
        afterFromJoin = false;
        if (FROM_CLAUSE_TERMINATORS.has(word)) fromArmed[depth] = false;
      }
    }
  }
  return refs;
}

export interface RewriteOptions {
  /** The `x-arc-database` header, or undefined when absent. */
  readonly headerDb: string | undefined;
  /** Builds the `read_parquet(…)` source for one measurement. */
  readonly source: (db: string, measurement: string) => string;
}

/**
 * Arc's query transform, in Arc's order: the time_bucket/date_trunc rewrites on the raw SQL,
 * then literal masking, FROM-in-function masking and comment stripping, then table references →
 * Parquet globs: `FROM m`/`JOIN m` → header DB (or `default`); `FROM db.m` → that DB, only
 * without the header (else 400); quoted identifiers resolved; CTE names, system prefixes and
 * function calls left alone. Call {@link validateSql} first.
 */
export function rewriteSql(sql: string, opts: RewriteOptions): string {
  const masked = maskLiterals(rewriteTimeFunctions(sql));
  const fromMasked = maskFunctionFrom(masked.sql);
  const clean = stripComments(fromMasked.sql);
  const { literals } = masked;
  const refs = tableReferences(clean);
  if (
    opts.headerDb !== undefined &&
    (/\b(?:FROM|JOIN)\s+[A-Za-z0-9_]+\.[A-Za-z0-9_]/i.test(clean) ||
      refs.some((r) => r.second !== undefined))
  ) {
    throw new SqlRejected(
      'Cross-database queries (db.table syntax) not allowed when x-arc-database header is set',
    );
  }
  const ctes = cteNames(clean, literals);
  const defaultDb = opts.headerDb ?? 'default';
  /** A bare or double-quoted name; undefined for a string literal in that position. */
  const resolve = (token: string): string | undefined => {
    const placeholder = PLACEHOLDER.exec(token);
    if (!placeholder) return token;
    const literal = literals[Number(placeholder[1])] ?? '';
    if (!literal.startsWith('"')) return undefined;
    const name = unquoteIdentifier(literal);
    // Unreachable after validation; Arc keeps an inert name so nothing can escape the root.
    return isValidIdentifier(name) ? name : INVALID_IDENTIFIER;
  };
  /** The source for one table reference, or undefined to leave it as written. */
  const sourceFor = (first: string, second: string | undefined): string | undefined => {
    const a = resolve(first);
    if (a === undefined) return undefined;
    const lower = a.toLowerCase();
    if (ctes.has(lower) || SKIP_PREFIXES.some((p) => lower.startsWith(p))) return undefined;
    if (second !== undefined) {
      const b = resolve(second);
      return b === undefined ? undefined : opts.source(a, b);
    }
    if (!/^[A-Za-z_]/.test(a) || lower === 'unnest') return undefined;
    return opts.source(defaultDb, a);
  };
  const edits = refs.flatMap((ref) => {
    const text = sourceFor(ref.first, ref.second);
    return text === undefined ? [] : [{ ...ref, text }];
  });
  let rewritten = clean;
  for (const e of edits.reverse()) {
    rewritten = rewritten.slice(0, e.start) + e.text + rewritten.slice(e.end);
  }
  return unmaskLiterals(fromMasked.restore(rewritten), literals);
}

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
};

function unitSeconds(amount: string, unit: string): number {
  const base = UNIT_SECONDS[unit.toLowerCase().replace(/s$/, '')];
  return base === undefined ? 0 : Number(amount) * base;
}

function parseOrigin(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})Z?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', se = '0'] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) / 1000;
}

/**
 * Arc's epoch rewrites (§1.2): `time_bucket(INTERVAL 'N unit', col[, origin])` and
 * `date_trunc('second'…'week', col)` become `to_timestamp((epoch(col)::BIGINT // S) * S)`.
 * Months are left to DuckDB; date_trunc is skipped when `col` contains `(`.
 */
export function rewriteTimeFunctions(sql: string): string {
  if (/time_bucket/i.test(sql)) {
    const units = 'second|seconds|minute|minutes|hour|hours|day|days|week|weeks|month|months';
    const three = new RegExp(
      `\\btime_bucket\\s*\\(\\s*(?:INTERVAL\\s*)?'(\\d+)\\s*(${units})'\\s*,\\s*([^,]+?)\\s*,\\s*(?:TIMESTAMP\\s*)?'([^']+)'\\s*\\)`,
      'gi',
    );
    sql = sql.replace(three, (match, amount: string, unit: string, col: string, origin: string) => {
      const s = unitSeconds(amount, unit);
      const o = parseOrigin(origin);
      if (s === 0 || o === undefined) return match;
      return `to_timestamp(${o} + ((epoch(${col.trim()})::BIGINT - ${o}) // ${s}) * ${s})`;
    });
    const two = new RegExp(
      `\\btime_bucket\\s*\\(\\s*(?:INTERVAL\\s*)?'(\\d+)\\s*(${units})'\\s*,\\s*([^,)]+)\\)`,
      'gi',
    );
    sql = sql.replace(two, (match, amount: string, unit: string, col: string) => {
      const s = unitSeconds(amount, unit);
      if (s === 0) return match;
      return `to_timestamp((epoch(${col.trim()})::BIGINT // ${s}) * ${s})`;
    });
  }
  if (/date_trunc/i.test(sql)) {
    sql = sql.replace(
      /\bdate_trunc\s*\(\s*'(second|minute|hour|day|week|month)'\s*,\s*([^)]+)\)/gi,
      (match, unit: string, col: string) => {
        const s = unitSeconds('1', unit);
        if (s === 0 || col.includes('(')) return match;
        return `to_timestamp((epoch(${col.trim()})::BIGINT // ${s}) * ${s})`;
      },
    );
  }
  return sql;
}

/** `SHOW DATABASES` / `SHOW TABLES|MEASUREMENTS [FROM db]` detection (§1.5). */
export function parseShow(
  sql: string,
): { kind: 'databases' } | { kind: 'tables'; db: string | undefined } | undefined {
  // Comments are stripped first so that one cannot hide a SHOW from these anchored patterns.
  const text = stripComments(sql).trim();
  if (/^\s*SHOW\s+DATABASES\s*;?\s*$/i.test(text)) return { kind: 'databases' };
  const m = /^\s*SHOW\s+(?:TABLES|MEASUREMENTS)(?:\s+FROM\s+([\w-]+))?\s*;?\s*$/i.exec(text);
  if (!m) return undefined;
  if (m[1] !== undefined) {
    const problem = identifierProblem(m[1]);
    if (problem) throw new SqlRejected(`invalid database name: ${problem}`);
  }
  return { kind: 'tables', db: m[1] };
}
