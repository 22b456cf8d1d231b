import { xmlEscape } from './xml.js';

export const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  ter: 'http://www.onvif.org/ver10/error',
} as const;

/** A SOAP 1.2 envelope around a body, with the ONVIF namespaces declared. */
export function envelope(body: string): string {
  const xmlns = Object.entries(NS)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope ${xmlns}><env:Body>${body}</env:Body></env:Envelope>`;
}

/**
 * A SOAP fault as ONVIF devices send it (ONVIF Core spec §5.11.2): Sender faults are the
 * client's (HTTP 400), Receiver faults the device's (HTTP 500).
 */
export function fault(kind: 'Sender' | 'Receiver', subcode: string, reason: string): { status: number; body: string } {
  return {
    status: kind === 'Sender' ? 400 : 500,
    body: envelope(
      `<env:Fault><env:Code><env:Value>env:${kind}</env:Value><env:Subcode><env:Value>ter:${subcode}</env:Value></env:Subcode></env:Code>` +
        `<env:Reason><env:Text xml:lang="en">${xmlEscape(reason)}</env:Text></env:Reason></env:Fault>`,
    ),
  };
}

/** The standard answer to a bad or missing UsernameToken. */
export const notAuthorized = () => fault('Sender', 'NotAuthorized', 'Sender not Authorized');
