import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { answerClientErrors } from '../adapters/http/client-errors.js';
import { presetExpressPrototypes } from '../adapters/http/express-prototypes.js';
import { AuthService, CLOCK, LOGGER, type Clock, type Logger } from '../domain/index.js';
import type { Config } from './config/index.js';
import { buildContainer, type BuildOptions } from './container.js';
import { localUrl } from './local-url.js';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics.js';
import { HTTP_APP, MEMTRACE } from './modules/tokens.js';
import { startPurgeLoop } from './expiry-purge-loop.js';

export interface RunningHttpServer {
  readonly url: string;
  readonly port: number;
  /** The admin key made on this start of an empty store (printed once), else null. */
  readonly firstRunKey: string | null;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the store. */
  close(): Promise<void>;
}

/**
 * The HTTP server of memtrace: builds the container, bootstraps the first admin key, and
 * listens; `close` drains it and closes the store. No process handling (see server-process.ts).
 */
export async function startHttpServer(
  config: Config,
  options: BuildOptions = {},
): Promise<RunningHttpServer> {
  const metrics = config.metrics.enabled ? { metrics: new PrometheusMetrics() } : {};
  const { container, storage } = await buildContainer(config, { ...metrics, ...options });
  const logger = container.get<Logger>(LOGGER);
  let server: Server;
  let firstRunKey: string | null;
  try {
    firstRunKey = await container.get(AuthService).bootstrap(config.auth.bootstrapKey);
    const app = container.get<express.Express>(HTTP_APP);
    server = await listen(app, config);
  } catch (e) {
    await storage.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const url = localUrl(config.server.host, port);
  logger.info('memtrace listening', { url, driver: storage.driver });
  const purge = startPurgeLoop(
    container.get(MEMTRACE),
    storage,
    container.get<Clock>(CLOCK),
    logger,
    config.memory,
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('memtrace shutting down');
      await Promise.all([drain(server, config.server.shutdownTimeoutMs), purge.stop()]);
      await storage.close();
      logger.info('memtrace stopped');
    })());
  return { url, port, firstRunKey, close };
}

/** Listens with the configured limits on header size and on slow clients. */
function listen(app: express.Express, config: Config): Promise<Server> {
  const { host, port, maxHeaderBytes, requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } =
    config.server;
  return new Promise((resolve, reject) => {
    const server = createServer(
      {
        maxHeaderSize: maxHeaderBytes,
        requestTimeout: requestTimeoutMs,
        headersTimeout: headersTimeoutMs,
        keepAliveTimeout: keepAliveTimeoutMs,
        // How often the two timeouts above are checked (node's default is 30 s).
        connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
        ...presetExpressPrototypes(app),
      },
      app,
    );
    answerClientErrors(server);
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops accepting connections and waits for in-flight requests; forces after the timeout. */
function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
