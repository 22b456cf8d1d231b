/**
 * Seeds the demo catalog through Vigil's own API: a region tree of Hangzhou, owners of all
 * three kinds and cameras of every tier. Does nothing when the catalog already has cameras, so
 * the demo can be restarted. Usage: node --import tsx scripts/demo-seed.ts http://127.0.0.1:8080
 */
const base = process.argv[2] ?? 'http://127.0.0.1:8080';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

type Tier = 'key' | 'attention' | 'general';

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

async function main(): Promise<void> {
  const existing = await api<{ total: number }>('GET', '/api/cameras?limit=1');
  if (existing.total > 0) {
    console.log(`demo catalog already present (${existing.total} cameras)`);
    return;
  }
  const city = await api<{ id: string }>('POST', '/api/regions', { name: 'Hangzhou', kind: 'city', adminCode: '330100' });
  const grids: Array<{ id: string; district: (typeof DISTRICTS)[number]; station: string; grid: number }> = [];
  for (const district of DISTRICTS) {
    const d = await api<{ id: string }>('POST', '/api/regions', { name: district.name, kind: 'district', parentId: city.id, adminCode: district.code });
    for (const station of district.stations) {
      const s = await api<{ id: string }>('POST', '/api/regions', { name: `${station} police station`, kind: 'station', parentId: d.id });
      for (const grid of [1, 2]) {
        const g = await api<{ id: string }>('POST', '/api/regions', { name: `${station} grid ${grid}`, kind: 'grid', parentId: s.id });
        grids.push({ id: g.id, district, station, grid });
      }
    }
  }
  const orgs: Array<{ id: string }> = [];
  for (const org of ORGANISATIONS) orgs.push(await api('POST', '/api/organisations', { ...org, regionId: city.id }));

  let n = 0;
  for (const [i, grid] of grids.entries()) {
    for (const place of PLACES.slice(0, 3)) {
      n += 1;
      const tier: Tier = n % 6 === 0 ? 'key' : n % 3 === 0 ? 'attention' : 'general';
      const cam = String(n).padStart(2, '0');
      await api('POST', '/api/cameras', {
        name: `${grid.station} · ${place}`,
        organisationId: orgs[(i + n) % orgs.length]!.id,
        regionId: grid.id,
        tier,
        lifecycle: n % 11 === 0 ? 'pending' : 'approved',
        manufacturer: n % 2 === 0 ? 'Hikvision' : 'Dahua',
        model: n % 2 === 0 ? 'DS-2CD2143G2' : 'IPC-HFW2431S',
        latitude: Number((grid.district.lat + (n % 7) * 0.002).toFixed(6)),
        longitude: Number((grid.district.lng + (n % 5) * 0.002).toFixed(6)),
        address: `${grid.district.name} district, ${place.toLowerCase()}`,
        profiles: {
          main: { url: `rtsp://127.0.0.1:8554/demo/cam${cam}`, codec: 'h264', width: 1920, height: 1080, fps: 25 },
          sub: { url: `rtsp://127.0.0.1:8554/demo/cam${cam}-sub`, codec: 'h264', width: 640, height: 360, fps: 15 },
        },
        credentials: { username: 'viewer', password: `demo-${cam}-secret` },
      });
    }
  }
  console.log(`demo catalog seeded: ${grids.length} grids, ${orgs.length} organisations, ${n} cameras`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
