import { createHash, randomBytes } from 'node:crypto';

/**
 * The WS-Security UsernameToken header ONVIF devices expect (OASIS UsernameToken Profile 1.0,
 * PasswordDigest = Base64(SHA-1(nonce + Created + password))). `created` should be the device's
 * time, not ours: a camera whose clock is off refuses tokens "from the future".
 */
export function usernameTokenHeader(username: string, password: string, created: Date): string {
  const nonce = randomBytes(16);
  const createdText = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(createdText, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
  return (
    '<s:Header><Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken>' +
    `<Username>${xmlEscape(username)}</Username>` +
    `<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</Password>` +
    `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${createdText}</Created>` +
    '</UsernameToken></Security></s:Header>'
  );
}

export function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
