/**
 * The 20-digit national device code in the GB/T 28181 layout (Appendix D of GB/T 28181-2016):
 *
 *   digits 1–8   centre code: the administrative code of the place (province, city, district, unit)
 *   digits 9–10  industry code (00 public-road security access, 01 community, 02 internal, 51 finance, …)
 *   digits 11–13 device type (131 camera, 132 network camera / IPC, …)
 *   digit  14    network (0–4 public-security video network, 5 police network, 6 government network,
 *                7 internet, 8 social-resource network, 9 reserved)
 *   digits 15–20 serial number within the 14-digit prefix
 *
 * Vigil assigns codes itself: the prefix comes from the camera's region and owner, the serial is
 * the next free one under that prefix.
 */

export const NATIONAL_CODE_LENGTH = 20;
export const SERIAL_DIGITS = 6;
export const MAX_SERIAL = 999_999;

export interface NationalCodeParts {
  /** 6–8 digit administrative code; padded on the right with zeros to 8 digits. */
  readonly adminCode: string;
  readonly industryCode: string;
  readonly typeCode: string;
  readonly networkCode: string;
}

export interface ParsedNationalCode {
  readonly centre: string;
  readonly industry: string;
  readonly type: string;
  readonly network: string;
  readonly serial: number;
}

const DIGITS = /^[0-9]+$/;

function digits(value: string, min: number, max: number): boolean {
  return DIGITS.test(value) && value.length >= min && value.length <= max;
}

export type PrefixResult = { ok: true; prefix: string } | { ok: false; reason: string };

/** The first 14 digits (everything but the serial), or why they cannot be formed. */
export function nationalCodePrefix(parts: NationalCodeParts): PrefixResult {
  if (!digits(parts.adminCode, 6, 8)) return { ok: false, reason: 'administrative code must be 6 to 8 digits' };
  if (!digits(parts.industryCode, 2, 2)) return { ok: false, reason: 'industry code must be 2 digits' };
  if (!digits(parts.typeCode, 3, 3)) return { ok: false, reason: 'type code must be 3 digits' };
  if (!digits(parts.networkCode, 1, 1)) return { ok: false, reason: 'network code must be 1 digit' };
  return { ok: true, prefix: parts.adminCode.padEnd(8, '0') + parts.industryCode + parts.typeCode + parts.networkCode };
}

export type CodeResult = { ok: true; code: string } | { ok: false; reason: string };

/**
 * The code with the next serial after `highestSerial` (0 when the prefix has none yet).
 *
 * @example nextNationalCode('33010200001320', 41) // { ok: true, code: '33010200001320000042' }
 */
export function nextNationalCode(prefix: string, highestSerial: number): CodeResult {
  if (!digits(prefix, 14, 14)) return { ok: false, reason: 'prefix must be 14 digits' };
  if (!Number.isInteger(highestSerial) || highestSerial < 0) return { ok: false, reason: 'invalid serial' };
  const serial = highestSerial + 1;
  if (serial > MAX_SERIAL) return { ok: false, reason: `all ${MAX_SERIAL} serials under ${prefix} are used` };
  return { ok: true, code: prefix + String(serial).padStart(SERIAL_DIGITS, '0') };
}

/** Splits a code into its fields, or null when it is not 20 digits. */
export function parseNationalCode(code: string): ParsedNationalCode | null {
  if (!digits(code, NATIONAL_CODE_LENGTH, NATIONAL_CODE_LENGTH)) return null;
  return {
    centre: code.slice(0, 8),
    industry: code.slice(8, 10),
    type: code.slice(10, 13),
    network: code.slice(13, 14),
    serial: Number(code.slice(14)),
  };
}
