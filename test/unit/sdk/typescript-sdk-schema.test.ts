import { readFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCHEMA = path.join(ROOT, 'sdk/typescript/src/schema.ts');
const DOCUMENT = path.join(ROOT, 'docs/openapi.json');

/** The header the openapi-typescript CLI writes above the generated types. */
const stripHeader = (text: string) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '');

describe('TypeScriptSdk.schema', () => {
  it('matches docs/openapi.json when regenerated (npm run sdk:types)', async () => {
    // Arrange
    const document = readFileSync(DOCUMENT, 'utf8');

    // Act: what `npm run sdk:types` would write
    const ast = await openapiTS(document, { defaultNonNullable: false });
    const options = (await resolveConfig(SCHEMA)) ?? {};
    const fresh = await format(astToString(ast), { ...options, filepath: SCHEMA });

    // Assert
    expect(stripHeader(readFileSync(SCHEMA, 'utf8'))).toBe(stripHeader(fresh));
  });
});
