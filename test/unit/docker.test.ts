import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCKERFILE = readFileSync(path.join(ROOT, 'docker/Dockerfile'), 'utf8');
const COMPOSE = readFileSync(path.join(ROOT, 'docker/docker-compose.yml'), 'utf8');
const EMPTY_DIR = mkdtempSync(path.join(tmpdir(), 'memtrace-docker-'));
// Variables of the image and of Node itself, not memtrace settings.
const NOT_MEMTRACE = new Set(['NODE_ENV', 'NODE_OPTIONS', 'TZ']);

/** Dockerfile instructions with their continuation lines joined, comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Sources of every COPY from the build context (not `--from` another stage). */
function copiedFromContext(text: string): string[] {
  return instructions(text)
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/i.test(l))
    .flatMap((l) => {
      const args = l
        .split(/\s+/)
        .slice(1)
        .filter((a) => !a.startsWith('--'));
      return args.slice(0, -1);
    });
}

/** `ENV` names of the Dockerfile (both `ENV A=1 B=2` and `ENV A 1`). */
function envNames(text: string): string[] {
  return instructions(text)
    .filter((l) => /^ENV\s/i.test(l))
    .flatMap((l) => {
      const rest = l.replace(/^ENV\s+/i, '');
      return rest.includes('=')
        ? [...rest.matchAll(/(\w+)=/g)].map((m) => m[1] as string)
        : [rest.split(/\s+/)[0] as string];
    });
}

/**
 * The `environment:` of each service of a compose file, as a map (block mapping or `- K=V`
 * list form). A small reader for the two forms compose files use, not a YAML parser.
 */
function composeEnvironments(text: string): Map<string, Record<string, string>> {
  const services = new Map<string, Record<string, string>>();
  const lines = text.split('\n');
  let inServices = false;
  let service: string | null = null;
  let envIndent: number | null = null;
  for (const line of lines) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      inServices = line.startsWith('services:');
      service = null;
      continue;
    }
    if (!inServices) continue;
    if (indent === 2) {
      service = line.trim().replace(/:$/, '');
      services.set(service, {});
      envIndent = null;
      continue;
    }
    if (service === null) continue;
    if (line.trim() === 'environment:') {
      envIndent = indent;
      continue;
    }
    if (envIndent !== null && indent > envIndent) {
      const item = line.trim();
      const m = item.startsWith('- ')
        ? /^-\s*['"]?(\w+)=(.*?)['"]?$/.exec(item)
        : /^(\w+):\s*['"]?(.*?)['"]?$/.exec(item);
      if (m) services.get(service)![m[1] as string] = m[2] as string;
    } else {
      envIndent = null;
    }
  }
  return services;
}

/** Every MEMTRACE_* name loadConfig reads, found by handing it a recording environment. */
function acceptedNames(): Set<string> {
  const seen = new Set<string>();
  for (const given of [
    { MEMTRACE_STORAGE_DRIVER: 'sqlite', MEMTRACE_STORAGE_SQLITE_BUSY_TIMEOUT_MS: '1000' },
    {
      MEMTRACE_STORAGE_DRIVER: 'postgres',
      MEMTRACE_STORAGE_POSTGRES_URL: 'postgres://u@127.0.0.1:5432/db',
    },
  ]) {
    const env = new Proxy(given as Record<string, string | undefined>, {
      get(target, key) {
        if (typeof key === 'string') seen.add(key);
        return target[key as string];
      },
    });
    loadConfig(env, EMPTY_DIR);
  }
  return new Set([...seen].filter((k) => k.startsWith('MEMTRACE_')));
}

