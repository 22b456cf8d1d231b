import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { HealthState } from '../domain/health-state.js';
import type { Role } from '../domain/roles.js';
import type { CameraSource, OwnerType, ProfileKind, RegionKind } from '../domain/catalog.js';
import type { Lifecycle } from '../domain/camera-lifecycle.js';
import type { Tier } from '../domain/tier.js';
import type { StreamScheme } from '../domain/stream-address.js';

/**
 * Row types of the database. Times are ISO-8601 UTC strings of fixed width (toISOString), which
 * sort and compare the same as instants on SQLite and PostgreSQL alike.
 */

export interface RegionTable {
  id: string;
  name: string;
  kind: RegionKind;
  parent_id: string | null;
  admin_code: string | null;
  /** Materialised path of ids, "/root/child/self/": a subtree is one prefix match. */
  path: string;
  created_at: string;
  updated_at: string;
}

export interface OrganisationTable {
  id: string;
  name: string;
  /** Lower-cased, trimmed name: two organisations may not differ only in case. */
  name_key: string;
  owner_type: OwnerType;
  industry_code: string | null;
  region_id: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  created_at: string;
  updated_at: string;
}

export interface CameraTable {
  id: string;
  national_code: string;
  name: string;
  manufacturer: string | null;
  model: string | null;
  serial_number: string | null;
  /** Normalised serial for duplicate detection. */
  serial_key: string | null;
  mac_address: string | null;
  hardware_id: string | null;
  onvif_endpoint_ref: string | null;
  onvif_address: string | null;
  organisation_id: string;
  region_id: string;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  description: string | null;
  tier: Tier;
  tier_override: Tier | null;
  tier_override_expires_at: string | null;
  lifecycle: Lifecycle;
  lifecycle_reason: string | null;
  lifecycle_changed_at: string;
  source: CameraSource;
  /** The user who registered it; null before migration 0005 and for Vigil's own. */
  submitted_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface StreamProfileTable {
  camera_id: string;
  kind: ProfileKind;
  scheme: StreamScheme;
  host: string;
  port: number | null;
  path: string;
  query: string | null;
  /** Normalised address; unique, so one stream cannot be registered twice. */
  address_key: string;
  codec: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  bitrate_kbps: number | null;
}

export interface CameraCredentialTable {
  camera_id: string;
  /** AES-256-GCM sealed JSON { username, password }, bound to the camera id. */
  sealed: string;
  updated_at: string;
}

export interface AuditEventTable {
  /** 1, 2, 3, … without gaps: assigned from audit_head in the writing transaction. */
  id: number;
  at: string;
  actor: string;
  action: string;
  object_type: string;
  object_id: string | null;
  /** JSON; never holds a secret. */
  details: string | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface AuditHeadTable {
  id: number;
  last_id: number;
  last_hash: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string | null;
  /** scrypt, in the PHC-like form produced by security/password-hasher.ts. */
  password_hash: string;
  role: Role;
  region_id: string | null;
  must_change_password: number;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface UserOrganisationTable {
  user_id: string;
  organisation_id: string;
}

export interface SessionTable {
  /** SHA-256 of the session cookie value: a stolen database holds no usable session. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  client_ip: string | null;
  created_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CameraViewTable {
  id: string;
  camera_id: string;
  organisation_id: string;
  user_id: string;
  username: string;
  reason: string | null;
  started_at: string;
  ended_at: string | null;
}

export interface HealthTransitionTable {
  id: Generated<number>;
  camera_id: string;
  at: string;
  from_state: HealthState;
  to_state: HealthState;
  reason: string;
}

export interface MaintenanceWindowTable {
  id: string;
  camera_id: string;
  starts_at: string;
  /** Exclusive. */
  ends_at: string;
  reason: string;
  created_by: string;
  created_at: string;
}

export interface PatrolPlanTable {
  id: string;
  name: string;
  /** Lower-cased, trimmed name: plan names are unique regardless of case. */
  name_key: string;
  layout: number;
  dwell_seconds: number;
  /** JSON: { key, attention, general } — 0 leaves a tier out. */
  weights: string;
  /** JSON array of region ids (subtrees); [] = anywhere. */
  region_ids: string;
  /** JSON array of organisation ids; [] = all. */
  organisation_ids: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface RepairTicketTable {
  id: string;
  camera_id: string;
  /** The camera's organisation when the ticket opened: the ticket is theirs to fix. */
  organisation_id: string;
  tier: Tier;
  /** offline or degraded when opened. */
  state: HealthState;
  reason: string;
  /** When the camera went down (opened_at is later, by the tier's threshold). */
  down_since: string;
  opened_at: string;
  closed_at: string | null;
}

export interface MigrationTable {
  name: string;
  applied_at: string;
}

export interface Database {
  regions: RegionTable;
  organisations: OrganisationTable;
  cameras: CameraTable;
  camera_stream_profiles: StreamProfileTable;
  camera_credentials: CameraCredentialTable;
  audit_events: AuditEventTable;
  audit_head: AuditHeadTable;
  users: UserTable;
  user_organisations: UserOrganisationTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  camera_views: CameraViewTable;
  health_transitions: HealthTransitionTable;
  maintenance_windows: MaintenanceWindowTable;
  repair_tickets: RepairTicketTable;
  patrol_plans: PatrolPlanTable;
  vigil_migrations: MigrationTable;
}

export type RegionRow = Selectable<RegionTable>;
export type PatrolPlanRow = Selectable<PatrolPlanTable>;
export type OrganisationRow = Selectable<OrganisationTable>;
export type CameraRow = Selectable<CameraTable>;
export type NewCameraRow = Insertable<CameraTable>;
export type CameraUpdate = Updateable<CameraTable>;
export type StreamProfileRow = Selectable<StreamProfileTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type UserRow = Selectable<UserTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type CameraViewRow = Selectable<CameraViewTable>;
export type RepairTicketRow = Selectable<RepairTicketTable>;
export type MaintenanceWindowRow = Selectable<MaintenanceWindowTable>;
