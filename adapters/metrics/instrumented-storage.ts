import { performance } from 'node:perf_hooks';
import type { InsertOutcome, StoragePorts } from '../../domain/index.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

type Port = object;

/** Every method name of a port object, own or inherited from its class (not Object's). */
function methodNames(port: Port): string[] {
  const names = new Set<string>();
  for (
    let p: object | null = port;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name !== 'constructor' && typeof (port as Record<string, unknown>)[name] === 'function') {
        names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * A port whose methods are timed: `memtrace_store_operation_duration_seconds{driver,
 * operation="<area>.<method>", outcome}`. Calls pass through unchanged, errors included; the
 * adapter underneath knows nothing of it.
 */
function timedPort<T extends Port>(
  port: T,
  area: string,
  driver: string,
  metrics: PrometheusMetrics,
  after?: (method: string, result: unknown) => void,
): T {
  const wrapped: Record<string, unknown> = {};
  const target = port as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of methodNames(port)) {
    const observe = metrics.storeTimer(driver, `${area}.${name}`);
    wrapped[name] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        const result = await target[name]!.apply(port, args);
        observe('ok', (performance.now() - started) / 1000);
        after?.(name, result);
        return result;
      } catch (e) {
        observe('error', (performance.now() - started) / 1000);
        throw e;
      }
    };
  }
  return wrapped as T;
}

/**
 * The storage bundle with every port call timed, and memory inserts counted as written or
 * duplicate. The composition root applies it: the storage adapters stay independent of it.
 */
export function instrumentStorage<S extends StoragePorts>(
  storage: S,
  metrics: PrometheusMetrics,
): S {
  const driver = storage.driver;
  const countInserts = (method: string, result: unknown) => {
    if (method !== 'insert') return;
    for (const outcome of result as InsertOutcome[]) {
      if (outcome.status === 'created') metrics.memoriesWritten.inc();
      else metrics.duplicatesRejected.inc();
    }
  };
  const timed = timedPort({ ping: () => storage.ping() }, 'storage', driver, metrics);
  return {
    ...storage,
    memories: timedPort(storage.memories, 'memories', driver, metrics, countInserts),
    sessions: timedPort(storage.sessions, 'sessions', driver, metrics),
    agents: timedPort(storage.agents, 'agents', driver, metrics),
    auth: timedPort(storage.auth, 'auth', driver, metrics),
    arcInstances: timedPort(storage.arcInstances, 'arcInstances', driver, metrics),
    ping: () => timed.ping(),
    close: () => storage.close(),
  };
}