describe('docker/Dockerfile', () => {
  it('copies only files and folders that exist in the build context', () => {
    const sources = copiedFromContext(DOCKERFILE);
    expect(sources.length).toBeGreaterThan(3);
    expect(sources.filter((s) => !existsSync(path.join(ROOT, s)))).toEqual([]);
  });

  it('copies every folder the build compiles when building', () => {
    const build = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    const copied = copiedFromContext(DOCKERFILE).map((s) => s.replace(/\/$/, ''));
    expect(build.include.filter((dir) => !copied.includes(dir))).toEqual([]);
  });

  it('sets only environment names the config accepts', () => {
    const accepted = acceptedNames();
    const names = envNames(DOCKERFILE);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !NOT_MEMTRACE.has(n) && !accepted.has(n))).toEqual([]);
  });

  it('starts through the entrypoint that migrates then serves', () => {
    const entrypoint = readFileSync(path.join(ROOT, 'docker/entrypoint.sh'), 'utf8');
    expect(entrypoint).toMatch(/node dist\/src\/migrate\.js/);
    expect(entrypoint).toMatch(/exec node dist\/src\/main\.js/);
    expect(existsSync(path.join(ROOT, 'src/migrate.ts'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'src/main.ts'))).toBe(true);
    expect(DOCKERFILE).toMatch(/^USER node$/m);
  });
});

describe('docker/Dockerfile HEALTHCHECK', () => {
  /** Runs the image's health check from source, as its HEALTHCHECK runs the built file. */
  async function healthcheck(env: Record<string, string>): Promise<number> {
    try {
      await exec(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/healthcheck.ts')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: EMPTY_DIR, ...env },
      });
      return 0;
    } catch (e) {
      return (e as { code: number }).code;
    }
  }

  /** A stand-in server on 127.0.0.1 whose /ready answers `status`. */
  async function readyServer(status: number): Promise<Server> {
    const server = createServer((req, res) =>
      res.writeHead(req.url === '/ready' ? status : 404).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }
  const portOf = (s: Server) => String((s.address() as AddressInfo).port);

  it('runs the health check that reads the configured port', () => {
    const check = instructions(DOCKERFILE).find((l) => /^HEALTHCHECK\s/i.test(l)) ?? '';
    expect(check).toMatch(/CMD \["node", "dist\/src\/healthcheck\.js"\]$/);
    expect(existsSync(path.join(ROOT, 'src/healthcheck.ts'))).toBe(true);
  });

  it('passes on a ready server and fails on one that is not, on the port the config names', async () => {
    // Arrange: two servers, neither on the default port
    const ready = await readyServer(200);
    const notReady = await readyServer(503);
    const toml = path.join(EMPTY_DIR, 'healthcheck.toml');
    writeFileSync(toml, `[server]\nport = ${portOf(ready)}\n`);
    try {
      // Act
      const codes = [
        await healthcheck({ MEMTRACE_SERVER_PORT: portOf(ready) }),
        await healthcheck({ MEMTRACE_SERVER_PORT: portOf(notReady) }),
        await healthcheck({ MEMTRACE_CONFIG: toml }),
      ];

      // Assert
      expect(codes).toEqual([0, 1, 0]);
    } finally {
      await Promise.all([ready, notReady].map((s) => new Promise((r) => s.close(r))));
    }
  }, 30_000);
});

describe('docker/docker-compose.yml', () => {
  const services = composeEnvironments(COMPOSE);
  const memtrace = [...services].filter(([, env]) =>
    Object.keys(env).some((k) => k.startsWith('MEMTRACE_')),
  );

  it('gives memtrace only environment names the config accepts', () => {
    const accepted = acceptedNames();
    expect(memtrace.length).toBeGreaterThan(0);
    const unknown = memtrace.flatMap(([name, env]) =>
      Object.keys(env)
        .filter((k) => !NOT_MEMTRACE.has(k) && !accepted.has(k))
        .map((k) => `${name}: ${k}`),
    );
    expect(unknown).toEqual([]);
  });

  it('gives memtrace values the config loads without error', () => {
    for (const [, env] of memtrace) {
      expect(() => loadConfig(env, EMPTY_DIR)).not.toThrow();
    }
  });
});

describe('composeEnvironments', () => {
  it('reads both the mapping and the list form when given a compose file', () => {
    const env = composeEnvironments(
      [
        'services:',
        '  a:',
        '    environment:',
        '      MEMTRACE_X: 1',
        '    ports:',
        "      - '1:1'",
        '  b:',
        '    environment:',
        '      - MEMTRACE_Y=2',
      ].join('\n'),
    );
    expect(Object.fromEntries(env)).toEqual({ a: { MEMTRACE_X: '1' }, b: { MEMTRACE_Y: '2' } });
  });
});
