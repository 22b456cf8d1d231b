import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';

/**
 * One log line and one histogram observation per request. Logs the path without the query
 * string (later, stream tokens travel in queries) and labels metrics by route pattern, never by
 * raw path, so label sets stay bounded.
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = typeof res.locals.route === 'string' ? res.locals.route : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (route === '/healthz' || route === '/readyz' || route === '/metrics') return;
      logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'http');
    });
    next();
  };
}
