import { QueryInteger, QueryString } from './field-decorators.js';
import {
  CURSOR_DOC,
  LIMIT_DOC,
  LIMIT_MESSAGE,
  OFFSET_DOC,
  OFFSET_MESSAGE,
} from './list-memories.query.js';

/** Routes that take no query parameters: any parameter is a 400. */
export class NoQuery {}

/** `limit`, `offset` and `cursor`, e.g. GET /api/v1/agents. */
export class PageQuery {
  @QueryInteger(LIMIT_MESSAGE, LIMIT_DOC) limit?: number;
  @QueryInteger(OFFSET_MESSAGE, OFFSET_DOC) offset?: number;
  @QueryString(CURSOR_DOC) cursor?: string;
}
