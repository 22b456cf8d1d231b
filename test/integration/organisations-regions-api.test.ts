import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cameraBody, seedCatalog, type Catalog } from '../helpers/catalog-fixture.js';
import { startTestVigil, type TestVigil } from '../helpers/test-vigil.js';

let vigil: TestVigil;
let catalog: Catalog;

beforeAll(async () => {
  vigil = await startTestVigil();
  catalog = await seedCatalog(vigil.app);
});
afterAll(async () => vigil.dispose());

describe('/api/organisations', () => {
  it('creates, reads, lists, updates and deletes', async () => {
    const created = await call(vigil.app, 'post', '/api/organisations', { name: 'Sunny Gardens Community', ownerType: 'residential', contactName: 'Ms Li', contactPhone: '+86 571 0000 0000', contactEmail: 'li@example.org' });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await call(vigil.app, 'get', `/api/organisations/${id}`)).body).toMatchObject({ name: 'Sunny Gardens Community', ownerType: 'residential', contactName: 'Ms Li' });
    const list = await call(vigil.app, 'get', '/api/organisations?ownerType=residential');
    expect(list.body).toMatchObject({ total: 1, items: [{ id }] });
    const search = await call(vigil.app, 'get', '/api/organisations?q=sunny');
    expect((search.body as { total: number }).total).toBe(1);
    const updated = await call(vigil.app, 'patch', `/api/organisations/${id}`, { contactPhone: null, ownerType: 'business' });
    expect(updated.body).toMatchObject({ contactPhone: null, ownerType: 'business' });
    expect((await call(vigil.app, 'delete', `/api/organisations/${id}`)).status).toBe(204);
    expect((await call(vigil.app, 'get', `/api/organisations/${id}`)).status).toBe(404);
  });

  it('rejects invalid input, unknown regions and duplicate names', async () => {
    const bad = await call(vigil.app, 'post', '/api/organisations', { name: 'X', ownerType: 'alien' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const extra = await call(vigil.app, 'post', '/api/organisations', { name: 'X', ownerType: 'business', isAdmin: true });
    expect(extra.status).toBe(400);
    expect((extra.body as { error: { message: string } }).error.message).toContain('isAdmin');
    const region = await call(vigil.app, 'post', '/api/organisations', { name: 'Y', ownerType: 'business', regionId: 'nope' });
    expect(region.status).toBe(404);
    expect(region.body).toMatchObject({ error: { code: 'REGION_NOT_FOUND' } });
    const dup = await call(vigil.app, 'post', '/api/organisations', { name: '  west lake BANK ', ownerType: 'business' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: { code: 'DUPLICATE_ORGANISATION', details: { existingOrganisationId: catalog.businessOrgId } } });
    const rename = await call(vigil.app, 'patch', `/api/organisations/${catalog.governmentOrgId}`, { name: 'West Lake Bank' });
    expect(rename.status).toBe(409);
    expect((await call(vigil.app, 'patch', '/api/organisations/nope', { name: 'Z' })).status).toBe(404);
    expect((await call(vigil.app, 'delete', '/api/organisations/nope')).status).toBe(404);
    expect((await call(vigil.app, 'get', '/api/organisations?limit=abc')).status).toBe(400);
  });

  it('refuses to delete an organisation that owns cameras', async () => {
    const camera = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { organisationId: catalog.businessOrgId }));
    expect(camera.status).toBe(201);
    const res = await call(vigil.app, 'delete', `/api/organisations/${catalog.businessOrgId}`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'ORGANISATION_IN_USE', details: { cameras: 1 } } });
    expect((await call(vigil.app, 'get', `/api/organisations/${catalog.businessOrgId}`)).status).toBe(200);
  });
});

