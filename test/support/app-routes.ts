// The route table is the HTTP adapter's own (it answers 405 from it); tests read it from there.
export { listRoutes, routeName, type AppRoute } from '../../adapters/http/served-routes.js';
