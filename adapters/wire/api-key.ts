import type { IncomingMessage } from 'node:http';
import { DomainError } from '../../domain/index.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const malformed = (message: string) =>
  new DomainError('unauthorized', 'MALFORMED_CREDENTIALS', message);

/**
 * The API key of a request: `x-api-key`, else `Authorization: Bearer <key>`; undefined when the
 * request sends neither (an empty header counts as not sent). The REST API and the MCP endpoint
 * read it alike.
 * @throws DomainError `unauthorized` saying what is wrong when a header is sent in another form
 */
export function apiKeyOf(req: Pick<IncomingMessage, 'headersDistinct'>): string | undefined {
  const sent = req.headersDistinct['x-api-key'] ?? [];
  if (sent.length > 1) throw malformed('send the API key in one x-api-key header');
  if (sent[0]) return sent[0];
  const authorization = req.headersDistinct.authorization ?? [];
  if (authorization.length > 1) throw malformed("Authorization header must be 'Bearer <key>'");
  if (!authorization[0]) return undefined;
  const key = BEARER.exec(authorization[0])?.[1];
  if (key === undefined) throw malformed("Authorization header must be 'Bearer <key>'");
  return key;
}
