/**
 * Arc's query pipeline before DuckDB sees the SQL (reference §1.2 and §1.5): literal masking,
 * comment stripping, `ValidateSQLRequest`, the FROM/JOIN rewrite to `read_parquet(…)`, and the
 * `time_bucket`/`date_trunc` epoch rewrites.
 */

/** A request Arc refuses before running it: 400 with this message. */
export class SqlRejected extends Error {}

const MAX_SQL_LENGTH = 10_000;
const HEADER_DB = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const MEASUREMENT = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
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

const IO_FUNCTIONS =
  /\b(read_parquet|parquet_scan|parquet_metadata|parquet_schema|parquet_file_metadata|parquet_kv_metadata|read_csv|read_csv_auto|sniff_csv|read_json|read_json_auto|read_json_objects|read_json_objects_auto|read_ndjson|read_ndjson_auto|read_ndjson_objects|glob|read_text|read_blob|delta_scan|iceberg_scan|iceberg_metadata|iceberg_snapshots|read_xlsx|st_read)\s*\(/i;

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

/** Arc's `ValidateSQLRequest`. Throws {@link SqlRejected} with Arc's messages. */
export function validateSql(sql: string): Masked {
  if (sql.trim() === '') throw new SqlRejected('SQL query is required');
  if (sql.length > MAX_SQL_LENGTH) {
    throw new SqlRejected('SQL query exceeds maximum length (10000 characters)');
  }
  const masked = maskLiterals(sql);
  const clean = stripComments(masked.sql);
  const body = clean.trim().replace(/;\s*$/, '');
  if (body.includes(';')) throw new SqlRejected('Multiple SQL statements are not allowed');
  if (DANGEROUS.some((re) => re.test(clean))) {
    throw new SqlRejected('Dangerous SQL operation not allowed');
  }
  const io = IO_FUNCTIONS.exec(clean);
  if (io) {
    throw new SqlRejected(
      `File I/O function not allowed in user SQL: ${(io[1] as string).toLowerCase()}()`,
    );
  }
  for (const m of clean.matchAll(/\b(?:FROM|JOIN)\s+__STR_(\d+)__/gi)) {
    if (masked.literals[Number(m[1])]?.startsWith("'")) {
      throw new SqlRejected(
        'String literal not allowed in table position: query a measurement by name',
      );
    }
  }
  return { sql: clean, literals: masked.literals };
}

/** Validates the `x-arc-database` header of a query (400 when invalid). */
export function validateHeaderDatabase(db: string): void {
  if (db.length > 128 || !HEADER_DB.test(db)) {
    throw new SqlRejected(
      'invalid x-arc-database header: must start with a letter or underscore and contain only ' +
        'alphanumeric characters, underscores, or hyphens (max 128 characters)',
    );
  }
}

function cteNames(sql: string): Set<string> {
  const names = new Set<string>();
  for (const m of sql.matchAll(/\bWITH\s+(?:RECURSIVE\s+)?(\w+)\s+AS\s*\(|,\s*(\w+)\s+AS\s*\(/gi)) {
    names.add((m[1] ?? m[2] ?? '').toLowerCase());
  }
  return names;
}

export interface RewriteOptions {
  /** The `x-arc-database` header, or undefined when absent. */
  readonly headerDb: string | undefined;
  /** Builds the `read_parquet(…)` source for one measurement. */
  readonly source: (db: string, measurement: string) => string;
}

/**
 * Rewrites table references to Parquet globs: `FROM m`/`JOIN m` → header DB (or `default`),
 * `FROM db.m` → that DB (only without the header, else 400), quoted identifiers resolved and
 * validated; CTE names, skip prefixes and function calls are left alone. Then applies the
 * time_bucket/date_trunc rewrites. Input is the output of {@link validateSql}.
 */
export function rewriteSql(validated: Masked, opts: RewriteOptions): string {
  const { sql, literals } = validated;
  if (opts.headerDb !== undefined && /\b(?:FROM|JOIN)\s+[A-Za-z0-9_]+\.[A-Za-z0-9_]/i.test(sql)) {
    throw new SqlRejected(
      'Cross-database queries (db.table syntax) not allowed when x-arc-database header is set',
    );
  }
  const ctes = cteNames(sql);
  const defaultDb = opts.headerDb ?? 'default';
  const pattern = /\b(FROM|JOIN)(\s+)(LATERAL\s+)?([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?/gi;
  const rewritten = sql.replace(
    pattern,
    (
      match: string,
      kw: string,
      ws: string,
      lateral: string | undefined,
      first: string,
      second: string | undefined,
      offset: number,
    ) => {
      const after = sql.slice(offset + match.length);
      if (/^\s*\(/.test(after)) return match; // a function call, e.g. FROM generate_series(…)
      const prefix = `${kw}${ws}${lateral ?? ''}`;
      const placeholder = PLACEHOLDER.exec(first);
      if (placeholder && second === undefined) {
        const literal = literals[Number(placeholder[1])] ?? '';
        if (!literal.startsWith('"')) return match;
        const name = literal.slice(1, -1).replaceAll('""', '"');
        if (ctes.has(name.toLowerCase())) return match;
        // Arc resolves an invalid quoted name to an inert directory that never exists, so such
        // a query reads nothing (and answers like an empty measurement) instead of escaping.
        const valid = name.length <= 128 && MEASUREMENT.test(name);
        return `${prefix}${opts.source(defaultDb, valid ? name : INVALID_IDENTIFIER)}`;
      }
      if (second !== undefined) {
        const lower = first.toLowerCase();
        if (SKIP_PREFIXES.some((p) => lower.startsWith(p)) || ctes.has(lower)) return match;
        return `${prefix}${opts.source(first, second)}`;
      }
      const lower = first.toLowerCase();
      if (!/^[A-Za-z_]/.test(first) || ctes.has(lower)) return match;
      if (SKIP_PREFIXES.some((p) => lower.startsWith(p))) return match;
      if (lower === 'lateral' || lower === 'unnest') return match;
      return `${prefix}${opts.source(defaultDb, first)}`;
    },
  );
  return rewriteTimeFunctions(unmaskLiterals(rewritten, literals));
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
  if (/^\s*SHOW\s+DATABASES\s*;?\s*$/i.test(sql)) return { kind: 'databases' };
  const m = /^\s*SHOW\s+(?:TABLES|MEASUREMENTS)(?:\s+FROM\s+([\w-]+))?\s*;?\s*$/i.exec(sql);
  if (m) return { kind: 'tables', db: m[1] };
  return undefined;
}
