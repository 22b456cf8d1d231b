import type { ProbeReason } from '../../domain/health-state.js';
import { parseUntrustedXml, pick, textOf, type XmlNode } from './untrusted-xml.js';
import { usernameTokenHeader } from './ws-username-token.js';

export interface OnvifCredentials {
  readonly username: string;
  readonly password: string;
}

export interface SoapOptions {
  readonly timeoutMs: number;
  /** Device clock minus ours, in ms: the UsernameToken is dated in the device's time. */
  readonly clockOffsetMs?: number;
}

export type SoapResult = { readonly ok: true; readonly body: XmlNode } | { readonly ok: false; readonly reason: ProbeReason; readonly message: string };

/** Reads at most `limit` bytes of a response body; a longer one is refused, not truncated. */
async function readCapped(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One SOAP 1.2 call to an ONVIF service. Faults come back as reasons: NotAuthorized (or HTTP
 * 401) → auth_failed, any other fault or a malformed answer → onvif_fault, no answer → timeout.
 */
export async function soapCall(url: string, body: string, credentials: OnvifCredentials | null, options: SoapOptions): Promise<SoapResult> {
  const header = credentials ? usernameTokenHeader(credentials.username, credentials.password, new Date(Date.now() + (options.clockOffsetMs ?? 0))) : '';
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
      body: `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">${header}<s:Body>${body}</s:Body></s:Envelope>`,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const e = err as Error & { cause?: NodeJS.ErrnoException };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, reason: 'timeout', message: `no ONVIF answer within ${options.timeoutMs} ms` };
    if (e.cause?.code === 'ECONNREFUSED') return { ok: false, reason: 'refused', message: 'ONVIF port refused' };
    return { ok: false, reason: 'unreachable', message: e.cause?.code ?? e.message };
  }
  let text: string | null;
  try {
    text = await readCapped(response, 256 * 1024);
  } catch {
    return { ok: false, reason: 'timeout', message: 'the ONVIF answer did not finish in time' };
  }
  if (text === null) return { ok: false, reason: 'onvif_fault', message: 'the ONVIF answer is too large' };
  if (response.status === 401) return { ok: false, reason: 'auth_failed', message: 'HTTP 401' };
  const parsed = parseUntrustedXml(text);
  if (!parsed.ok) return { ok: false, reason: 'onvif_fault', message: `bad ONVIF answer (HTTP ${response.status}): ${parsed.why}` };
  const envelopeBody = pick(parsed.doc, 'Envelope', 'Body');
  const fault = pick(envelopeBody, 'Fault');
  if (fault !== undefined) {
    const subcode = textOf(pick(fault, 'Code', 'Subcode', 'Value')) ?? '';
    const reasonText = textOf(pick(fault, 'Reason', 'Text')) ?? '';
    const unauthorised = /NotAuthorized/i.test(subcode) || /not authori[sz]ed/i.test(reasonText);
    return { ok: false, reason: unauthorised ? 'auth_failed' : 'onvif_fault', message: `${subcode || 'fault'}: ${reasonText}`.slice(0, 200) };
  }
  if (typeof envelopeBody !== 'object' || envelopeBody === null || response.status >= 400) {
    return { ok: false, reason: 'onvif_fault', message: `HTTP ${response.status} without a SOAP body` };
  }
  return { ok: true, body: envelopeBody as XmlNode };
}