describe('/api/regions', () => {
  it('returns the tree, nested and ordered', async () => {
    const res = await call(vigil.app, 'get', '/api/regions/tree');
    expect(res.status).toBe(200);
    const [city] = (res.body as { items: Array<{ name: string; children: Array<{ name: string; children: unknown[] }> }> }).items;
    expect(city?.name).toBe('Hangzhou');
    expect(city?.children.map((c) => c.name)).toEqual(['Shangcheng', 'Xihu']);
    const subtree = await call(vigil.app, 'get', `/api/regions/tree?rootId=${catalog.districtId}`);
    expect(subtree.body).toMatchObject({ items: [{ name: 'Xihu', children: [{ name: 'Lingyin station', children: [{ name: 'Grid 7', children: [] }] }] }] });
    expect((await call(vigil.app, 'get', '/api/regions/tree?rootId=nope')).status).toBe(404);
  });

  it('lists regions flat, by parent and by kind', async () => {
    expect((await call(vigil.app, 'get', '/api/regions?parentId=root')).body).toMatchObject({ items: [{ id: catalog.cityId }] });
    const districts = await call(vigil.app, 'get', `/api/regions?parentId=${catalog.cityId}`);
    expect((districts.body as { items: unknown[] }).items).toHaveLength(2);
    const grids = await call(vigil.app, 'get', '/api/regions?kind=grid');
    expect(grids.body).toMatchObject({ items: [{ id: catalog.gridId }] });
    expect((await call(vigil.app, 'get', '/api/regions?kind=planet')).status).toBe(400);
  });

  it('enforces the city › district › station › grid shape', async () => {
    const cases: Array<[object, number, string]> = [
      [{ name: 'Orphan district', kind: 'district', adminCode: '330199' }, 400, 'INVALID_REGION_PARENT'],
      [{ name: 'City under city', kind: 'city', adminCode: '330200', parentId: catalog.cityId }, 400, 'INVALID_REGION_PARENT'],
      [{ name: 'Grid under district', kind: 'grid', parentId: catalog.districtId }, 400, 'INVALID_REGION_PARENT'],
      [{ name: 'Codeless city', kind: 'city' }, 400, 'VALIDATION_FAILED'],
      [{ name: 'Short code', kind: 'city', adminCode: '3301' }, 400, 'VALIDATION_FAILED'],
      [{ name: 'Lost station', kind: 'station', parentId: 'nope' }, 404, 'REGION_NOT_FOUND'],
      [{ name: 'Copy of Xihu', kind: 'district', parentId: catalog.cityId, adminCode: '330106' }, 409, 'DUPLICATE_REGION_CODE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call(vigil.app, 'post', '/api/regions', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body).toMatchObject({ error: { code } });
    }
  });

  it('moves a subtree with its cameras and refuses a parent of the wrong kind', async () => {
    const station = await call(vigil.app, 'post', '/api/regions', { name: 'Mobile station', kind: 'station', parentId: catalog.districtId });
    const stationId = (station.body as { id: string }).id;
    const grid = await call(vigil.app, 'post', '/api/regions', { name: 'Mobile grid', kind: 'grid', parentId: stationId });
    const gridId = (grid.body as { id: string }).id;
    const camera = await call(vigil.app, 'post', '/api/cameras', cameraBody(catalog, { regionId: gridId }));
    const cameraId = (camera.body as { id: string }).id;
    const moved = await call(vigil.app, 'patch', `/api/regions/${stationId}`, { parentId: catalog.otherDistrictId, name: 'Moved station' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentId: catalog.otherDistrictId, name: 'Moved station' });
    const inOther = await call(vigil.app, 'get', `/api/cameras?regionId=${catalog.otherDistrictId}&limit=500`);
    expect((inOther.body as { items: Array<{ id: string }> }).items.map((c) => c.id)).toContain(cameraId);
    const inOld = await call(vigil.app, 'get', `/api/cameras?regionId=${catalog.districtId}&limit=500`);
    expect((inOld.body as { items: Array<{ id: string }> }).items.map((c) => c.id)).not.toContain(cameraId);
    const wrongKind = await call(vigil.app, 'patch', `/api/regions/${stationId}`, { parentId: catalog.cityId });
    expect(wrongKind.status).toBe(400);
    const clearCode = await call(vigil.app, 'patch', `/api/regions/${catalog.districtId}`, { adminCode: null });
    expect(clearCode.status).toBe(400);
    expect((await call(vigil.app, 'patch', '/api/regions/nope', { name: 'x' })).status).toBe(404);
  });

  it('refuses to delete a region in use and deletes an empty one', async () => {
    const inUse = await call(vigil.app, 'delete', `/api/regions/${catalog.cityId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ error: { code: 'REGION_IN_USE' } });
    const empty = await call(vigil.app, 'post', '/api/regions', { name: 'Empty grid', kind: 'grid', parentId: catalog.stationId });
    const id = (empty.body as { id: string }).id;
    expect((await call(vigil.app, 'get', `/api/regions/${id}`)).status).toBe(200);
    expect((await call(vigil.app, 'delete', `/api/regions/${id}`)).status).toBe(204);
    expect((await call(vigil.app, 'get', `/api/regions/${id}`)).status).toBe(404);
    expect((await call(vigil.app, 'delete', `/api/regions/${id}`)).status).toBe(404);
  });
});
