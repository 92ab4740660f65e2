import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from './error-mapping.js';

/** What node's HTTP parser reports for a request it could not read, as the API's status. */
const PARSER_ERRORS: Readonly<Record<string, [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request was not received in time'],
};

/**
 * How long an answer may wait to be handed to the kernel (a client that reads nothing) before the
 * socket is destroyed anyway.
 */
const FLUSH_LIMIT_MS = 2000;

/**
 * Answers requests node's parser rejects before Express sees them (headers over maxHeaderSize,
 * a client too slow to send its request, malformed HTTP) with the API's JSON error body, then
 * closes the connection. Without this node answers with an empty body.
 *
 * The socket is destroyed as soon as the answer is written: ending it alone would keep its
 * descriptor for as long as the client keeps its own side open.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    const headersSent = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })
      ._httpMessage?.headersSent;
    if (err.code === 'ECONNRESET' || !socket.writable || headersSent) {
      socket.destroy();
      return;
    }
    const [status, reason, message] = PARSER_ERRORS[err.code ?? ''] ?? [
      400,
      'Bad Request',
      'malformed HTTP request',
    ];
    const error: ErrorCode = 'invalid_request';
    const body = JSON.stringify({ error, message, request_id: randomUUID() });
    const release = () => socket.destroy();
    const timer = setTimeout(release, FLUSH_LIMIT_MS).unref();
    socket.once('close', () => clearTimeout(timer));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      release,
    );
  });
}
