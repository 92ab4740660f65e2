import path from 'node:path';
import { json, type Reply } from './http-reply.js';
import type { ArcStorage } from './storage.js';

/**
 * `POST /api/v1/delete` (§1.11): Arc's request checks and messages, then a rewrite of every
 * flushed file that holds matching rows with `WHERE NOT (<where>)`. Buffered rows are untouched.
 */

const DELETE_DISABLED =
  'Delete operations are disabled. Set delete.enabled=true in arc.toml to enable.';
const DELETE_KEYWORDS =
  /\b(DROP|DELETE|INSERT|UPDATE|EXEC|EXECUTE|UNION|SELECT|CREATE|ALTER|COPY|ATTACH|DETACH|LOAD|INSTALL|PRAGMA|CALL|SET)\b/i;
const DELETE_CONFIRMATION_THRESHOLD = 10_000;
const DELETE_MAX_ROWS = 1_000_000;

export async function handleDelete(
  storage: ArcStorage,
  enabled: boolean,
  raw: Buffer,
): Promise<Reply> {
  const started = Date.now();
  const reply = (
    status: number,
    fields: {
      deleted?: number;
      affected?: number;
      rewritten?: number;
      dryRun?: boolean;
      files?: string[] | null;
      failed?: string[];
      error?: string;
    },
  ): Reply =>
    json(status, {
      success: status === 200 && !fields.error,
      deleted_count: fields.deleted ?? 0,
      affected_files: fields.affected ?? 0,
      rewritten_files: fields.rewritten ?? 0,
      execution_time_ms: fields.files === undefined ? 0 : Date.now() - started,
      dry_run: fields.dryRun ?? false,
      files_processed: fields.files ?? null,
      ...(fields.failed && fields.failed.length > 0 ? { failed_files: fields.failed } : {}),
      ...(fields.error ? { error: fields.error } : {}),
    });
  if (!enabled) return reply(403, { error: DELETE_DISABLED });
  let req: {
    database?: unknown;
    measurement?: unknown;
    where?: unknown;
    dry_run?: unknown;
    confirm?: unknown;
  };
  try {
    req = JSON.parse(raw.toString('utf8')) as typeof req;
  } catch (e) {
    return reply(400, { error: `Invalid request body: ${(e as Error).message}` });
  }
  const database = typeof req.database === 'string' ? req.database : '';
  const measurement = typeof req.measurement === 'string' ? req.measurement : '';
  const where = typeof req.where === 'string' ? req.where : '';
  const dryRun = req.dry_run === true;
  const confirm = req.confirm === true;
  if (!database) return reply(400, { error: 'database is required' });
  if (!measurement) return reply(400, { error: 'measurement is required' });
  if (/[/\\]/.test(database) || database.includes('..')) {
    return reply(400, { error: 'database name contains invalid characters' });
  }
  if (/[/\\]/.test(measurement) || measurement.includes('..')) {
    return reply(400, { error: 'measurement name contains invalid characters' });
  }
  if (where.trim() === '') {
    return reply(400, {
      error:
        "WHERE clause is required. To delete all data, use WHERE clause '1=1' with confirm=true",
    });
  }
  let upper = where.trim().toUpperCase();
  if (upper.startsWith('WHERE ')) upper = upper.slice(6).trim();
  for (const p of [';', '--', '/*']) {
    if (upper.includes(p)) {
      return reply(400, { error: `WHERE clause contains forbidden pattern: ${p}` });
    }
  }
  const keyword = DELETE_KEYWORDS.exec(where);
  if (keyword) {
    return reply(400, {
      error: `WHERE clause contains forbidden keyword: ${(keyword[0] as string).toUpperCase()}`,
    });
  }
  if ((where.match(/'/g)?.length ?? 0) % 2 !== 0) {
    return reply(400, { error: 'WHERE clause has unmatched quotes' });
  }
  if ((where.match(/\(/g)?.length ?? 0) !== (where.match(/\)/g)?.length ?? 0)) {
    return reply(400, { error: 'WHERE clause has unmatched parentheses' });
  }
  const fullTable = ['1=1', 'TRUE', '1'].includes(upper);
  if (fullTable && !confirm) {
    return reply(400, {
      error: 'Full table delete detected (WHERE 1=1). Set confirm=true to proceed.',
    });
  }
  if (!dryRun && !confirm) {
    return reply(400, {
      error:
        'Confirmation required for delete operation. Set confirm=true or use dry_run=true to preview.',
    });
  }
  const { matched, rewritten } = await storage.deleteRows(database, measurement, where, dryRun);
  if (matched.length === 0) return reply(200, { dryRun, files: [] });
  const total = matched.reduce((n, f) => n + f.deleted, 0);
  if (total > DELETE_MAX_ROWS) {
    return reply(400, {
      error:
        `Delete would affect ${total} rows, exceeding maximum of ${DELETE_MAX_ROWS}. ` +
        'Adjust delete.max_rows_per_delete in arc.toml or refine WHERE clause.',
    });
  }
  if (total > DELETE_CONFIRMATION_THRESHOLD && !confirm) {
    return reply(400, {
      error: `Delete would affect ${total} rows (threshold: ${DELETE_CONFIRMATION_THRESHOLD}). Set confirm=true to proceed.`,
    });
  }
  const base = (f: { file: string }): string => path.basename(f.file);
  if (dryRun) {
    return reply(200, {
      deleted: total,
      affected: matched.length,
      dryRun: true,
      files: matched.map(base),
    });
  }
  return reply(200, {
    deleted: rewritten.reduce((n, f) => n + f.deleted, 0),
    affected: matched.length,
    rewritten: rewritten.length,
    files: rewritten.map(base),
  });
}
