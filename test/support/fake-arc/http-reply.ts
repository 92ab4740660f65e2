import type http from 'node:http';

/** One HTTP answer, built by a handler and sent by the server (which may apply faults). */
export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Arc streams query results: chunked, and gzip when the client accepts it. */
  streamed?: boolean;
  /**
   * The body Arc sends when DuckDB fails after streaming began (§1.5): still 200 and valid JSON,
   * but with only the rows written so far and no error field.
   */
  midStreamFailure?: () => string;
}

export const json = (status: number, body: unknown): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

/** The whole request body. */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A header's first value, or '' when absent. */
export function headerString(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/**
 * Arc's response-compression negotiation (`response_compression.go`): zstd is preferred, then
 * gzip; q=0 means not acceptable. Node 20 has no zstd encoder, so only gzip is produced here.
 */
export function acceptsGzip(acceptEncoding: string): boolean {
  return acceptEncoding.split(',').some((part) => {
    const [token = '', params = ''] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = /^q=([\d.]+)$/.exec(params);
    if (q && Number(q[1]) === 0) return false;
    return token === 'gzip' || token === 'x-gzip';
  });
}
