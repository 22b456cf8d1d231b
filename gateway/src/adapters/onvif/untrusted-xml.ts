import { XMLParser } from 'fast-xml-parser';

/**
 * Parsing XML that a device on the network sent: every document is untrusted. It is refused,
 * not parsed, when it is too large, declares a DTD or entities (entity expansion), or nests
 * deeper than any ONVIF answer does. Element names become keys of plain objects, so names that
 * would reach Object.prototype (`__proto__`, `constructor`, `prototype`) are refused too.
 */
export const MAX_XML_BYTES = 256 * 1024;
export const MAX_XML_DEPTH = 40;

export type XmlNode = Record<string, unknown>;

export type XmlParse = { readonly ok: true; readonly doc: XmlNode } | { readonly ok: false; readonly why: string };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
});

const FORBIDDEN_NAMES = /<\/?\s*(?:[\w.-]+:)?(?:__proto__|constructor|prototype)[\s/>]|\s(?:[\w.-]+:)?(?:__proto__|constructor|prototype)\s*=/;

/** Deepest element nesting, by a linear scan of the tags (before any parser recursion). */
function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const match of text.matchAll(/<(\/?)([^>]*?)(\/?)>/g)) {
    const [, closing, inner = '', selfClosing] = match;
    if (inner.startsWith('?') || inner.startsWith('!')) continue;
    if (closing) depth -= 1;
    else if (!selfClosing) max = Math.max(max, ++depth);
  }
  return max;
}

export function parseUntrustedXml(text: string): XmlParse {
  if (Buffer.byteLength(text, 'utf8') > MAX_XML_BYTES) return { ok: false, why: 'too large' };
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, why: 'DTDs and entities are refused' };
  if (FORBIDDEN_NAMES.test(text)) return { ok: false, why: 'forbidden element or attribute name' };
  if (nestingDepth(text) > MAX_XML_DEPTH) return { ok: false, why: 'nested too deeply' };
  try {
    const doc = parser.parse(text, true) as unknown;
    if (typeof doc !== 'object' || doc === null) return { ok: false, why: 'not an XML document' };
    return { ok: true, doc: doc as XmlNode };
  } catch (err) {
    return { ok: false, why: `malformed: ${(err as Error).message.slice(0, 80)}` };
  }
}

/** Walks a parsed document by local element names; undefined when a step is missing. */
export function pick(node: unknown, ...names: string[]): unknown {
  let current = node;
  for (const name of names) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, name)) return undefined;
    current = (current as XmlNode)[name];
  }
  return current;
}

/** The text of an element that may carry attributes (`{ '#text': …, '@Type': … }`). */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && node !== null && Object.hasOwn(node, '#text')) return String((node as XmlNode)['#text']);
  return undefined;
}

/** An element that may occur once or many times, as a list. */
export function listOf(node: unknown): unknown[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}
