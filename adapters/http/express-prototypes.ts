import { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';

/** The `IncomingMessage` and `ServerResponse` options of `http.createServer`. */
export interface MessageClasses {
  readonly IncomingMessage: typeof IncomingMessage;
  readonly ServerResponse: typeof ServerResponse;
}

/**
 * Presets the prototypes Express gives every request and response: returns request and
 * response classes for `http.createServer` whose instances are born with them. Express
 * re-parents every request and response as it enters the app
 * (`Object.setPrototypeOf(req, app.request)`); on a live object that costs V8 its inline
 * caches for the rest of the request, which measured about 0.15 ms of CPU per
 * request, more than node:http's whole cost. With these classes Express's call finds the
 * prototype already in place and changes nothing.
 *
 * It replaces `app.request` and `app.response` with the classes' prototypes, which keep the
 * same chain (the app's own properties, then Express's request and response, then node's), so
 * a server made without the classes (supertest) behaves as before. Call it once per app,
 * before the server accepts requests.
 */
export function presetExpressPrototypes(app: express.Express): MessageClasses {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  adopt(AppRequest.prototype, app.request);
  adopt(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as unknown as express.Request;
  app.response = AppResponse.prototype as unknown as express.Response;
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof ServerResponse };
}

/** Makes `target` stand where `source` stood: its prototype and its own properties. */
function adopt(target: object, source: object): void {
  Object.setPrototypeOf(target, Object.getPrototypeOf(source) as object);
  const own = Object.entries(Object.getOwnPropertyDescriptors(source));
  // A class prototype's own `constructor` must stay its own (when called twice on one app).
  Object.defineProperties(target, Object.fromEntries(own.filter(([k]) => k !== 'constructor')));
}
