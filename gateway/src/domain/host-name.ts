/**
 * Strict checks for the host part of a stream address: a DNS name, a dotted-quad IPv4 address
 * or an IPv6 address. Anything a resolver might read in a surprising way (octal or hex IPv4
 * forms, numeric top-level labels, zone ids, underscores) is refused rather than guessed at.
 */

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_HOST_LENGTH = 253;

function isDottedQuad(host: string): boolean {
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  // No leading zeros: "010" is octal to some resolvers and decimal to others.
  return parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(host: string): boolean {
  if (!/^[0-9a-f:.]+$/.test(host)) return false;
  const doubleColons = host.split('::').length - 1;
  if (doubleColons > 1) return false;
  let groups = host.split(':');
  // An embedded IPv4 tail (::ffff:127.0.0.1) counts as two groups.
  const last = groups[groups.length - 1] ?? '';
  let tailGroups = 0;
  if (last.includes('.')) {
    if (!isDottedQuad(last)) return false;
    groups = groups.slice(0, -1);
    tailGroups = 2;
  }
  const filled = groups.filter((g) => g !== '');
  if (!filled.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return false;
  const count = filled.length + tailGroups;
  if (doubleColons === 1) return count <= 7;
  // Without "::" there must be exactly 8 groups and no empty ones.
  return count === 8 && groups.every((g) => g !== '');
}

/** The host lower-cased, or null when it is not an acceptable host. IPv6 is given without brackets. */
export function normaliseHost(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_HOST_LENGTH) return null;
  const host = raw.toLowerCase();
  if (host.includes(':')) return isIpv6(host) ? host : null;
  if (isDottedQuad(host)) return host;
  const labels = host.split('.');
  if (!labels.every((l) => LABEL.test(l))) return null;
  // A numeric or hex last label would make this an IP address in disguise ("127.1", "0x7f.1").
  const top = labels[labels.length - 1] ?? '';
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/.test(top)) return null;
  return host;
}
