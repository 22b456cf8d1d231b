import { randomBytes } from 'node:crypto';
import { usernameToken } from '../../scripts/sim/onvif/username-token.js';

/** A bare SOAP 1.2 request, optionally with a WS-UsernameToken (PasswordDigest). */
export async function soapCall(
  url: string,
  body: string,
  credentials?: { username: string; password: string; now?: Date },
  timeoutMs = 5000,
): Promise<{ status: number; text: string; ms: number }> {
  let header = '';
  if (credentials) {
    const t = usernameToken(credentials.username, credentials.password, credentials.now ?? new Date(), randomBytes(16));
    header =
      '<s:Header><Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken>' +
      `<Username>${credentials.username}</Username>` +
      `<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${t.digest}</Password>` +
      `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${t.nonce}</Nonce>` +
      `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${t.created}</Created>` +
      '</UsernameToken></Security></s:Header>';
  }
  const started = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    body: `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">${header}<s:Body>${body}</s:Body></s:Envelope>`,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, text: await res.text(), ms: Date.now() - started };
}

export const GET_DEVICE_INFORMATION = '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>';
export const GET_SYSTEM_DATE_AND_TIME = '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>';

/** Reads the UTC time out of a GetSystemDateAndTime answer. */
export function deviceTime(xml: string): Date {
  const utc = /UTCDateTime>([\s\S]*?)<\/[\w:]*UTCDateTime/.exec(xml)?.[1] ?? '';
  const n = (tag: string) => Number(new RegExp(`${tag}>(\\d+)<`).exec(utc)?.[1]);
  return new Date(Date.UTC(n('Year'), n('Month') - 1, n('Day'), n('Hour'), n('Minute'), n('Second')));
}
