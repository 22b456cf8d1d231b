import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
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

const MAX_ANSWER_BYTES = 256 * 1024;

type HttpAnswer = { readonly ok: true; readonly status: number; readonly text: string | null } | { readonly ok: false; readonly reason: ProbeReason; readonly message: string };

/**
 * One HTTP POST with a whole-exchange deadline and a size cap (a longer answer is refused, not
 * truncated). node:http rather than fetch: a discovery run makes thousands of these, and the
 * plain client costs about half the CPU per call.
 */
function post(url: string, payload: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ ok: false, reason: 'unreachable', message: 'bad service address' });
    }
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      { method: 'POST', headers: { 'content-type': 'application/soap+xml; charset=utf-8', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy();
            finish({ ok: true, status: res.statusCode ?? 0, text: null });
          } else chunks.push(chunk);
        });
        res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => finish({ ok: false, reason: 'timeout', message: 'the ONVIF answer did not finish' }));
      },
    );
    let done = false;
    const finish = (answer: HttpAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const timer = setTimeout(() => {
      request.destroy();
      finish({ ok: false, reason: 'timeout', message: `no ONVIF answer within ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => {
      finish(err.code === 'ECONNREFUSED' ? { ok: false, reason: 'refused', message: 'ONVIF port refused' } : { ok: false, reason: 'unreachable', message: err.code ?? err.message });
    });
    request.end(payload);
  });
}

/**
 * One SOAP 1.2 call to an ONVIF service. Faults come back as reasons: NotAuthorized (or HTTP
 * 401) → auth_failed, any other fault or a malformed answer → onvif_fault, no answer → timeout.
 */
export async function soapCall(url: string, body: string, credentials: OnvifCredentials | null, options: SoapOptions): Promise<SoapResult> {
  const header = credentials ? usernameTokenHeader(credentials.username, credentials.password, new Date(Date.now() + (options.clockOffsetMs ?? 0))) : '';
  const payload = `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">${header}<s:Body>${body}</s:Body></s:Envelope>`;
  const answer = await post(url, payload, options.timeoutMs);
  if (!answer.ok) return answer;
  const response = { status: answer.status };
  const text = answer.text;
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
