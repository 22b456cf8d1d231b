/** Names shared by the catalog: owners, regions, camera sources and stream profiles. */

export const OWNER_TYPES = ['government', 'business', 'residential'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

/** city › district › station › grid; each kind may only sit under the one before it. */
export const REGION_KINDS = ['city', 'district', 'station', 'grid'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export const CAMERA_SOURCES = ['onvif', 'rtsp', 'csv'] as const;
export type CameraSource = (typeof CAMERA_SOURCES)[number];

export const PROFILE_KINDS = ['main', 'sub'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** The kind a region's parent must be, or null for a root. */
export function parentKindOf(kind: RegionKind): RegionKind | null {
  switch (kind) {
    case 'city':
      return null;
    case 'district':
      return 'city';
    case 'station':
      return 'district';
    case 'grid':
      return 'station';
  }
}

/** Cities and districts carry an administrative code: national codes are built from it. */
export function requiresAdminCode(kind: RegionKind): boolean {
  return kind === 'city' || kind === 'district';
}

/**
 * Normalises a MAC address to lower-case colon form; null when it is not one.
 *
 * @example normaliseMac('00-1A-2B-3C-4D-5E') // '00:1a:2b:3c:4d:5e'
 */
export function normaliseMac(raw: string): string | null {
  const hex = raw.replace(/[:\-.]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** Serial numbers compare without case or surrounding space. */
export function normaliseSerial(raw: string): string {
  return raw.trim().toUpperCase();
}
