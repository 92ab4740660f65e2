import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createApp } from '../../adapters/http/create-app.js';
import { DEFAULT_LIMITS } from '../../domain/index.js';
import { listRoutes, routeName } from './app-routes.js';
import { fuzzCase, type FuzzCase } from './fuzz/cases.js';
import { probeCases } from './fuzz/probes.js';
import { encode, planReadBack, type Json } from './fuzz/read-back.js';
import { openFuzzStorage } from './fuzz/storage.js';
import { HttpClient } from './http-client.js';
import { buildTestApp, TEST_DRIVER } from './test-app.js';

/** What a fuzz run did; `failures` must be empty. */
export interface FuzzFigures {
  readonly cases: number;
  /** Requests sent, read-backs included. */
  readonly requests: number;
  readonly byStatus: Readonly<Record<number, number>>;
  /** Accepted writes read back and compared. */
  readonly readBacks: number;
  readonly routes: number;
  /** Cases run of each probe family. */
  readonly byProbe: Readonly<Record<string, number>>;
  /** The slowest answer of each route, in ms. */
  readonly slowestMs: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
}

export interface FuzzOptions {
  readonly cases: number;
  readonly seed: number;
  /** A request that takes longer is a hang. */
  readonly timeoutMs?: number;
  readonly progress?: (done: number) => void;
  /** The storage driver of the app under test: sqlite, postgres, arc or memory. */
  readonly driver?: string;
  /**
   * The probes (test/support/fuzz/probes.ts): `off` (default) runs the general cases only,
   * `mixed` one probe in 20 cases, `only` nothing but probes.
   */
  readonly probes?: 'off' | 'mixed' | 'only';
  /** The probe families to run; all by default. */
  readonly families?: readonly string[];
  /** Stop after this many failing cases (default 1). */
  readonly maxFailures?: number;
}

