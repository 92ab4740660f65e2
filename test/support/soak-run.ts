import { readFileSync } from 'node:fs';
import { HttpClient } from './http-client.js';
import type { ServerDriver } from './server-drivers.js';
import { aBootstrapKey, freePort, spawnServer, waitUntilHealthy } from './server-process.js';

export interface SoakOptions {
  readonly driver: ServerDriver;
  readonly durationMs: number;
  /** Requests started per second, whatever the answers (an open loop). */
  readonly ratePerSecond: number;
  /** The length of one reporting window (a minute in the long run). */
  readonly windowMs: number;
  readonly progress?: (w: SoakWindow) => void;
}

export interface SoakWindow {
  readonly index: number;
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly rssMb: number;
}

export interface SoakFigures {
  readonly requests: number;
  readonly errors: number;
  /** What the errors were (status and route), the first 20. */
  readonly errorSamples: readonly string[];
  readonly windows: readonly SoakWindow[];
  readonly rssStartMb: number;
  readonly rssEndMb: number;
  /** Requests resent because the server had closed their idle keep-alive socket. */
  readonly keepAliveRetries: number;
}

/** Resident memory of a process in MiB, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Runs a real server process and sends it mixed traffic at a fixed rate for `durationMs`:
 * single and batch writes, duplicates, filtered lists, searches, gets, session updates and
 * context. Reports each window's latency percentiles and the server's RSS.
 */
export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const store = await options.driver.open();
  const key = aBootstrapKey();
  const server = spawnServer(
    { ...store.env, MEMTRACE_AUTH_BOOTSTRAP_KEY: key, MEMTRACE_LOG_LEVEL: 'warn' },
    await freePort(),
  );
  const client = new HttpClient(server.url);
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  try {
    await waitUntilHealthy(server);
    const pid = server.proc.pid as number;
    const ids: string[] = [];
    const sessions: string[] = [];
    let n = 0;

    type Op = () => [string, string, unknown?, number[]?];
    const agent = (i: number) => `agent_soak_${i % 20}`;
    const ops: [number, Op][] = [
      [
        40,
        () => [
          'POST',
          '/api/v1/memories',
          {
            agent_id: agent(n),
            session_id: `sess_soak_${n % 200}`,
            memory_type: 'episodic',
            content: `soak write ${n} ${'x'.repeat(n % 500)}`,
            metadata: { n },
            tags: [`t${n % 10}`],
            importance: (n % 10) / 10,
          },
        ],
      ],
      [
        8,
        () => [
          'POST',
          '/api/v1/memories',
          {
            memories: Array.from({ length: 10 }, (_, i) => ({
              agent_id: agent(n),
              session_id: `sess_soak_${n % 200}`,
              memory_type: i % 2 ? 'decision' : 'entity',
              content: `soak batch ${n}.${i}`,
            })),
          },
        ],
      ],
      [
        4,
        () => [
          'POST',
          '/api/v1/memories',
          { agent_id: agent(1), content: 'the same again', dedup_key: 'soak-dup' },
          [201, 409],
        ],
      ],
      [
        15,
        () => ['GET', `/api/v1/memories?agent_id=${agent(n)}&tags=t${n % 10}&since=1h&limit=50`],
      ],
      [
        8,
        () => [
          'POST',
          '/api/v1/search',
          {
            agent_id: agent(n),
            memory_types: ['episodic', 'decision'],
            min_importance: 0.3,
            limit: 20,
          },
        ],
      ],
      [
        8,
        () => [
          'GET',
          ids.length
            ? `/api/v1/memories/${ids[n % ids.length] as string}`
            : '/api/v1/memories?limit=1',
        ],
      ],
      [
        6,
        () => [
          'POST',
          `/api/v1/sessions/sess_soak_${n % 200}/context`,
          { max_tokens: 2000 },
          [200, 404],
        ],
      ],
      [
        4,
        () =>
          sessions.length
            ? [
                'PUT',
                `/api/v1/sessions/${sessions[n % sessions.length] as string}`,
                { metadata: { [`k${n % 50}`]: n } },
              ]
            : ['POST', '/api/v1/sessions', { agent_id: agent(n) }],
      ],
      [3, () => ['GET', `/api/v1/agents/${agent(n)}/stats`, undefined, [200, 404]]],
      [2, () => ['POST', '/api/v1/sessions', { agent_id: agent(n), metadata: { soak: true } }]],
      [2, () => ['GET', '/ready']],
    ];
    const total = ops.reduce((s, [w]) => s + w, 0);
    const pick = (): ReturnType<Op> => {
      let r = (n * 7919) % total;
      for (const [w, op] of ops) {
        if (r < w) return op();
        r -= w;
      }
      return (ops[0] as [number, Op])[1]();
    };

    const windows: SoakWindow[] = [];
    const errorSamples: string[] = [];
    let latencies: number[] = [];
    let windowErrors = 0;
    let requests = 0;
    let errors = 0;
    const inFlight = new Set<Promise<void>>();
    const rssStartMb = rssMb(pid);

    const fire = () => {
      n++;
      const [
        method,
        path,
        body,
        ok = method === 'POST' && !path.includes('search') && !path.includes('context')
          ? [201]
          : [200],
      ] = pick();
      const started = performance.now();
      const p = client
        .send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), 10_000)
        .then((res) => {
          latencies.push(performance.now() - started);
          requests++;
          if (!ok.includes(res.status)) {
            errors++;
            windowErrors++;
            if (errorSamples.length < 20)
              errorSamples.push(`${res.status} ${method} ${path} ${res.text.slice(0, 120)}`);
            return;
          }
          if (method === 'POST' && path === '/api/v1/memories' && res.status === 201) {
            const parsed = JSON.parse(res.text) as { memory_id?: string };
            if (parsed.memory_id && ids.length < 5000) ids.push(parsed.memory_id);
          }
          if (method === 'POST' && path === '/api/v1/sessions') {
            const parsed = JSON.parse(res.text) as { session_id?: string };
            if (parsed.session_id && sessions.length < 500) sessions.push(parsed.session_id);
          }
        })
        .catch((e: unknown) => {
          requests++;
          errors++;
          windowErrors++;
          if (errorSamples.length < 20) errorSamples.push(`${method} ${path}: ${String(e)}`);
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };

    const closeWindow = () => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const w: SoakWindow = {
        index: windows.length + 1,
        requests: sorted.length,
        errors: windowErrors,
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        maxMs: round(sorted[sorted.length - 1] ?? 0),
        rssMb: rssMb(pid),
      };
      windows.push(w);
      options.progress?.(w);
      latencies = [];
      windowErrors = 0;
    };

    // A fixed rate: each tick starts the requests due by now, so a slow answer never delays the next.
    const start = performance.now();
    let sent = 0;
    let nextWindow = start + options.windowMs;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const now = performance.now();
        const due = Math.floor(((now - start) / 1000) * options.ratePerSecond);
        while (sent < due) {
          sent++;
          fire();
        }
        if (now >= nextWindow) {
          closeWindow();
          nextWindow += options.windowMs;
        }
        if (now - start >= options.durationMs) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    await Promise.all([...inFlight]);
    if (latencies.length > 0) closeWindow();
    return {
      requests,
      errors,
      errorSamples,
      windows,
      rssStartMb,
      rssEndMb: rssMb(pid),
      keepAliveRetries: client.retries,
    };
  } finally {
    client.close();
    server.proc.kill('SIGTERM');
    await server.exited;
    await store.close();
  }
}
