import type { ErrorRequestHandler, RequestHandler } from 'express';
import { VigilError } from '../domain/errors.js';
import type { Logger } from '../logging/logger.js';

function send(res: Parameters<RequestHandler>[1], err: VigilError): void {
  res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details && { details: err.details }) } });
}

/** Unknown /api paths get a JSON 404 like every other API error. */
export const apiNotFound: RequestHandler = (req, res) => {
  send(res, new VigilError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.path}`));
};

/**
 * Maps thrown errors to `{ error: { code, message } }`. Expected errors keep their code; the body
 * parser's errors get theirs; anything else is a bug: logged with its stack, answered as
 * INTERNAL_ERROR without internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof VigilError) return send(res, err);
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.parse.failed') return send(res, new VigilError('MALFORMED_JSON', 'the body is not valid JSON'));
    if (type === 'entity.too.large') return send(res, new VigilError('PAYLOAD_TOO_LARGE', 'the body is too large'));
    if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
      return send(res, new VigilError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding'));
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    send(res, new VigilError('INTERNAL_ERROR', 'internal error'));
  };
}
