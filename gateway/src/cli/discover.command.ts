import { parseArgs } from 'node:util';
import { ApiClient, apiError } from './api-client.js';

interface Run {
  state: string;
  error: string | null;
  progress: { probed: number; total: number; found: number; interrogated: number; rejectedReplies: number };
  candidates: Array<{ address: string; endpointReference: string; status: string; reason: string | null; manufacturer: string | null; model: string | null; profiles: Array<{ kind: string; url: string | null }>; known: { cameraId: string | null } | null }>;
}

/**
 * `vigil discover --target 10.1.0.0/24:3702 [--target host:3702] [--interface eth1]
 *  [--timeout-ms 3000] [--username admin]` — starts a discovery run on the gateway, prints its
 * progress, then the candidates. The camera password comes from VIGIL_CAMERA_PASSWORD.
 */
export async function discoverCommand(args: readonly string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { target: { type: 'string', multiple: true, default: [] }, interface: { type: 'string', multiple: true, default: [] }, 'timeout-ms': { type: 'string', default: '3000' }, username: { type: 'string' } },
  });
  const client = ApiClient.fromEnv(env);
  const credentials = values.username ? { username: values.username, password: env.VIGIL_CAMERA_PASSWORD ?? '' } : null;
  const started = await client.request<{ id: string }>('POST', '/api/discovery/runs', { json: { targets: values.target, interfaces: values.interface, timeoutMs: Number(values['timeout-ms']), credentials } });
  if (started.status !== 201) {
    out(`vigil discover: ${apiError(started.body)}`);
    return 1;
  }
  let run: Run;
  let last = '';
  for (;;) {
    run = (await client.request<Run>('GET', `/api/discovery/runs/${started.body.id}`)).body;
    const p = run.progress;
    const line = `probed ${p.probed}/${p.total}, found ${p.found}, interrogated ${p.interrogated}${p.rejectedReplies ? `, ${p.rejectedReplies} replies refused` : ''}`;
    if (line !== last) out(line);
    last = line;
    if (run.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  out(`run ${run.state}${run.error ? `: ${run.error}` : ''}; ${run.candidates.length} device(s):`);
  for (const c of run.candidates) {
    const what = c.status === 'ok' ? `${c.manufacturer ?? '?'} ${c.model ?? ''}`.trim() : `${c.status} (${c.reason})`;
    const known = c.known ? ` — already known${c.known.cameraId ? ` as ${c.known.cameraId}` : ''}` : '';
    out(`  ${c.address.padEnd(15)} ${what}${known}`);
    for (const p of c.profiles) out(`      ${p.kind}: ${p.url ?? '(no usable URI)'}`);
  }
  return run.state === 'done' ? 0 : 1;
}
