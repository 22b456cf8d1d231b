import type { Role } from '../domain/roles.js';
import { EVERYTHING, type Scope } from '../domain/scope.js';

/**
 * Who is acting, as every service sees it: the user's id and name (for the audit trail), role
 * (what they may do) and scope (which cameras and organisations they may see).
 */
export interface Actor {
  readonly id: string;
  readonly username: string;
  readonly role: Role | 'system';
  readonly scope: Scope;
}

/** Vigil itself: start-up, migrations, scheduled work. */
export const SYSTEM: Actor = { id: 'system', username: 'system', role: 'system', scope: EVERYTHING };
