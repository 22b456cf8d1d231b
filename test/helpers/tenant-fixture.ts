import type { Express } from 'express';
import { call } from './catalog-fixture.js';

export const NON_ADMIN_ROLES = ['reviewer', 'operator', 'technician', 'integrator'] as const;
export type NonAdminRole = (typeof NON_ADMIN_ROLES)[number];

export interface Tenants {
  readonly cityId: string;
  readonly districtA: string;
  readonly districtB: string;
  readonly gridA: string;
  readonly gridB: string;
  readonly orgA: string;
  readonly orgB: string;
  readonly cameraA: string;
  readonly cameraB: string;
  /** A user of organisation B, their token id, and a live view of camera B. */
  readonly userB: string;
  readonly tokenB: string;
  readonly viewB: string;
  /** API tokens of users scoped to organisation A / district A, by role. */
  readonly tokensA: Readonly<Record<NonAdminRole, string>>;
  readonly tokensB: Readonly<Record<NonAdminRole, string>>;
}

async function ok<T>(promise: ReturnType<typeof call>, status = 201): Promise<T> {
  const res = await promise;
  if (res.status !== status) throw new Error(`fixture: ${res.status} ${res.text}`);
  return res.body as T;
}

/** Signs a new user in and returns an API token for them (cookie + CSRF, as the UI does). */
export async function tokenFor(app: Express, username: string, password: string): Promise<string> {
  const request = (await import('supertest')).default;
  const agent = request.agent(app);
  const login = await agent.post('/api/session').send({ username, password });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.text}`);
  const res = await agent.post('/api/tokens').set('x-csrf-token', (login.body as { csrfToken: string }).csrfToken).send({ name: 'test' });
  if (res.status !== 201) throw new Error(`token ${username}: ${res.status} ${res.text}`);
  return (res.body as { token: string }).token;
}

/**
 * Two tenants: organisation A (a business in district A) and organisation B (a residential
 * community in district B), one camera each, and a user of every non-admin role on each side.
 */
export async function seedTenants(app: Express): Promise<Tenants> {
  const region = (body: object) => ok<{ id: string }>(call(app, 'post', '/api/regions', body)).then((r) => r.id);
  const cityId = await region({ name: 'Tenant City', kind: 'city', adminCode: '440100' });
  const districtA = await region({ name: 'District A', kind: 'district', parentId: cityId, adminCode: '440103' });
  const districtB = await region({ name: 'District B', kind: 'district', parentId: cityId, adminCode: '440104' });
  const stationA = await region({ name: 'Station A', kind: 'station', parentId: districtA });
  const stationB = await region({ name: 'Station B', kind: 'station', parentId: districtB });
  const gridA = await region({ name: 'Grid A', kind: 'grid', parentId: stationA });
  const gridB = await region({ name: 'Grid B', kind: 'grid', parentId: stationB });
  const orgA = (await ok<{ id: string }>(call(app, 'post', '/api/organisations', { name: 'Tenant A Shop', ownerType: 'business', regionId: districtA }))).id;
  const orgB = (await ok<{ id: string }>(call(app, 'post', '/api/organisations', { name: 'Tenant B Homes', ownerType: 'residential', regionId: districtB }))).id;
  const camera = (org: string, grid: string, n: number) =>
    ok<{ id: string }>(call(app, 'post', '/api/cameras', { name: `Tenant camera ${n}`, organisationId: org, regionId: grid, profiles: { main: { url: `rtsp://10.77.0.${n}/main` } }, credentials: { username: 'u', password: `tenant-secret-${n}` } })).then((c) => c.id);
  const cameraA = await camera(orgA, gridA, 1);
  const cameraB = await camera(orgB, gridB, 2);

  const makeUsers = async (side: 'a' | 'b', org: string, district: string) => {
    const tokens = {} as Record<NonAdminRole, string>;
    let integratorId = '';
    for (const role of NON_ADMIN_ROLES) {
      const username = `${role}-${side}`;
      const password = `pw-${side}-${role.length}-long-enough-secret`;
      const scope = role === 'integrator' ? { organisationIds: [org] } : role === 'reviewer' ? { organisationIds: [org], regionId: district } : { regionId: district };
      const created = await ok<{ user: { id: string } }>(call(app, 'post', '/api/users', { username, role, password, ...scope }));
      if (role === 'integrator') integratorId = created.user.id;
      tokens[role] = await tokenFor(app, username, password);
    }
    return { tokens, integratorId };
  };
  const a = await makeUsers('a', orgA, districtA);
  const b = await makeUsers('b', orgB, districtB);
  const tokenList = await ok<{ items: Array<{ id: string }> }>(call(app, 'get', '/api/tokens', undefined, b.tokens.integrator), 200);
  const viewB = (await ok<{ id: string }>(call(app, 'post', `/api/cameras/${cameraB}/views`, { reason: 'fixture' }, b.tokens.operator))).id;
  return { cityId, districtA, districtB, gridA, gridB, orgA, orgB, cameraA, cameraB, userB: b.integratorId, tokenB: tokenList.items[0]!.id, viewB, tokensA: a.tokens, tokensB: b.tokens };
}
