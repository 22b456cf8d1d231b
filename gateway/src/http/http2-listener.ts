import { createSecureServer, Http2ServerRequest, Http2ServerResponse, type Http2SecureServer } from 'node:http2';
import type { ServerResponse } from 'node:http';
import type { Express } from 'express';
import type { TlsMaterial } from '../security/tls-material.js';

/**
 * Express over HTTP/2 (TLS, HTTP/1.1 kept for old clients through ALPN). Browsers open about six
 * HTTP/1.1 connections per host, so a 16–25 tile wall polling playlists and segments stalls on
 * HTTP/1.1; HTTP/2 carries them all on one connection.
 *
 * Express (5.x included) has no HTTP/2 support: on each request it swaps the request's and
 * response's prototypes for its own, which inherit from http.IncomingMessage/ServerResponse, and
 * the compatibility objects of node:http2 lose their own getters (headers, method, url). So
 * HTTP/2 requests go through a view of the app whose prototypes carry Express's methods on top
 * of the HTTP/2 classes instead; everything else (routes, middleware, settings) is the app's own.
 */
export function createHttp2Listener(app: Express, tls: TlsMaterial): Http2SecureServer {
  const h2app = http2View(app) as unknown as { handle(req: Http2ServerRequest, res: Http2ServerResponse): void };
  return createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: true, minVersion: 'TLSv1.2' }, (req, res) => {
    if (req instanceof Http2ServerRequest) h2app.handle(req, res);
    // allowHTTP1: an HTTP/1.1 client gets node:http's own objects, which Express knows.
    else app(req, res as unknown as ServerResponse);
  });
}

function rebase(expressProto: object, base: object, app: Express): object {
  // Express's own request/response methods (get, ip, status, json, …) are the own properties of
  // the object one below app.request/app.response.
  const methods = Object.getPrototypeOf(expressProto) as object;
  const proto = Object.create(base) as object;
  Object.defineProperties(proto, Object.getOwnPropertyDescriptors(methods));
  Object.defineProperties(proto, Object.getOwnPropertyDescriptors(expressProto));
  Object.defineProperty(proto, 'app', { configurable: true, enumerable: true, writable: true, value: app });
  return proto;
}

function http2View(app: Express): Express {
  const view = Object.create(app) as Express & { request: object; response: object };
  Object.defineProperty(view, 'request', { value: rebase(app.request, Http2ServerRequest.prototype, app) });
  Object.defineProperty(view, 'response', { value: rebase(app.response, Http2ServerResponse.prototype, app) });
  return view;
}
