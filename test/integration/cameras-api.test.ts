import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cameraBody, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { manualClock, startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;
let catalog: Catalog;
const clock = manualClock('2026-06-01T08:00:00.000Z');

beforeAll(async () => {
  vigil = await startTestVigil({ clock });
  catalog = await seedCatalog(vigil.app);
});
afterAll(async () => vigil.dispose());

describe('POST /api/cameras', () => {
  it('creates a camera with a 20-digit national code built from region and owner', async () => {
    const res = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { tier: 'key', latitude: 30.24, longitude: 120.15, address: 'Lingyin Rd 1' }));
    expect(res.status).toBe(201);
    const camera = res.body as Record<string, unknown>;
    // Xihu 330106 (+00 pad) · government industry 00 · IPC 132 · government network 6 · serial
    expect(camera.nationalCode).toMatch(/^33010600001326[0-9]{6}$/);
    expect(camera).toMatchObject({ tier: 'key', effectiveTier: 'key', lifecycle: 'approved', organisationId: catalog.governmentOrgId, regionId: catalog.gridId, hasCredentials: false });
    expect(camera.profiles).toMatchObject({ main: { scheme: 'rtsp', port: 554, url: expect.stringMatching(/^rtsp:\/\/10\.9\.0\.\d+:554\/cam\d+\/main$/) } });
    const again = await call(vigil.app, 'get', `/api/cameras/${String(camera.id)}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(camera);
  });

  it('numbers national codes in sequence under one prefix and uses the organisation industry code', async () => {
    const a = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const b = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const serial = (r: typeof a) => Number(String((r.body as { nationalCode: string }).nationalCode).slice(14));
    expect(serial(b)).toBe(serial(a) + 1);
    const bank = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { organisationId: catalog.businessOrgId, regionId: catalog.stationId }));
    expect((bank.body as { nationalCode: string }).nationalCode).toMatch(/^33010600511328000001$/);
  });

  it('accepts stream addresses as parts', async () => {
    const res = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { profiles: { main: { scheme: 'RTSP', host: '10.20.0.1', port: 8554, path: '/live', query: 'ch=1', codec: 'h264', width: 1920, height: 1080, fps: 25 } } }));
    expect(res.status).toBe(201);
    expect((res.body as { profiles: unknown }).profiles).toMatchObject({ main: { url: 'rtsp://10.20.0.1:8554/live?ch=1', codec: 'h264', width: 1920 }, sub: null });
  });

  it.each([
    ['file:///etc/passwd', 'SCHEME_NOT_ALLOWED'],
    ['concat:rtsp://a/1|rtsp://b/2', 'SCHEME_NOT_ALLOWED'],
    ['rtsp://admin:pw@10.0.0.1/live', 'EMBEDDED_CREDENTIALS'],
    ['rtsp://10.0.0.1/li ve', 'WHITESPACE'],
    ['rtsp://10.0.0.1/live\r\nX', 'CONTROL_CHARACTER'],
    ['-i', 'LEADING_DASH'],
    [`rtsp://10.0.0.1/${'x'.repeat(3000)}`, 'TOO_LONG'],
  ])('rejects stream URL %j with INVALID_STREAM_URL/%s', async (url, reason) => {
    const res = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { profiles: { main: { url } } }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_STREAM_URL', details: { reason, field: 'profiles.main' } } });
  });

  it.each([
    ['a national code', { nationalCode: '33010600001326000001' }, 'VALIDATION_FAILED'],
    ['an id', { id: 'mine' }, 'VALIDATION_FAILED'],
    ['no name', { name: '' }, 'VALIDATION_FAILED'],
    ['an unknown tier', { tier: 'urgent' }, 'VALIDATION_FAILED'],
    ['latitude without longitude', { latitude: 30 }, 'VALIDATION_FAILED'],
    ['latitude out of range', { latitude: 91, longitude: 0 }, 'VALIDATION_FAILED'],
    ['a bad MAC', { macAddress: 'not-a-mac' }, 'VALIDATION_FAILED'],
    ['an expired tier override', { tierOverride: { tier: 'key', expiresAt: '2026-05-01T00:00:00Z' } }, 'INVALID_TIER_OVERRIDE'],
    ['an ONVIF address with credentials', { onvifAddress: 'http://u:p@10.0.0.1/onvif/device_service' }, 'VALIDATION_FAILED'],
    ['a URL together with parts', { profiles: { main: { url: 'rtsp://10.1.1.1/a', host: '10.1.1.1' } } }, 'VALIDATION_FAILED'],
    ['a profile with neither URL nor parts', { profiles: { main: { codec: 'h264' } } }, 'VALIDATION_FAILED'],
    ['the same address for main and sub', { profiles: { main: { url: 'rtsp://10.1.1.1/a' }, sub: { url: 'rtsp://10.1.1.1:554/a' } } }, 'VALIDATION_FAILED'],
    ['a control character in the password', { credentials: { username: 'u', password: 'a\nb' } }, 'VALIDATION_FAILED'],
  ])('rejects %s', async (_what, overrides, code) => {
    const res = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, overrides));
    expect(res.status).toBe(400);
    expect((res.body as { error: { code: string } }).error.code).toBe(code);
  });

  it('answers 404 for an unknown organisation or region', async () => {
    const org = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { organisationId: 'nope' }));
    expect(org.status).toBe(404);
    expect(org.body).toMatchObject({ error: { code: 'ORGANISATION_NOT_FOUND' } });
    const region = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { regionId: 'nope' }));
    expect(region.status).toBe(404);
    expect(region.body).toMatchObject({ error: { code: 'REGION_NOT_FOUND' } });
  });

  it('refuses malformed JSON, non-JSON bodies and oversized bodies with stable codes', async () => {
    const request = (await import('supertest')).default;
    const auth = `Bearer ${vigil.adminToken}`;
    const malformed = await request(vigil.app).post('/api/cameras').set('authorization', auth).set('content-type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    const form = await request(vigil.app).post('/api/cameras').set('authorization', auth).type('form').send('name=x');
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const huge = await request(vigil.app).post('/api/cameras').set('authorization', auth).set('content-type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('duplicates', () => {
  it('answers 409 for the same stream address, even written differently', async () => {
    const first = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { profiles: { main: { url: 'rtsp://Dup.Example/live' } } }));
    expect(first.status).toBe(201);
    const second = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { profiles: { main: { url: 'rtsp://dup.example:554/live' } } }));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: { code: 'DUPLICATE_CAMERA', details: { field: 'stream', existingCameraId: (first.body as { id: string }).id } } });
  });

  it('answers 409 when a sub stream repeats another camera main stream', async () => {
    const first = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { profiles: { main: { url: 'rtsp://10.30.0.1/main' } } }));
    expect(first.status).toBe(201);
    const second = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { profiles: { main: { url: 'rtsp://10.30.0.2/main' }, sub: { url: 'rtsp://10.30.0.1/main' } } }));
    expect(second.status).toBe(409);
  });

  it('answers 409 for the same serial (any case) or MAC (any notation)', async () => {
    const first = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { serialNumber: 'DS-2CD2043-001', macAddress: '00:1A:2B:3C:4D:5E' }));
    expect(first.status).toBe(201);
    const serial = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { serialNumber: ' ds-2cd2043-001 ' }));
    expect(serial.status).toBe(409);
    expect(serial.body).toMatchObject({ error: { code: 'DUPLICATE_CAMERA', details: { field: 'serialNumber' } } });
    const mac = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { macAddress: '00-1a-2b-3c-4d-5e' }));
    expect(mac.status).toBe(409);
    expect(mac.body).toMatchObject({ error: { code: 'DUPLICATE_CAMERA', details: { field: 'macAddress' } } });
  });

  it('answers 409 when an update would copy another camera stream', async () => {
    const a = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const b = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const aUrl = (a.body as { profiles: { main: { url: string } } }).profiles.main.url;
    const res = await call(vigil.app, 'patch', `/api/cameras/${(b.body as { id: string }).id}`, { profiles: { main: { url: aUrl } } });
    expect(res.status).toBe(409);
  });
});