/** The largest request body of the app under test (the fuzzer sends bodies of several MB). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

function generator(options: FuzzOptions, routes: ReturnType<typeof listRoutes>) {
  const general = fuzzCase(routes).map((c) => [c]);
  const mode = options.probes ?? 'off';
  if (mode === 'off') return general;
  const probes = probeCases(options.families);
  if (mode === 'only') return probes;
  return fc.oneof({ weight: 19, arbitrary: general }, { weight: 1, arbitrary: probes });
}

/**
 * Sends `cases` generated requests (seeded) to the real app on 127.0.0.1, over every route the
 * app serves: never a 5xx, never a hang, always the error body on a 4xx, and every accepted
 * memory, session or agent reads back byte-identical to what was sent. Probes add what their
 * answer must be (accepted or refused) and how long a read may take.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const store = await openFuzzStorage(options.driver ?? TEST_DRIVER);
  const t = await buildTestApp({ maxBodyBytes: MAX_BODY_BYTES, storage: store.storage });
  const server: Server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The REST API's routes: the /mcp mount answers in MCP's protocol, fuzzed by mcp-input.
  const routes = listRoutes(createApp({ ...t.deps, mounts: [] }));
  const byStatus: Record<number, number> = {};
  const byProbe: Record<string, number> = {};
  const slowestMs: Record<string, number> = {};
  const failures: string[] = [];
  const maxFailures = options.maxFailures ?? 1;
  let requests = 0;
  let readBacks = 0;
  let cases = 0;
  let lastSession = 'x';
  const timeoutMs = options.timeoutMs ?? 10_000;

  const client = new HttpClient(base);
  const headers = { 'x-api-key': t.adminKey, 'content-type': 'application/json' };
  const send = async (name: string, method: string, path: string, body?: string) => {
    requests++;
    const started = performance.now();
    const res = await client.send(method, path, headers, body, timeoutMs);
    const ms = Math.round(performance.now() - started);
    slowestMs[name] = Math.max(slowestMs[name] ?? 0, ms);
    byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    return {
      ms,
      status: res.status,
      text: res.text,
      type: String(res.headers['content-type'] ?? ''),
    };
  };

  const check = async (c: FuzzCase): Promise<string | null> => {
    const name = routeName(c.route);
    const label = c.probe ? `[${c.probe}] ${name}` : name;
    const id = c.lastSession ? lastSession : c.id;
    const path =
      c.route.path.replace(':id', encode(id) || 'x') +
      (c.query.length ? `?${c.query.map(([k, v]) => `${k}=${encode(v)}`).join('&')}` : '');
    const body =
      c.body === null ? undefined : 'raw' in c.body ? c.body.raw : JSON.stringify(c.body.json);
    const json = c.body !== null && 'json' in c.body ? (c.body.json as Json | null) : null;
    const batch = Array.isArray(json?.memories) ? ` (a batch of ${json.memories.length})` : '';
    const shown = `for ${path.slice(0, 200)}${batch} ${String(body).slice(0, 300)}`;
    let res;
    try {
      res = await send(name, c.route.method, path, body);
    } catch (e) {
      return `${label}: no answer (${e instanceof Error ? e.message : String(e)}) ${shown}`;
    }
    if (res.status >= 500) return `${label}: ${res.status} ${res.text.slice(0, 300)} ${shown}`;
    if (c.budgetMs !== undefined && res.ms > c.budgetMs)
      return `${label}: answered ${res.status} in ${res.ms} ms, over the ${c.budgetMs} ms budget, ${shown}`;
    if (c.expect === 'accepted' && res.status >= 300)
      return `${label}: refused with ${res.status} ${res.text.slice(0, 300)} ${shown}`;
    if (c.expect === 'refused' && res.status < 400)
      return `${label}: accepted with ${res.status} ${shown}`;
    if (!res.type.includes('json')) return null; // /docs is HTML
    let parsed: Json;
    try {
      parsed = JSON.parse(res.text) as Json;
    } catch {
      return `${label}: answered ${res.status} with a body that is not JSON`;
    }
    if (res.status >= 400) {
      if (
        typeof parsed.error !== 'string' ||
        typeof parsed.message !== 'string' ||
        typeof parsed.request_id !== 'string'
      ) {
        return `${label}: ${res.status} without the error body: ${res.text.slice(0, 200)}`;
      }
      return null;
    }
    if (name === 'POST /api/v1/sessions' && res.status === 201)
      lastSession = String(parsed.session_id);
    if (
      body === undefined ||
      !(res.status === 201 || (res.status === 200 && c.route.method === 'PUT'))
    ) {
      return null;
    }
    const plan = planReadBack(
      name,
      JSON.parse(body) as Json,
      parsed,
      DEFAULT_LIMITS.maxMetadataBytes,
    );
    if (plan.failure !== null) return c.probe ? `[${c.probe}] ${plan.failure}` : plan.failure;
    for (const [readPath, acked] of plan.pairs) {
      readBacks++;
      const again = await send(`GET ${readPath.replace(/[^/]+$/, ':id')}`, 'GET', readPath);
      if (again.status !== 200)
        return `${label}: acknowledged ${readPath} reads back as ${again.status}`;
      if (again.text !== JSON.stringify(acked)) {
        return `${label}: ${readPath} reads back different from its acknowledgement: ${again.text.slice(0, 200)} vs ${JSON.stringify(acked).slice(0, 200)}`;
      }
    }
    return null;
  };

  try {
    await fc.assert(
      fc.asyncProperty(generator(options, routes), async (steps) => {
        cases++;
        if (options.progress && cases % 10_000 === 0) options.progress(cases);
        const probe = steps[0]?.probe;
        if (probe) byProbe[probe] = (byProbe[probe] ?? 0) + 1;
        for (const step of steps) {
          const failure = await check(step);
          if (failure !== null) {
            failures.push(failure);
            return failures.length < maxFailures;
          }
        }
        return true;
      }),
      { numRuns: options.cases, seed: options.seed, endOnFailure: true },
    );
  } catch (e) {
    // A failed check is already in `failures`; anything else thrown is a failure too.
    if (failures.length === 0) failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
  }
  return {
    cases,
    requests,
    byStatus,
    readBacks,
    routes: routes.length,
    byProbe,
    slowestMs,
    failures,
  };
}
