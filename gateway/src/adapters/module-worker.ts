import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `<name>.worker` next to the caller (`callerUrl`: its import.meta.url).
 * Built code runs the compiled .js file. Sources (tests, `npm run dev`) run the .ts file through
 * tsx, registered inside the worker: on Node 20 a loader given in a worker's execArgv is not
 * applied (nodejs/node#47747).
 */
export function startModuleWorker(callerUrl: string, name: string): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.worker.js`, callerUrl));
  const source = JSON.stringify(new URL(`./${name}.worker.ts`, callerUrl).href);
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); });`, { eval: true });
}