describe('GET /api/cameras', () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    const make = async (name: string, overrides: Record<string, unknown>) => {
      const res = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { name, ...overrides }));
      if (res.status !== 201) throw new Error(res.text);
      return (res.body as { id: string }).id;
    };
    ids = {
      alpha: await make('Listing Alpha', { tier: 'key', regionId: catalog.gridId, address: 'North Gate 100%' }),
      beta: await make('Listing Beta', { tier: 'attention', regionId: catalog.otherDistrictId, organisationId: catalog.businessOrgId }),
      gamma: await make('Listing Gamma', { tier: 'general', tierOverride: { tier: 'key', expiresAt: '2026-06-01T10:00:00Z' } }),
      delta: await make('Listing Delta', { tier: 'general', lifecycle: 'pending' }),
    };
  });

  const list = async (query: string) => {
    const res = await call(vigil.app, 'get', `/api/cameras?q=Listing&${query}`);
    expect(res.status).toBe(200);
    const body = res.body as { items: Array<{ id: string; name: string }>; total: number };
    return { names: body.items.map((c) => c.name), total: body.total, body };
  };

  it('searches name and address text, treating % literally', async () => {
    expect((await list('')).total).toBe(4);
    const pct = await call(vigil.app, 'get', `/api/cameras?q=${encodeURIComponent('100%')}`);
    expect((pct.body as { items: Array<{ id: string }> }).items.map((c) => c.id)).toEqual([ids.alpha]);
    const none = await call(vigil.app, 'get', `/api/cameras?q=${encodeURIComponent('%')}&limit=500`);
    expect((none.body as { total: number }).total).toBe(1);
  });

  it('filters by organisation, owner type, region subtree and lifecycle', async () => {
    expect((await list(`organisationId=${catalog.businessOrgId}`)).names).toEqual(['Listing Beta']);
    expect((await list('ownerType=business')).names).toEqual(['Listing Beta']);
    expect((await list(`regionId=${catalog.otherDistrictId}`)).names).toEqual(['Listing Beta']);
    expect((await list(`regionId=${catalog.districtId}`)).names).toEqual(['Listing Alpha', 'Listing Delta', 'Listing Gamma']);
    expect((await list(`regionId=${catalog.cityId}`)).total).toBe(4);
    expect((await list('lifecycle=pending')).names).toEqual(['Listing Delta']);
  });

  it('filters by the tier in force, so a temporary raise counts until it expires', async () => {
    expect((await list('tier=key')).names).toEqual(['Listing Alpha', 'Listing Gamma']);
    clock.set('2026-06-01T10:00:01.000Z');
    try {
      expect((await list('tier=key')).names).toEqual(['Listing Alpha']);
      const gamma = await call(vigil.app, 'get', `/api/cameras/${ids.gamma!}`);
      expect(gamma.body).toMatchObject({ tier: 'general', effectiveTier: 'general', tierOverride: null });
    } finally {
      clock.set('2026-06-01T08:00:00.000Z');
    }
  });

  it('sorts and pages with a total', async () => {
    expect((await list('sort=-name')).names).toEqual(['Listing Gamma', 'Listing Delta', 'Listing Beta', 'Listing Alpha']);
    expect((await list('sort=tier')).names.slice(0, 2)).toEqual(['Listing Alpha', 'Listing Gamma']);
    const page = await list('sort=name&limit=2&offset=2');
    expect(page.names).toEqual(['Listing Delta', 'Listing Gamma']);
    expect(page.total).toBe(4);
    expect(page.body).toMatchObject({ limit: 2, offset: 2 });
  });

  it.each([['limit=0'], ['limit=100000'], ['offset=-1'], ['sort=password'], ['tier=urgent'], ['unknown=1']])('rejects %s', async (query) => {
    const res = await call(vigil.app, 'get', `/api/cameras?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('answers 404 for an unknown region filter', async () => {
    const res = await call(vigil.app, 'get', '/api/cameras?regionId=nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'REGION_NOT_FOUND' } });
  });
});

describe('PATCH, retire and DELETE /api/cameras/:id', () => {
  it('updates fields, clears with null and raises the tier temporarily', async () => {
    const created = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { address: 'Old address', manufacturer: 'Hikvision' }));
    const id = (created.body as { id: string; nationalCode: string }).id;
    const res = await call(vigil.app, 'patch', `/api/cameras/${id}`, {
      name: 'Renamed',
      address: null,
      regionId: catalog.otherDistrictId,
      tierOverride: { tier: 'key', expiresAt: '2026-06-02T00:00:00Z' },
      profiles: { sub: null },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Renamed', address: null, manufacturer: 'Hikvision', regionId: catalog.otherDistrictId, tier: 'general', effectiveTier: 'key', tierOverride: { tier: 'key', expiresAt: '2026-06-02T00:00:00.000Z' }, profiles: { sub: null } });
    // The national code is an identity: it does not follow the camera to its new region.
    expect((res.body as { nationalCode: string }).nationalCode).toBe((created.body as { nationalCode: string }).nationalCode);
  });

  it('rejects forbidden fields and bad values and keeps what was stored', async () => {
    const created = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const id = (created.body as { id: string }).id;
    for (const body of [{ nationalCode: '1' }, { lifecycle: 'approved' }, { source: 'csv' }, { profiles: { main: { url: 'file:///x' } } }, {}, { regionId: 'nope' }]) {
      const res = await call(vigil.app, 'patch', `/api/cameras/${id}`, body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
    }
    // A valid field next to an invalid one must not be half-applied.
    const mixed = await call(vigil.app, 'patch', `/api/cameras/${id}`, { name: 'Should not stick', profiles: { main: { url: 'rtsp://x@y/z' } } });
    expect(mixed.status).toBe(400);
    const after = await call(vigil.app, 'get', `/api/cameras/${id}`);
    expect(after.body).toEqual(created.body);
  });

  it('answers 404 for unknown cameras on every camera route', async () => {
    for (const [method, url, body] of [
      ['get', '/api/cameras/unknown', undefined],
      ['patch', '/api/cameras/unknown', { name: 'x' }],
      ['delete', '/api/cameras/unknown', undefined],
      ['post', '/api/cameras/unknown/retire', {}],
      ['put', '/api/cameras/unknown/credentials', { username: 'u', password: 'p' }],
      ['delete', '/api/cameras/unknown/credentials', undefined],
    ] as const) {
      const res = await call(vigil.app, method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'CAMERA_NOT_FOUND' } });
    }
  });

  it('will not delete an approved camera; retires it, then deletes it', async () => {
    const created = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog));
    const id = (created.body as { id: string }).id;
    const refused = await call(vigil.app, 'delete', `/api/cameras/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'CAMERA_NOT_DELETABLE' } });
    const retired = await call(vigil.app, 'post', `/api/cameras/${id}/retire`, { reason: 'replaced' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ lifecycle: 'retired', lifecycleReason: 'replaced' });
    const twice = await call(vigil.app, 'post', `/api/cameras/${id}/retire`, {});
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'INVALID_LIFECYCLE_TRANSITION' } });
    expect((await call(vigil.app, 'delete', `/api/cameras/${id}`)).status).toBe(204);
    expect((await call(vigil.app, 'get', `/api/cameras/${id}`)).status).toBe(404);
  });
});

describe('unknown routes', () => {
  it('answer a JSON 404 under /api', async () => {
    const res = await call(vigil.app, 'get', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
  });
});
