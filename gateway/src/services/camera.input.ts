import type { CameraSource, ProfileKind } from '../domain/catalog.js';
import type { Tier, TierOverride } from '../domain/tier.js';

/** A stream address as a URL or as parts, plus what is known of the stream. */
export interface StreamProfileInput {
  readonly url?: string | undefined;
  readonly scheme?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | null | undefined;
  readonly path?: string | undefined;
  readonly query?: string | null | undefined;
  readonly codec?: string | null | undefined;
  readonly width?: number | null | undefined;
  readonly height?: number | null | undefined;
  readonly fps?: number | null | undefined;
  readonly bitrateKbps?: number | null | undefined;
}

export interface CredentialsInput {
  readonly username: string;
  readonly password: string;
}

/** Fields a caller may set on create; national code, id and timestamps are Vigil's. */
export interface CameraCreateInput {
  readonly name: string;
  readonly organisationId: string;
  readonly regionId: string;
  readonly tier?: Tier | undefined;
  readonly tierOverride?: TierOverride | null | undefined;
  readonly lifecycle?: 'pending' | 'approved' | undefined;
  readonly source?: CameraSource | undefined;
  readonly manufacturer?: string | null | undefined;
  readonly model?: string | null | undefined;
  readonly serialNumber?: string | null | undefined;
  readonly macAddress?: string | null | undefined;
  readonly hardwareId?: string | null | undefined;
  readonly onvifEndpointRef?: string | null | undefined;
  readonly onvifAddress?: string | null | undefined;
  readonly latitude?: number | null | undefined;
  readonly longitude?: number | null | undefined;
  readonly address?: string | null | undefined;
  readonly description?: string | null | undefined;
  readonly profiles: { readonly main: StreamProfileInput; readonly sub?: StreamProfileInput | null | undefined };
  readonly credentials?: CredentialsInput | null | undefined;
}

/** A partial update; `null` clears an optional field, a missing key leaves it. */
export interface CameraUpdateInput extends Partial<Omit<CameraCreateInput, 'profiles' | 'lifecycle' | 'source'>> {
  readonly profiles?: { readonly main?: StreamProfileInput | undefined; readonly sub?: StreamProfileInput | null | undefined } | undefined;
}

export type ProfileInputs = Partial<Record<ProfileKind, StreamProfileInput | null | undefined>>;
