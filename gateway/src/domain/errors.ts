/**
 * Stable error codes of the API. Clients match on `code`, never on `message`, so a code once
 * published is never renamed. Each maps to one HTTP status.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_STREAM_URL: 400,
  INVALID_TIER_OVERRIDE: 400,
  INVALID_REGION_PARENT: 400,
  FIELD_NOT_ALLOWED: 400,
  REASON_REQUIRED: 400,
  WEAK_PASSWORD: 400,
  INVALID_CSV: 400,
  INVALID_PATROL_CURSOR: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  LOGIN_THROTTLED: 429,
  STREAM_CAPACITY: 503,
  DISCOVERY_BUSY: 503,
  STREAM_UNAVAILABLE: 503,
  INVALID_STREAM_TOKEN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  CAMERA_NOT_FOUND: 404,
  ORGANISATION_NOT_FOUND: 404,
  REGION_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  VIEW_NOT_FOUND: 404,
  MAINTENANCE_WINDOW_NOT_FOUND: 404,
  DISCOVERY_RUN_NOT_FOUND: 404,
  PATROL_PLAN_NOT_FOUND: 404,
  DUPLICATE_USER: 409,
  DUPLICATE_CAMERA: 409,
  DUPLICATE_ORGANISATION: 409,
  DUPLICATE_PATROL_PLAN: 409,
  DUPLICATE_REGION_CODE: 409,
  REGION_IN_USE: 409,
  ORGANISATION_IN_USE: 409,
  INVALID_LIFECYCLE_TRANSITION: 409,
  CAMERA_NOT_DELETABLE: 409,
  CAMERA_NOT_MONITORED: 409,
  IMPORT_HAS_ERRORS: 422,
  NATIONAL_CODE_EXHAUSTED: 409,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Extra machine-readable facts about an error (which field, which existing object). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * An expected, client-caused failure that the HTTP layer turns into `{ error: { code, message } }`.
 * Services throw it to abort a request; anything else thrown is a bug and becomes INTERNAL_ERROR.
 */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'VigilError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
