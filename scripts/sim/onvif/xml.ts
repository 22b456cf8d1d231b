import { parseUntrustedXml, pick, textOf, type XmlNode } from '../../../gateway/src/adapters/onvif/untrusted-xml.js';

export { pick, textOf, type XmlNode };

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Parses a request the simulator received. Like a careful device it refuses DTDs (entity
 * expansion), oversized input and anything that is not an XML document — with the same hardened
 * parser Vigil uses for what devices send it.
 */
export function parseRequestXml(text: string): XmlNode | null {
  if (text.length > MAX_REQUEST_BYTES) return null;
  const parsed = parseUntrustedXml(text);
  return parsed.ok ? parsed.doc : null;
}
