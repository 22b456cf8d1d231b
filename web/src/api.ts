/** The gateway's HTTP API, with the session cookie; state-changing calls carry the CSRF token. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), credentials: 'same-origin' });
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText, error?.details);
  }
  return data as T;
}

/** What the user reads for an API error code (the code stays visible for support). */
const MESSAGES: Record<string, string> = {
  INVALID_CREDENTIALS: 'Wrong username or password.',
  LOGIN_THROTTLED: 'Too many attempts. Wait a little and try again.',
  UNAUTHENTICATED: 'Your session has ended. Sign in again.',
  FORBIDDEN: 'Your role does not allow this.',
  CSRF_FAILED: 'The page is out of date. Reload it and try again.',
  VALIDATION_FAILED: 'Some fields are not valid.',
  WEAK_PASSWORD: 'Choose a longer password that is not easy to guess.',
  REASON_REQUIRED: 'Viewing these cameras needs a reason.',
  DUPLICATE_PATROL_PLAN: 'A patrol plan with this name already exists.',
  PATROL_PLAN_NOT_FOUND: 'This patrol plan no longer exists.',
  REGION_NOT_FOUND: 'A chosen region no longer exists.',
  ORGANISATION_NOT_FOUND: 'A chosen organisation no longer exists.',
  STREAM_UNAVAILABLE: 'The camera is not streaming.',
  STREAM_CAPACITY: 'The relay is at capacity.',
  CAMERA_NOT_FOUND: 'No such camera (or not in your scope).',
};

export function humanMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const field = typeof err.details?.field === 'string' ? ` (${err.details.field})` : '';
    // A validation message names the rule broken; the generic sentence alone would hide it.
    if (err.code === 'VALIDATION_FAILED') return `Some fields are not valid: ${err.message} [${err.code}]`;
    return `${MESSAGES[err.code] ?? err.message}${field} [${err.code}]`;
  }
  return err instanceof Error ? err.message : String(err);
}

export interface Session {
  readonly user: { id: string; username: string; role: string; mustChangePassword: boolean };
  readonly permissions: string[];
  readonly csrfToken: string | null;
}

export type Tier = 'key' | 'attention' | 'general';
export type HealthState = 'unknown' | 'online' | 'degraded' | 'offline' | 'maintenance';

export interface PatrolPlan {
  id: string;
  name: string;
  layout: 1 | 4 | 9 | 16 | 25;
  dwellSeconds: number;
  weights: Record<Tier, number>;
  tiers: Tier[];
  regionIds: string[];
  organisationIds: string[];
  createdBy: string;
  updatedAt: string;
}

export interface WallCamera {
  id: string;
  name: string;
  tier: Tier;
  ownerType: 'government' | 'business' | 'residential';
  organisationName: string;
  regionName: string;
  health: { state: HealthState; reason: string | null };
}

export interface WallPage {
  cameras: WallCamera[];
  cursor: string;
  eligible: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
