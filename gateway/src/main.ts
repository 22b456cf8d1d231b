import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { Express } from 'express';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config/config.loader.js';
import type { Config } from './config/config.schema.js';
import { createVigil } from './composition.js';
import { createHttp2Listener } from './http/http2-listener.js';
import type { Logger } from './logging/logger.js';
import { loadTlsMaterial } from './security/tls-material.js';
import { createLogger } from './logging/logger.js';
import { SecretRedactor } from './logging/secret-redactor.js';

/** The web UI's files (web/dist once built, else web/public), found from this file upwards. */
function findWebRoot(): string | undefined {
  // Run from source (gateway/src) or compiled (dist): the project root is the first folder up with a package.json.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return ['web/dist', 'web/public'].map((p) => path.join(dir, p)).find((p) => existsSync(path.join(p, 'index.html')));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open; idle ones can go now.
    server.closeIdleConnections();
  });
}

/** The same app over TLS + HTTP/2 (walls); the certificate is configured or made once. */
async function listenHttps(app: Express, config: Config, logger: Logger): Promise<{ close(): Promise<void> }> {
  const tls = await loadTlsMaterial({ certFile: config.server.https.certFile, keyFile: config.server.https.keyFile, dataDir: config.storage.dataDir });
  const server = createHttp2Listener(app, tls);
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'cannot listen (https)');
    process.exit(1);
  });
  server.listen(config.server.https.port, config.server.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.https.port;
    logger.info({ host: config.server.host, port, certificate: tls.source }, 'vigil listening (https, HTTP/2)');
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.close();
      }),
  };
}

/** Composition root: config → logger → Vigil → HTTP listener; ordered shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ env: process.env, cwd: process.cwd() });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`vigil: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: config.logging.level, redactor });
  const vigil = await createVigil({ config, logger, redactor, webRoot: findWebRoot() });
  const server = vigil.app.listen(config.server.port, config.server.host);
  server.on('error', (err) => {
    logger.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    logger.info({ host: config.server.host, port, dataDir: config.storage.dataDir, config: config.source }, 'vigil listening');
  });
  const secure = config.server.https.enabled ? await listenHttps(vigil.app, config, logger) : null;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A stuck connection must not keep the process alive for ever.
    setTimeout(() => process.exit(1), 10_000).unref();
    void (async () => {
      await Promise.all([closeServer(server), secure?.close()]);
      await vigil.close();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`vigil: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
