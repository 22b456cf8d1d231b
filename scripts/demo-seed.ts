/**
 * Seeds the demo catalog through Vigil's own API: the Hangzhou region tree, owners of all three
 * kinds, the simulated cameras of the running farm (ONVIF ones registered as ONVIF devices) and
 * a few catalog entries whose cameras are switched off, as any real network has. Does nothing
 * when the catalog already has cameras, so the demo can be restarted.
 *
 * Usage: node --import tsx scripts/demo-seed.ts http://127.0.0.1:8080 data/demo/farm.json
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CameraDescriptor } from './sim/farm.types.js';

const base = process.argv[2] ?? 'http://127.0.0.1:8080';
const farmFile = process.argv[3];
let token = '';

/** Signs in as the first admin (password from VIGIL_ADMIN_PASSWORD) and makes an API token. */
async function signIn(): Promise<void> {
  const password = process.env.VIGIL_ADMIN_PASSWORD;
  if (!password) throw new Error('VIGIL_ADMIN_PASSWORD is not set');
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'demo seed' }) });
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
  token = ((await res.json()) as { token: string }).token;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}


const DISTRICTS = [
  { name: 'Xihu', code: '330106', lat: 30.259, lng: 120.13, stations: ['Lingyin', 'Wenxin'] },
  { name: 'Shangcheng', code: '330102', lat: 30.242, lng: 120.169, stations: ['Hubin', 'Qingbo'] },
  { name: 'Binjiang', code: '330108', lat: 30.208, lng: 120.211, stations: ['Changhe', 'Xixing'] },
];

const ORGANISATIONS = [
  { name: 'Hangzhou Public Security Bureau', ownerType: 'government' },
  { name: 'City Traffic Management', ownerType: 'government' },
  { name: 'West Lake Bank', ownerType: 'business', industryCode: '51' },
  { name: 'Intime Department Store', ownerType: 'business' },
  { name: 'Sunny Gardens Community', ownerType: 'residential' },
  { name: 'Riverside Residences', ownerType: 'residential' },
] as const;

const PLACES = ['Main gate', 'Crossroads north', 'Metro exit B', 'Car park', 'Square east', 'Bus terminal'];

/** Cameras in the catalog with nothing behind their address: they will show as offline. */
const DARK_CAMERAS = 6;

/** Two patrol plans so the walls have something to play (also into a demo folder from before walls). */
async function seedPatrolPlans(): Promise<void> {
  if ((await api<{ total: number }>('GET', '/api/patrol-plans?limit=1')).total > 0) return;
  await api('POST', '/api/patrol-plans', { name: 'City patrol (9 tiles)', layout: 9, dwellSeconds: 20, weights: { key: 6, attention: 3, general: 1 } });
  await api('POST', '/api/patrol-plans', { name: 'Key cameras (4 tiles)', layout: 4, dwellSeconds: 15, weights: { key: 1, attention: 0, general: 0 } });
}

async function main(): Promise<void> {
  await signIn();
  await seedPatrolPlans();
  const existing = await api<{ total: number }>('GET', '/api/cameras?limit=1');
  if (existing.total > 0) {
    console.log(`demo catalog already present (${existing.total} cameras)`);
    return;
  }
  const farm = farmFile ? (JSON.parse(readFileSync(farmFile, 'utf8')) as { cameras: CameraDescriptor[] }).cameras : [];

  const city = await api<{ id: string }>('POST', '/api/regions', { name: 'Hangzhou', kind: 'city', adminCode: '330100' });
  const grids: Array<{ id: string; district: (typeof DISTRICTS)[number]; station: string }> = [];
  for (const district of DISTRICTS) {
    const d = await api<{ id: string }>('POST', '/api/regions', { name: district.name, kind: 'district', parentId: city.id, adminCode: district.code });
    for (const station of district.stations) {
      const s = await api<{ id: string }>('POST', '/api/regions', { name: `${station} police station`, kind: 'station', parentId: d.id });
      for (const grid of [1, 2]) {
        const g = await api<{ id: string }>('POST', '/api/regions', { name: `${station} grid ${grid}`, kind: 'grid', parentId: s.id });
        grids.push({ id: g.id, district, station });
      }
    }
  }
  const orgs: Array<{ id: string }> = [];
  for (const org of ORGANISATIONS) orgs.push(await api('POST', '/api/organisations', { ...org, regionId: city.id }));

  const place = (n: number) => {
    const grid = grids[n % grids.length]!;
    return {
      name: `${grid.station} · ${PLACES[n % PLACES.length]!}`,
      organisationId: orgs[n % orgs.length]!.id,
      regionId: grid.id,
      // Roughly one key camera in six and one attention camera in three, as patrol grading asks.
      tier: (n % 6 === 0 ? 'key' : n % 3 === 0 ? 'attention' : 'general'),
      latitude: Number((grid.district.lat + (n % 7) * 0.002).toFixed(6)),
      longitude: Number((grid.district.lng + (n % 5) * 0.002).toFixed(6)),
      address: `${grid.district.name} district, ${PLACES[n % PLACES.length]!.toLowerCase()}`,
    };
  };

  let n = 0;
  for (const camera of farm) {
    await api('POST', '/api/cameras', {
      ...place(n++),
      description: `simulated camera ${camera.name}`,
      source: camera.onvifUrl ? 'onvif' : 'rtsp',
      manufacturer: 'Vigil Simulated Cameras',
      model: `VS-IPC-${camera.codec.toUpperCase()}`,
      serialNumber: camera.serialNumber,
      macAddress: camera.macAddress,
      ...(camera.onvifUrl && { onvifAddress: camera.onvifUrl, onvifEndpointRef: camera.endpointReference }),
      profiles: {
        main: { url: camera.rtspUrl, codec: camera.codec, width: 640, height: 360, fps: 15 },
        sub: { url: camera.subRtspUrl, codec: camera.codec, width: 320, height: 180, fps: 10 },
      },
      credentials: { username: camera.username, password: camera.password },
    });
  }
  for (let i = 0; i < DARK_CAMERAS; i++) {
    // 127.77.1.x: inside the farm's network, but no camera answers there.
    await api('POST', '/api/cameras', {
      ...place(n++),
      description: 'switched off (no simulated camera at this address)',
      manufacturer: 'Hikvision',
      model: 'DS-2CD2143G2',
      profiles: { main: { url: `rtsp://127.77.1.${i + 1}:8554/main` }, sub: { url: `rtsp://127.77.1.${i + 1}:8554/sub` } },
      credentials: { username: 'admin', password: randomBytes(9).toString('base64url') },
    });
  }
  console.log(`demo catalog seeded: ${grids.length} grids, ${orgs.length} organisations, ${farm.length} live and ${DARK_CAMERAS} dark cameras`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
