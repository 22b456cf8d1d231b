import { createServer, type Server } from 'node:http';
import { FAULTS, type Fault } from './farm.types.js';

export interface ControlTarget {
  names(): readonly string[];
  faultOf(name: string): Fault | undefined;
  setFault(name: string, fault: Fault): Promise<void>;
}

/**
 * The farm's control API on 127.0.0.1: `POST /cameras/<name>/fault` with `{"fault": "..."}`
 * switches a camera's fault; `GET /cameras/<name>` tells its current one.
 */
export async function startControlServer(target: ControlTarget, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const match = /^\/cameras\/([^/]+)(\/fault)?$/.exec(req.url ?? '');
    if (req.url === '/cameras' && req.method === 'GET') {
      return reply(200, { cameras: target.names().map((name) => ({ name, fault: target.faultOf(name) })) });
    }
    const name = match ? decodeURIComponent(match[1]!) : undefined;
    if (!name || target.faultOf(name) === undefined) return reply(404, { error: 'no such camera' });
    if (req.method === 'GET' && !match![2]) return reply(200, { name, fault: target.faultOf(name) });
    if (req.method !== 'POST' || !match![2]) return reply(405, { error: 'POST /cameras/<name>/fault' });
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
      if (body.length > 4096) req.destroy();
    });
    req.on('end', () => {
      let fault: unknown;
      try {
        fault = (JSON.parse(body) as { fault?: unknown }).fault;
      } catch {
        return reply(400, { error: 'body must be JSON {"fault": "..."}' });
      }
      if (typeof fault !== 'string' || !(FAULTS as readonly string[]).includes(fault)) {
        return reply(400, { error: `fault must be one of ${FAULTS.join(', ')}` });
      }
      target.setFault(name, fault as Fault).then(
        () => reply(200, { name, fault }),
        (err: unknown) => reply(500, { error: String(err) }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
