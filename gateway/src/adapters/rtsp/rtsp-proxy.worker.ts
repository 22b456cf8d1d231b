import { parentPort } from 'node:worker_threads';
import { RtspAuthProxy } from './rtsp-auth-proxy.js';
import type { ProxyThreadMessage } from './rtsp-proxy-thread.js';

/**
 * The credential proxy in a thread of its own: the bytes of every relayed camera pass through
 * here, not through the thread that answers the API. Leases come from the owning thread by
 * message; SDPs go back the same way.
 */
const port = parentPort!;
const proxy = new RtspAuthProxy(2000);
await proxy.start();
port.on('message', (message: ProxyThreadMessage) => {
  switch (message.type) {
    case 'lease':
      proxy.admit(message.id, {
        ...message.target,
        ...(message.wantsSdp && { onSdp: (sdp: string) => port.postMessage({ type: 'sdp', id: message.id, sdp }) }),
      });
      break;
    case 'release':
      proxy.revoke(message.id);
      break;
    case 'stop':
      void proxy.stop().then(() => port.postMessage({ type: 'stopped' }));
      break;
  }
});
port.postMessage({ type: 'ready', port: proxy.port });
