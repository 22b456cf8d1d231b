import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';

const STREAM_FILE_ROUTE = '/streams/:token/:file';
// The token in a stream address is a bearer credential: never written to a log.
const STREAM_TOKEN_IN_PATH = /^\/streams\/[^/]*/;

/** A request path as it may be logged: the stream token masked. */
export function loggablePath(path: string): string {
  return path.replace(STREAM_TOKEN_IN_PATH, '/streams/[REDACTED]');
}

/**
 * One log line and one histogram observation per request. Logs the path without the query
 * string and with any stream token masked, and labels metrics by route pattern, never by raw
 * path, so label sets stay bounded. Playlist and segment requests (a player makes one or two a
 * second; each view is audited at its start and end instead) are logged at debug level only.
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof res.locals.route === 'string' ? res.locals.route : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (route === '/healthz' || route === '/readyz' || route === '/metrics') return;
      const line = { method: req.method, path: loggablePath(req.path), status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (route === STREAM_FILE_ROUTE && res.statusCode < 400) logger.debug(line, 'http');
      else logger.info(line, 'http');
    });
    next();
  };
}
