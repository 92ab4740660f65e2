import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { routeMatcher, UNMATCHED_ROUTE } from '../../adapters/http/middleware/observe-requests.js';
import { AuthService, silentLogger } from '../../domain/index.js';
import { loadConfig } from '../../src/config/index.js';
import { buildContainer } from '../../src/container.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { HTTP_APP } from '../../src/modules/tokens.js';

const KEY = `mtk_${'M'.repeat(43)}`;

/** The app as the server builds it, on the in-memory store, with or without metrics. */
async function appWith(env: Record<string, string>) {
  const config = loadConfig(
    { MEMTRACE_STORAGE_DRIVER: 'memory', MEMTRACE_LOG_LEVEL: 'silent', ...env },
    mkdtempSync(path.join(tmpdir(), 'memtrace-metrics-')),
  );
  const metrics = config.metrics.enabled ? { metrics: new PrometheusMetrics() } : {};
  const { container } = await buildContainer(config, { logger: silentLogger, ...metrics });
  await container.get(AuthService).bootstrap(KEY);
  return container.get<express.Express>(HTTP_APP);
}

/** The value of one sample line of the exposition, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('GET /metrics', () => {
  it('reports requests by route pattern, store calls, writes, duplicates and context tokens when enabled', async () => {
    const app = await appWith({});
    const auth = { 'x-api-key': KEY };
    const memory = { agent_id: 'a1', session_id: 's1', content: 'crawled a page' };
    await request(app).post('/api/v1/memories').set(auth).send(memory).expect(201);
    await request(app).post('/api/v1/memories').set(auth).send(memory).expect(409);
    await request(app).get('/api/v1/memories/mem_unknown1').set(auth).expect(404);
    await request(app).get('/api/v1/memories/mem_unknown2').set(auth).expect(404);
    const ctx = await request(app).post('/api/v1/sessions/s1/context').set(auth).send({});
    await request(app).get('/no/such/route').expect(404);

    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(
      sample(
        text,
        'memtrace_http_request_duration_seconds_count',
        '{method="GET",route="/api/v1/memories/:id",status="404"}',
      ),
    ).toBe(2);
    expect(text).not.toContain('mem_unknown1');
    expect(
      sample(
        text,
        'memtrace_http_request_duration_seconds_count',
        `{method="GET",route="${UNMATCHED_ROUTE}",status="404"}`,
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'memtrace_store_operation_duration_seconds_count',
        '{driver="memory",operation="memories.insert",outcome="ok"}',
      ),
    ).toBe(2);
    expect(sample(text, 'memtrace_memories_written_total')).toBe(1);
    expect(sample(text, 'memtrace_duplicates_rejected_total')).toBe(1);
    expect(sample(text, 'memtrace_context_tokens_returned_total')).toBe(
      (ctx.body as { estimated_tokens: number }).estimated_tokens,
    );
    expect(sample(text, 'memtrace_process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('is not served when MEMTRACE_METRICS_ENABLED=false', async () => {
    const app = await appWith({ MEMTRACE_METRICS_ENABLED: 'false' });
    await request(app).get('/metrics').expect(404);
  });
});

describe('routeMatcher', () => {
  const match = routeMatcher(['/api/v1/agents/{id}', '/api/v1/agents/{id}/stats', '/health']);

  it('returns the Express-style pattern when a path fits a template', () => {
    expect(match('/api/v1/agents/agent_x/stats')).toBe('/api/v1/agents/:id/stats');
    expect(match('/api/v1/agents/agent_x/')).toBe('/api/v1/agents/:id');
    expect(match('/HEALTH')).toBe('/health');
  });

  it('returns the unmatched label when no template fits', () => {
    expect(match('/api/v1/agents/a/b/c')).toBe(UNMATCHED_ROUTE);
  });
});
