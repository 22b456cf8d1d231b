/**
 * Run inside a private network namespace by discovery-multicast.test.ts: a camera farm answering
 * multicast, a Vigil, and a discovery run that sends its Probe to 239.255.255.250 on `lo`.
 * Prints one JSON line: the devices expected and the candidates found.
 */
import { startFarm } from '../../scripts/sim/farm.js';
import { call } from './catalog-fixture.js';
import { startTestVigil } from './test-vigil.js';

const farm = await startFarm({ network: '127.61', cameras: 3, onvif: 2, multicast: true });
const vigil = await startTestVigil();
try {
  const camera = farm.cameras[0]!;
  const started = await call(vigil.app, 'post', '/api/discovery/runs', { interfaces: ['lo'], timeoutMs: 1500, credentials: { username: camera.username, password: camera.password } });
  if (started.status !== 201) throw new Error(started.text);
  const id = (started.body as { id: string }).id;
  let run: { state: string; candidates: Array<{ endpointReference: string; status: string }> } = { state: 'running', candidates: [] };
  for (let i = 0; i < 50 && run.state === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    run = (await call(vigil.app, 'get', `/api/discovery/runs/${id}`)).body as typeof run;
  }
  const expected = farm.cameras.filter((c) => c.endpointReference).map((c) => c.endpointReference);
  console.log(JSON.stringify({ state: run.state, expected, found: run.candidates.map((c) => ({ endpointReference: c.endpointReference, status: c.status })) }));
} finally {
  await vigil.dispose();
  await farm.stop();
}
