import { XMLParser } from 'fast-xml-parser';

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export const MAX_REQUEST_BYTES = 64 * 1024;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Entities are never expanded: a DTD is refused before parsing anyway.
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
});

export type XmlNode = Record<string, unknown>;

/**
 * Parses a request the simulator received. Like a careful device it refuses DTDs (entity
 * expansion), oversized input and anything that is not an XML document.
 */
export function parseRequestXml(text: string): XmlNode | null {
  if (text.length > MAX_REQUEST_BYTES || /<!DOCTYPE|<!ENTITY/i.test(text)) return null;
  try {
    const doc = parser.parse(text, true) as unknown;
    return typeof doc === 'object' && doc !== null ? (doc as XmlNode) : null;
  } catch {
    return null;
  }
}

/** Walks a parsed document by local element names; returns undefined when a step is missing. */
export function pick(node: unknown, ...names: string[]): unknown {
  let current = node;
  for (const name of names) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as XmlNode)[name];
  }
  return current;
}

/** The text of an element that may carry attributes (`{ '#text': …, '@Type': … }`). */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && node !== null && '#text' in node) return String((node as XmlNode)['#text']);
  return undefined;
}
