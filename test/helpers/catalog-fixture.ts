import request from 'supertest';
import type { Express } from 'express';

/** Every response body the test saw, so it can check that no secret ever left the API. */
export const seenBodies: string[] = [];

const defaultTokens = new WeakMap<Express, string>();

/** The token `call` sends for an app unless given another (the test admin's). */
export function setDefaultToken(app: Express, token: string): void {
  defaultTokens.set(app, token);
}

/** One API call; `token` null sends none. */
export async function call(app: Express, method: 'get' | 'post' | 'patch' | 'put' | 'delete', url: string, body?: unknown, token?: string | null) {
  let req = request(app)[method](url);
  const bearer = token === undefined ? defaultTokens.get(app) : token;
  if (bearer) req = req.set('authorization', `Bearer ${bearer}`);
  if (body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(body));
  const res = await req;
  seenBodies.push(res.text ?? '');
  return res;
}

export interface Catalog {
  readonly cityId: string;
  readonly districtId: string;
  readonly otherDistrictId: string;
  readonly stationId: string;
  readonly gridId: string;
  readonly governmentOrgId: string;
  readonly businessOrgId: string;
}

/** A small region tree and two organisations, created through the API. */
export async function seedCatalog(app: Express): Promise<Catalog> {
  const region = async (body: object) => {
    const res = await call(app, 'post', '/api/regions', body);
    if (res.status !== 201) throw new Error(`seed region: ${res.status} ${res.text}`);
    return (res.body as { id: string }).id;
  };
  const cityId = await region({ name: 'Hangzhou', kind: 'city', adminCode: '330100' });
  const districtId = await region({ name: 'Xihu', kind: 'district', parentId: cityId, adminCode: '330106' });
  const otherDistrictId = await region({ name: 'Shangcheng', kind: 'district', parentId: cityId, adminCode: '330102' });
  const stationId = await region({ name: 'Lingyin station', kind: 'station', parentId: districtId });
  const gridId = await region({ name: 'Grid 7', kind: 'grid', parentId: stationId });
  const org = async (body: object) => {
    const res = await call(app, 'post', '/api/organisations', body);
    if (res.status !== 201) throw new Error(`seed organisation: ${res.status} ${res.text}`);
    return (res.body as { id: string }).id;
  };
  const governmentOrgId = await org({ name: 'City Traffic Bureau', ownerType: 'government', regionId: cityId });
  const businessOrgId = await org({ name: 'West Lake Bank', ownerType: 'business', industryCode: '51', regionId: districtId });
  return { cityId, districtId, otherDistrictId, stationId, gridId, governmentOrgId, businessOrgId };
}

let counter = 0;
/** A valid camera body; each call gets its own stream address. */
export function cameraBody(catalog: Catalog, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    name: `Camera ${counter}`,
    organisationId: catalog.governmentOrgId,
    regionId: catalog.gridId,
    tier: 'general',
    profiles: { main: { url: `rtsp://10.9.0.${counter % 250}:554/cam${counter}/main` }, sub: { url: `rtsp://10.9.0.${counter % 250}:554/cam${counter}/sub` } },
    ...overrides,
  };
}
