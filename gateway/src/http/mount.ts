import type { Request, Response, Router } from 'express';
import { VigilError } from '../domain/errors.js';
import type { Route } from './route.js';
import { parseOrThrow } from './validation.js';

/** Mounts each route on the router: validate params, query and body, call the handler, write the reply. */
export function mountRoutes(router: Router, routes: readonly Route[]): void {
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      res.locals.route = route.path;
      if (route.body && !req.is('application/json')) {
        throw new VigilError('UNSUPPORTED_MEDIA_TYPE', 'the body must be application/json');
      }
      const params = route.params ? parseOrThrow(route.params, req.params, 'params') : undefined;
      const query = route.query ? parseOrThrow(route.query, req.query, 'query') : undefined;
      const body = route.body ? parseOrThrow(route.body, req.body, 'body') : undefined;
      const reply = await route.handle({ params, query, body, req });
      if ('json' in reply) {
        res.status(reply.status).json(reply.json);
      } else if ('text' in reply) {
        res.status(reply.status).type(reply.contentType).send(reply.text);
      } else {
        res.status(reply.status).end();
      }
    });
  }
}
