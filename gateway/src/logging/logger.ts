import pino, { type DestinationStream, type Logger } from 'pino';
import type { SecretRedactor } from './secret-redactor.js';

export type { Logger } from 'pino';

/** Field paths that hold secrets wherever they appear in a log object. */
const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'credentials',
  '*.credentials',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  readonly level: string;
  readonly redactor: SecretRedactor;
  /** Where lines go; stdout by default. Tests pass a collecting stream. */
  readonly destination?: DestinationStream;
}

/** The process logger: JSON lines, secrets redacted by path and by value. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'vigil' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: {
        streamWrite: (line) => options.redactor.redact(line),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
