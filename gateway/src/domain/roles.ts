/**
 * Who may do what (DESIGN.md §2 User / role). Every route declares one permission; a role holds
 * a fixed set. Scope (which cameras) is separate: see scope.ts.
 */
export const ROLES = ['admin', 'reviewer', 'operator', 'technician', 'integrator'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'organisation:read',
  'organisation:write',
  'region:read',
  'region:write',
  'camera:read',
  'camera:create',
  'camera:update',
  'camera:delete',
  'camera:credentials',
  'camera:retire',
  'camera:review',
  'camera:view',
  'user:manage',
  'audit:read',
  'audit:views',
  'metrics:read',
  'token:manage',
  'health:read',
  'health:check',
  'health:maintain',
  'discovery:run',
  'patrol:read',
  'patrol:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Route-level access: 'public' needs nobody; 'session' needs a login, even one that must change
 * its password; 'stream-token' is authorised by the signed token in the path (HLS players cannot
 * send headers), checked by the stream service.
 */
export type Access = Permission | 'public' | 'session' | 'stream-token';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  reviewer: ['organisation:read', 'region:read', 'camera:read', 'camera:review', 'camera:view', 'audit:views', 'token:manage', 'health:read', 'patrol:read'],
  // Operators watch the walls, and keep the patrol plans they share.
  operator: ['organisation:read', 'region:read', 'camera:read', 'camera:view', 'token:manage', 'health:read', 'patrol:read', 'patrol:write'],
  // Technicians keep cameras working: health, "check now" and maintenance windows.
  technician: ['organisation:read', 'region:read', 'camera:read', 'metrics:read', 'token:manage', 'health:read', 'health:check', 'health:maintain', 'discovery:run'],
  // Integrators register and look after their own organisation's cameras; they never watch video.
  integrator: ['organisation:read', 'region:read', 'camera:read', 'camera:create', 'camera:update', 'camera:delete', 'camera:credentials', 'audit:views', 'token:manage', 'health:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** Cameras an admin or reviewer registers are approved at once; an integrator's wait for review. */
export function initialLifecycle(role: Role): 'approved' | 'pending' {
  return role === 'admin' || role === 'reviewer' ? 'approved' : 'pending';
}

/** Camera fields only staff may set; an integrator sending one is refused, not ignored. */
export const STAFF_ONLY_CAMERA_FIELDS = ['organisationId', 'lifecycle', 'nationalCode', 'tier', 'tierOverride', 'source'] as const;

export function mayOnlyStaffSet(role: Role): boolean {
  return role === 'integrator';
}
