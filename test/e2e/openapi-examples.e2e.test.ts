import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimeExpression } from '../../domain/index.js';
import { openApiDocument } from '../../adapters/http/openapi/openapi-document.js';
import { sqliteDriver, type ServerStore } from '../support/server-drivers.js';
import {
  aBootstrapKey,
  type ServerProcess,
  startServerProcess,
  stopServerProcess,
} from '../support/server-process.js';
import {
  sampleBody,
  sampleQuery,
  type DocumentedBody,
  type DocumentedParameter,
} from '../support/openapi-examples.js';

interface DocumentedOperation {
  readonly operationId: string;
  readonly parameters?: readonly DocumentedParameter[];
  readonly requestBody?: DocumentedBody;
}

const doc = openApiDocument();
// In document order, deletes last (as a user trying them out would): a delete of what the
// examples made would leave the list and search examples after it nothing to find.
const operations = Object.entries(doc.paths as Record<string, Record<string, DocumentedOperation>>)
  .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
  .sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));

/** The field of a 201 answer that names what was made, by the collection that made it. */
const CREATED_ID: Readonly<Record<string, string>> = {
  '/api/v1/memories': 'memory_id',
  '/api/v1/sessions': 'session_id',
  '/api/v1/keys': 'key_id',
  '/api/v1/orgs': 'org_id',
};

/** List and search operations whose examples must find the memory the write example made. */
const FINDS_THE_EXAMPLE_MEMORY: Readonly<Record<string, string>> = {
  listMemories: 'memories',
  searchMemories: 'results',
  getAgentMemories: 'memories',
};

describe('OpenAPI examples', () => {
  const key = aBootstrapKey();
  let store: ServerStore;
  let server: ServerProcess;

  beforeAll(async () => {
    store = await sqliteDriver.open();
    server = await startServerProcess({
      ...store.env,
      MEMTRACE_AUTH_BOOTSTRAP_KEY: key,
      MEMTRACE_MASTER_KEY: '0f'.repeat(32),
    });
  }, 60_000);

  afterAll(async () => {
    await stopServerProcess(server);
    await store.close();
  });

  it('gives every list, search and context example a time range that is not empty', () => {
    const now = Date.now();
    const ranges: string[] = [];
    for (const { op } of operations) {
      const sample = op.requestBody ? (sampleBody(doc, op.requestBody) as object) : {};
      const query = Object.fromEntries(sampleQuery(op.parameters ?? []));
      const { since, until } = { ...sample, ...query } as { since?: string; until?: string };
      if (since === undefined && until === undefined) continue;
      ranges.push(op.operationId);
      const from = since === undefined ? -Infinity : parseTimeExpression('since', since, now);
      const to = until === undefined ? Infinity : parseTimeExpression('until', until, now);
      expect(from, `${op.operationId}: since ${since} until ${until}`).toBeLessThan(to);
      expect(to, `${op.operationId}: until ${until} is in the past`).toBeGreaterThan(now);
    }
    expect(ranges.length).toBeGreaterThan(0);
  });

  it('answers every operation run with its documented examples on a fresh server, as "Try it out" sends them', async () => {
    const ids: Record<string, string> = { agents: 'agent_web_crawler' };
    const failures: string[] = [];
    for (const { path, method, op } of operations) {
      // Arrange: path ids are what the examples before made (Try it out leaves them to the user)
      const url = new URL(
        path.replace(/\{id\}/, () => ids[path.split('/')[3] ?? ''] ?? 'unknown'),
        server.url,
      );
      url.search = sampleQuery(op.parameters ?? []).toString();
      const body = op.requestBody && JSON.stringify(sampleBody(doc, op.requestBody));

      // Act
      const res = await fetch(url, {
        method: method.toUpperCase(),
        headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
      const text = await res.text();

      // Assert (collected, so that one run names every failing example)
      if (res.status >= 400) failures.push(`${method} ${url.pathname}${url.search}: ${text}`);
      const answer = res.headers.get('content-type')?.includes('json')
        ? (JSON.parse(text) as Record<string, unknown>)
        : {};
      const made = CREATED_ID[path];
      if (res.status === 201 && made) ids[path.split('/')[3] ?? ''] = String(answer[made]);
      const listed = FINDS_THE_EXAMPLE_MEMORY[op.operationId];
      if (listed && (answer[listed] as unknown[] | undefined)?.length === 0)
        failures.push(`${op.operationId} found nothing with its examples: ${url.search} ${body}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});
