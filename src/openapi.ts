import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument } from '../adapters/http/openapi/openapi-document.js';

/** The committed copy of the document: `npm run openapi` rewrites it; a test keeps it current. */
export const OPENAPI_FILE = path.join('docs', 'openapi.json');

/** The document as written to docs/openapi.json: two-space JSON and a final newline. */
export const openApiText = (): string => JSON.stringify(openApiDocument(), null, 2) + '\n';

/** Writes docs/openapi.json under `root`. */
export function writeOpenApi(root: string): string {
  const file = path.join(root, OPENAPI_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, openApiText());
  return file;
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]).replace(/\.[jt]s$/, '') ===
    import.meta.filename.replace(/\.[jt]s$/, '')
) {
  process.stdout.write(`wrote ${writeOpenApi(process.cwd())}\n`);
}
