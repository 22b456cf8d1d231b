import { listOf, parseUntrustedXml, pick, textOf } from './untrusted-xml.js';

/**
 * WS-Discovery 2005/04 as ONVIF uses it (ONVIF Core §7.3): the Probe Vigil sends, and the parsing
 * of one ProbeMatches datagram — untrusted input from anything on the network, parsed alone so
 * one bad datagram never spoils the others.
 */
export const WS_DISCOVERY_PORT = 3702;
export const WS_DISCOVERY_GROUP = '239.255.255.250';
const DISCOVERY_NS = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';

/** The Probe for ONVIF video devices, with its MessageID (replies carry it in RelatesTo). */
export function probeMessage(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    `xmlns:d="${DISCOVERY_NS}" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">` +
    `<s:Header><a:MessageID>${messageId}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>` +
    '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
  );
}

export interface ProbeMatch {
  /** The device's stable identity (usually urn:uuid:…). */
  readonly endpointReference: string;
  /** Device service addresses that passed the checks. */
  readonly xaddrs: readonly string[];
  readonly scopes: readonly string[];
}

export type ProbeMatchParse = { readonly ok: true; readonly matches: readonly ProbeMatch[] } | { readonly ok: false; readonly why: string };

const MAX_DATAGRAM_BYTES = 32 * 1024;

/**
 * Parses one reply. XAddrs must be http(s) URLs whose host is the address the datagram came from
 * (`allowForeignXAddrs` lifts that): a reply must not steer Vigil's SOAP calls elsewhere.
 */
export function parseProbeMatches(datagram: Buffer, from: string, options: { messageId: string; allowForeignXAddrs?: boolean }): ProbeMatchParse {
  if (datagram.length > MAX_DATAGRAM_BYTES) return { ok: false, why: 'datagram too large' };
  const text = datagram.toString('utf8');
  if (text.includes('\uFFFD')) return { ok: false, why: 'not UTF-8' };
  const parsed = parseUntrustedXml(text);
  if (!parsed.ok) return parsed;
  const envelope = pick(parsed.doc, 'Envelope');
  const relatesTo = textOf(pick(envelope, 'Header', 'RelatesTo'));
  if (relatesTo !== options.messageId) return { ok: false, why: 'not a reply to our Probe' };
  const matchesNode = pick(envelope, 'Body', 'ProbeMatches');
  if (typeof matchesNode !== 'object' || matchesNode === null) return { ok: false, why: 'no ProbeMatches' };
  const matches: ProbeMatch[] = [];
  for (const match of listOf(pick(matchesNode, 'ProbeMatch'))) {
    const endpointReference = textOf(pick(match, 'EndpointReference', 'Address'))?.trim();
    if (!endpointReference || endpointReference.length > 256 || /[\s<>]/.test(endpointReference)) continue;
    const xaddrs = (textOf(pick(match, 'XAddrs')) ?? '')
      .split(/\s+/)
      .filter((x) => x.length > 0 && x.length <= 512)
      .filter((x) => acceptableXAddr(x, from, options.allowForeignXAddrs ?? false));
    if (xaddrs.length === 0) continue;
    const scopes = (textOf(pick(match, 'Scopes')) ?? '').split(/\s+/).filter((s) => s.length > 0 && s.length <= 256).slice(0, 32);
    matches.push({ endpointReference, xaddrs, scopes });
  }
  return matches.length > 0 ? { ok: true, matches } : { ok: false, why: 'no usable ProbeMatch' };
}

function acceptableXAddr(xaddr: string, from: string, allowForeign: boolean): boolean {
  let url: URL;
  try {
    url = new URL(xaddr);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  return allowForeign || url.hostname.replace(/^\[|\]$/g, '') === from;
}

/** Scope values ONVIF devices announce: onvif://www.onvif.org/name/Gate%20East → "Gate East". */
export function scopeValue(scopes: readonly string[], kind: 'name' | 'hardware' | 'location'): string | null {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const scope = scopes.find((s) => s.startsWith(prefix));
  if (!scope) return null;
  try {
    return decodeURIComponent(scope.slice(prefix.length)).slice(0, 128);
  } catch {
    return null;
  }
}
